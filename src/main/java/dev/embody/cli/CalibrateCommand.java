package dev.embody.cli;

import picocli.CommandLine.Command;

/** Calibration commands; each writes files under calibration/. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, description = "Calibrate a target; writes files under calibration/.",
        subcommands = {CalibrateScreenCommand.class})
final class CalibrateCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
