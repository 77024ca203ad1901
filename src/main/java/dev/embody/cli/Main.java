package dev.embody.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The embody command line. Exit codes: 0 done, 1 failed at run time, 2 bad command line, 3 bad input file, 4 a robot's
 * e-stop ended the session early, 130 Ctrl-C.
 */
@Command(name = "embody", mixinStandardHelpOptions = true, version = "embody 0.1.0",
        description = "A controller for embodied agents: a six-module loop that sees a screen or camera, acts with keys, mouse or MQTT, and learns from an operator's corrections.",
        subcommands = {LiveCommand.class, SkillsCommand.class, EpisodesCommand.class, BenchCommand.class, PlayCommand.class, CorrectCommand.class, ReplayCommand.class, SimWindowCommand.class, ActCommand.class, CalibrateCommand.class, SimRobotCommand.class, StandInVlmCommand.class, ImproveCommand.class, TrainCommand.class, RecordCommand.class, PolicyCommand.class, EvalCommand.class, TrainerCommand.class, FleetCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int BAD_FILE = 3;
    /** A robot's e-stop (or a message on its estop topic that was not understood) ended the session before its end. */
    public static final int ESTOPPED = 4;
    public static final int INTERRUPTED = 130;

    static {
        // before any logger exists: the per-run log file goes to runs/<id>/embody.log
        if (System.getProperty("embody.run.dir") == null) {
            String id = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + ProcessHandle.current().pid();
            System.setProperty("embody.run.dir", Path.of("runs", id).toString());
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; what {@link #main} exits with. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("failed", e);
            return e instanceof dev.embody.file.BadFileException ? BAD_FILE : FAILED;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            // one clear line, not the whole usage
            e.getCommandLine().getErr().println("error: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE;
        });
        return cli.execute(args.length == 0 ? new String[]{"live"} : args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The run's own folder, where its log and plots go. */
    static Path runDir() {
        return Path.of(System.getProperty("embody.run.dir"));
    }
}
