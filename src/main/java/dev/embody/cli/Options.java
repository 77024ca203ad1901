package dev.embody.cli;

import dev.embody.loop.Goal;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What picocli's types cannot say about an option's value: a range, a finite number, one of a fixed set of words, a
 * plain name, an option that another needs. Each check refuses with one line that names the option and what it
 * expects, quoting the value as it was typed; picocli's handler prints it and exits 2 ({@link Main#USAGE}).
 * Commands check their options first, before they open, start or write anything.
 */
final class Options {

    /** One level of an MQTT topic (no '/', '+' or '#'): robot and agent ids. */
    private static final Pattern TOPIC_LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A file name with no folder in it, not hidden: what a name that becomes NAME.yaml may be. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
    private static final Pattern BROKER = Pattern.compile("(tcp|ssl|mqtt|mqtts)://[^/]+");
    static final List<String> MQTT_VERSIONS = List.of("5", "3.1.1", "auto");

    private final CommandSpec spec;

    private Options(CommandSpec spec) {
        this.spec = spec;
    }

    static Options of(CommandSpec spec) {
        return new Options(spec);
    }

    /** A whole number from min to max (a max of Long.MAX_VALUE or Integer.MAX_VALUE is no upper bound). */
    long whole(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw refused(option + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? " must be at least " + min
                    : " must be from " + min + " to " + max) + ", got " + typed(option, value));
        }
        return value;
    }

    /** A finite number from min to max. */
    double number(String option, double value, double min, double max, String unit) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw refused(option + " must be a number from " + plain(min) + " to " + plain(max) + unit(unit) + ", got " + typed(option, value));
        }
        return value;
    }

    /** A finite number above min and at most max (an infinite max is no upper bound). */
    double above(String option, double value, double min, double max, String unit) {
        if (!Double.isFinite(value) || value <= min || value > max) {
            throw refused(option + " must be a number above " + plain(min) + (Double.isInfinite(max) ? "" : " and at most " + plain(max))
                    + unit(unit) + ", got " + typed(option, value));
        }
        return value;
    }

    /** {@link #above} for an option that may be left out. */
    Double above(String option, Double value, double min, double max, String unit) {
        return value == null ? null : above(option, value.doubleValue(), min, max, unit);
    }

    /** One of a fixed set of words; null (not given, no default) passes. */
    String oneOf(String option, String value, Collection<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw refused(option + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    /** A difficulty of the sim game. */
    int difficulty(String option, int value) {
        if (value < 1 || value > 3) {
            throw refused(option + " must be 1, 2 or 3, got " + value);
        }
        return value;
    }

    /** Text that must say something. */
    String text(String option, String value) {
        if (value != null && value.isBlank()) {
            throw refused(option + " must not be empty");
        }
        return value;
    }

    /** A name that becomes a file name: no folder, no leading dot, so it cannot point outside its folder. */
    String plainName(String option, String value) {
        if (value != null && !PLAIN_NAME.matcher(value).matches()) {
            throw refused(option + " must be a plain file name (letters, digits, '.', '_' and '-', not starting with '.'), got '" + value + "'");
        }
        return value;
    }

    /** An id that is one MQTT topic level (embody/robots/ID/...): a '/', '+' or '#' would change which topics it names. */
    String topicLevel(String option, String value) {
        if (value != null && !TOPIC_LEVEL.matcher(value).matches()) {
            throw refused(option + " must be letters, digits, '.', '_' or '-' (one MQTT topic level), got '" + value + "'");
        }
        return value;
    }

    /** An MQTT broker's URL; null (not given) passes. */
    String broker(String option, String value) {
        if (value != null && !BROKER.matcher(value).matches()) {
            throw refused(option + " must be a URL such as tcp://127.0.0.1:1883 or ssl://host:8883, got '" + value + "'");
        }
        return value;
    }

    /** A file that must exist; null (not given) passes. */
    Path file(String option, Path value) {
        if (value != null && !Files.isRegularFile(value)) {
            throw refused(option + ": no such file " + value);
        }
        return value;
    }

    /** A combination the command needs: {@code message} when it is missing. */
    void needs(boolean given, String message) {
        if (!given) {
            throw refused(message);
        }
    }

    /** --goal as the profile understands it with its skills (the profile's default goal when not given). */
    Goal goal(String goal, Profile profile, SkillLibrary library) throws Exception {
        Goal g = goal != null ? new Goal(goal) : profile.defaultGoal();
        try {
            profile.checkGoal(g, library);
        } catch (IllegalArgumentException e) {
            throw refused("--goal: " + e.getMessage());
        }
        return g;
    }

    ParameterException refused(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** The value as it was typed (-5, NaN, 70000), or as picocli holds it when it came from a default. */
    private String typed(String option, Object value) {
        OptionSpec o = spec.findOption(option);
        if (o != null && !o.originalStringValues().isEmpty()) {
            List<String> typed = o.originalStringValues();
            return typed.get(typed.size() - 1);
        }
        return value instanceof Double d ? plain(d) : String.valueOf(value);
    }

    private static String unit(String unit) {
        return unit == null ? "" : " (" + unit + ")";
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
