package dev.embody.cli;

import dev.embody.file.BadFileException;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.TargetOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;

/** The options that pick a target's profile, shared by every command that builds an agent (a picocli mixin). */
final class TargetSelection {

    @Option(names = "--target", defaultValue = "sim-game", description = "What to control: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Names.class)
    String target;
    @Option(names = "--calibration", description = "Desktop: the program's calibration file (default calibration/desktop/sim-window.yaml); robots: the calibration folder (default calibration/robot).")
    Path calibration;
    @Option(names = "--skills", description = "Skills folder (default: the profile's: skills/<target>, or the one a desktop calibration names).")
    Path skills;

    static final class Names extends ArrayList<String> {
        Names() {
            super(Profiles.names());
        }
    }

    TargetOptions options() {
        return TargetOptions.defaults().withCalibration(calibration).withSkills(skills);
    }

    /** The profile these options pick; a wrong option is a command-line error (exit 2), a bad calibration file exit 3. */
    Profile profile(CommandSpec spec, TargetOptions options) throws BadFileException {
        Options.of(spec).oneOf("--target", target, Profiles.names());
        try {
            return Profiles.open(target, options);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The profile with the modules a person chose (--modules plan=vlm ...): a bad choice is exit 2, a bad prompt file exit 3. */
    Profile profile(CommandSpec spec, TargetOptions options, dev.embody.profile.ModuleChoice choice) throws BadFileException {
        Options.of(spec).oneOf("--target", target, Profiles.names());
        try {
            return Profiles.open(target, options, choice);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    Profile profile(CommandSpec spec) throws BadFileException {
        return profile(spec, options());
    }
}
