package dev.embody.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;

import java.nio.file.Path;
import java.util.List;

/**
 * Every kind of target, by --target name: the one place an agent's profile is made, from a person's options or from
 * what an episode's meta.json recorded. A new kind of target adds one line here and one profile class.
 */
public final class Profiles {

    private static final List<String> NAMES = List.of(SimGameProfile.NAME, DesktopProfile.NAME, SimRobotProfile.NAME, RobotProfile.NAME);

    private Profiles() {
    }

    public static List<String> names() {
        return NAMES;
    }

    /**
     * The profile for a target.
     *
     * @throws IllegalArgumentException an unknown target or a wrong option (a command line error)
     * @throws BadFileException         a calibration file that is not what it should be
     */
    public static Profile open(String name, TargetOptions options) throws BadFileException {
        return switch (name) {
            case SimGameProfile.NAME -> new SimGameProfile(SimGameProfile.Config.of(options));
            case DesktopProfile.NAME -> new DesktopProfile(DesktopProfile.Config.of(options));
            case SimRobotProfile.NAME -> {
                if (!List.of("in-process", "external").contains(options.sim())) {
                    throw new IllegalArgumentException("--sim must be in-process or external, got '" + options.sim() + "'");
                }
                yield new SimRobotProfile(RobotProfile.Config.of(options), "external".equals(options.sim()));
            }
            case RobotProfile.NAME -> new RobotProfile(RobotProfile.Config.of(options));
            default -> throw new IllegalArgumentException("unknown target '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
    }

    /**
     * The profile for a target with the modules a person chose ({@code --modules plan=vlm}).
     *
     * @throws IllegalArgumentException as {@link #open(String, TargetOptions)}, or a choice the profile cannot take
     * @throws BadFileException         a calibration or prompt file that is not what it should be
     */
    public static Profile open(String name, TargetOptions options, ModuleChoice choice) throws BadFileException {
        return choose(open(name, options), choice);
    }

    /** A profile with the chosen modules: the profile itself when every module is its own. */
    public static Profile choose(Profile profile, ModuleChoice choice) throws BadFileException {
        return choose(profile, choice, false);
    }

    /**
     * For replay: the chosen modules over a recording, which stands still while the model thinks, so the model is
     * asked at each step and waited for (it re-asks the model on recorded frames: for trying a prompt on what was seen).
     */
    public static Profile chooseForReplay(Profile profile, ModuleChoice choice) throws BadFileException {
        return choose(profile, choice == null ? null : choice.waiting(), true);
    }

    private static Profile choose(Profile profile, ModuleChoice choice, boolean recording) throws BadFileException {
        if (choice == null || !choice.anyModel()) {
            return profile;
        }
        try {
            return new ModelBackedProfile(profile, choice, recording);
        } catch (BadFileException | RuntimeException e) {
            profile.close();
            throw e;
        }
    }

    /** The model session of a profile whose modules a model backs (its call log, last thought, skill proposals). */
    public static java.util.Optional<dev.embody.vlm.ModelSession> modelSession(Profile profile) {
        return profile instanceof ModelBackedProfile m ? java.util.Optional.of(m.session()) : java.util.Optional.empty();
    }

    /** The module choice a profile was opened with (every module local for a plain profile). */
    public static ModuleChoice moduleChoice(Profile profile) {
        return profile instanceof ModelBackedProfile m ? m.choice() : ModuleChoice.local();
    }

    /**
     * The profile an episode was recorded with, from its meta.json: its target, and (where recorded) the calibration
     * and skills it used. Episodes from before profiles were recorded get the target's defaults. {@code skills}
     * overrides the recorded skills folder when not null.
     */
    public static Profile fromEpisode(Path metaFile, JsonNode meta, Path skills) throws BadFileException {
        String target = meta.path("target").asText("");
        if (!NAMES.contains(target)) {
            throw new BadFileException(metaFile, 0, "field 'target' is '" + target + "', not a kind this build knows (" + String.join(", ", NAMES) + ")");
        }
        JsonNode p = meta.path("profile");
        TargetOptions o = TargetOptions.defaults();
        if (p.hasNonNull("calibration")) {
            o = o.withCalibration(Path.of(p.get("calibration").asText()));
        }
        if (skills != null) {
            o = o.withSkills(skills);
        } else if (p.hasNonNull("skills")) {
            o = o.withSkills(Path.of(p.get("skills").asText()));
        }
        if (p.hasNonNull("robot_id")) {
            o = o.withRobotId(p.get("robot_id").asText());
        }
        if (p.hasNonNull("sim")) {
            o = o.withSim(p.get("sim").asText());
        }
        try {
            return open(target, o);
        } catch (IllegalArgumentException e) {
            throw new BadFileException(metaFile, 0, "field 'profile': " + e.getMessage());
        }
    }
}
