package dev.embody.skill;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a target's actuator can carry out, by primitive name ({@code press}, {@code publish}...), and what it refuses:
 * key chords on its deny-list (in any order) and a hold its watchdog would cut short. A skills folder is checked
 * against it, and so is a skill taught or proposed at run time, so a skill the target cannot (or must not) run is
 * refused when it is loaded, not when it runs. {@code call} (another skill) and {@code release_all} (every actuator
 * lets go) are open to every target. A {@code publish} names one of its robot's own topics ({@link #topicRefusal}).
 *
 * <pre>{@code
 * SkillLibrary.load(Path.of("skills/sim-game"), new TargetPrimitives("sim-game", KeyTrackingActuator.PRIMITIVES));
 * }</pre>
 *
 * @param denied   key chords refused (upper-case KeyEvent names, e.g. {ALT, F4})
 * @param watchdog a hold must be shorter than this; null where no watchdog lets go of held keys
 */
public record TargetPrimitives(String target, Set<String> names, List<Set<String>> denied, Duration watchdog) {

    /** Every primitive of the skill format, for a folder checked without a target. */
    public static final Set<String> ALL = Set.of("press", "hold", "type", "mouse_move", "click", "scroll", "publish", "wait",
            "call", "release_all");
    private static final Set<String> EVERY_TARGET = Set.of("call", "release_all");
    /** Chords that close a program or the session, refused on every keyboard unless a calibration says otherwise. */
    public static final List<Set<String>> DEFAULT_DENIED = List.of(Set.of("ALT", "F4"), Set.of("CONTROL", "ALT", "DELETE"),
            Set.of("CONTROL", "ALT", "BACK_SPACE"));
    /** No target known: any primitive of the format, the default deny-list, no watchdog. */
    public static final TargetPrimitives ANY = new TargetPrimitives(null, ALL);
    /**
     * A robot's own topic as a skill names it: one topic level under {@code <prefix>/<robot id>/} ("cmd", "estop"), so
     * with no '/' it cannot climb out ('..') or name another robot, and with no '+', '#' or '$' no wildcard or broker topic.
     */
    private static final Pattern OWN_TOPIC = Pattern.compile("[A-Za-z0-9_-]+");
    /** The robot's reports to the agent (RobotTopics' ack, state, camera): a skill speaks to its robot, never as it. */
    private static final Set<String> ROBOT_REPORTS = Set.of("ack", "state", "camera");

    public TargetPrimitives {
        names = Set.copyOf(names);
        for (String n : names) {
            if (!ALL.contains(n)) {
                throw new IllegalArgumentException("'" + n + "' is not a primitive of the skill format " + new TreeSet<>(ALL));
            }
        }
        denied = denied.stream().map(d -> Set.copyOf(d.stream().map(k -> k.toUpperCase(Locale.ROOT)).toList())).toList();
        if (watchdog != null && (watchdog.isNegative() || watchdog.isZero())) {
            throw new IllegalArgumentException("a watchdog must be above 0, got " + watchdog);
        }
    }

    /** A target with the default deny-list and no watchdog. */
    public TargetPrimitives(String target, Set<String> names) {
        this(target, names, DEFAULT_DENIED, null);
    }

    public boolean allows(String primitive) {
        return names.contains(primitive) || EVERY_TARGET.contains(primitive);
    }

    /** Why a primitive is refused: "'publish' is not something the sim-game target can do (it can: hold, press, ...)". */
    public String refusal(String primitive) {
        Set<String> can = new TreeSet<>(names);
        can.addAll(EVERY_TARGET);
        return "'" + primitive + "' is not something the " + target + " target can do (its actuator can: " + String.join(", ", can) + ")";
    }

    /** Why pressing these keys together is refused (a denied chord among them, in any order), or null. */
    public String chordRefusal(List<String> keys) {
        Set<String> chord = Set.copyOf(keys.stream().map(k -> k.toUpperCase(Locale.ROOT)).toList());
        for (Set<String> d : denied) {
            if (chord.containsAll(d)) {
                return "press " + String.join("+", keys) + " is refused: " + chordName(d) + " is on the " + whose() + " deny-list";
            }
        }
        return null;
    }

    /** Why holding a key this long is refused (the watchdog would let go of it part way), or null. */
    public String holdRefusal(String key, Duration d) {
        if (watchdog != null && d.compareTo(watchdog) >= 0) {
            return "hold " + key + " for " + d.toMillis() + " ms is not shorter than the " + whose() + " watchdog (" + watchdog.toMillis()
                    + " ms), which would let go of it part way";
        }
        return null;
    }

    /** Why a skill may not publish to this topic (it is not one of its robot's own), or null. */
    public static String topicRefusal(String topic) {
        if (topic != null && ROBOT_REPORTS.contains(topic)) {
            return "publish topic '" + topic + "' is where the robot reports to the agent: a skill may not speak as the robot (it may publish to 'cmd', "
                    + "'estop' or another topic of its robot's own)";
        }
        if (topic != null && OWN_TOPIC.matcher(topic).matches()) {
            return null;
        }
        return "publish topic '" + topic + "' is not one of this robot's own topics: name one level under the robot's prefix, such as "
                + "'cmd' (letters, digits, '_' or '-'; no '/', '..', '+', '#' or '$')";
    }

    /** ALT+F4 in the order people write it: modifiers first. */
    public static String chordName(Set<String> chord) {
        List<String> order = List.of("CONTROL", "SHIFT", "ALT", "META", "WINDOWS", "ALT_GRAPH");
        return String.join("+", chord.stream().sorted(java.util.Comparator.comparingInt((String k) -> order.contains(k) ? order.indexOf(k) : order.size())
                .thenComparing(k -> k)).toList());
    }

    private String whose() {
        return target == null ? "default" : target + " target's";
    }
}
