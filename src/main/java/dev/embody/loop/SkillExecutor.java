package dev.embody.loop;


import dev.embody.skill.Primitive;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Turns a command into primitives on an actuator. Holds and waits pass in short slices so an operator's correction or
 * an e-stop ({@code cancelled}) cuts them short; whatever a step held is released before it returns, even on error.
 */
public final class SkillExecutor {

    /** How often a hold checks whether it was cancelled. */
    private static final Duration SLICE = Duration.ofMillis(10);
    private static final int MAX_DEPTH = 8;

    private final SkillLibrary library;

    public SkillExecutor(SkillLibrary library) {
        this.library = library;
    }

    /** What a command sent, and whether it was cut short. */
    public record Execution(List<String> sent, boolean interrupted) {
    }

    public Execution run(SkillCall call, Scene scene, Actuator actuator, BooleanSupplier cancelled) throws InterruptedException {
        List<String> sent = new ArrayList<>();
        boolean interrupted;
        try {
            interrupted = !run(library.normalize(call), scene, actuator, cancelled, sent, 0);
        } finally {
            for (String key : List.copyOf(actuator.held())) {
                actuator.keyUp(key);
            }
        }
        return new Execution(List.copyOf(sent), interrupted);
    }

    /** @return false if it was cancelled part way */
    private boolean run(SkillCall call, Scene scene, Actuator actuator, BooleanSupplier cancelled, List<String> sent, int depth)
            throws InterruptedException {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("skills nest deeper than " + MAX_DEPTH + " at " + call);
        }
        Skill skill = library.skill(call.skill()).orElseThrow();
        Map<String, String> b = library.bindings(call);
        for (Primitive p : skill.body()) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            if (p instanceof Primitive.Press pr) {
                List<String> keys = pr.keys().stream().map(k -> SkillLibrary.fill(k, b).toUpperCase()).toList();
                actuator.press(keys);
                sent.add("press " + String.join("+", keys));
            } else if (p instanceof Primitive.Hold h) {
                String key = SkillLibrary.fill(h.key(), b).toUpperCase();
                Duration d = SkillLibrary.parseDuration(SkillLibrary.fill(h.duration(), b));
                actuator.keyDown(key);
                boolean whole;
                try {
                    whole = elapse(actuator, d, cancelled);
                } finally {
                    actuator.keyUp(key);
                }
                sent.add("hold " + key + " " + d.toMillis() + "ms" + (whole ? "" : " (cut short)"));
                if (!whole) {
                    return false;
                }
            } else if (p instanceof Primitive.Type t) {
                String text = SkillLibrary.fill(t.text(), b);
                actuator.type(text);
                sent.add("type " + text);
            } else if (p instanceof Primitive.MouseMove m) {
                double[] xy = point(m.x(), m.y(), m.entity(), b, scene);
                actuator.mouseMove(xy[0], xy[1], m.relative());
                sent.add((m.relative() ? "mouse_move by " : "mouse_move to ") + fmt(xy));
            } else if (p instanceof Primitive.Click c) {
                if (c.x() != null || c.entity() != null) {
                    double[] xy = point(c.x(), c.y(), c.entity(), b, scene);
                    actuator.mouseMove(xy[0], xy[1], false);
                    sent.add("mouse_move to " + fmt(xy));
                }
                String button = SkillLibrary.fill(c.button(), b);
                for (int i = 0; i < c.count(); i++) {
                    actuator.mouseButton(button, true);
                    actuator.mouseButton(button, false);
                }
                sent.add("click " + button + (c.count() > 1 ? " x" + c.count() : ""));
            } else if (p instanceof Primitive.Scroll s) {
                int n = Integer.parseInt(SkillLibrary.fill(s.notches(), b).strip());
                actuator.scroll(n);
                sent.add("scroll " + n);
            } else if (p instanceof Primitive.Publish pub) {
                String topic = SkillLibrary.fill(pub.topic(), b);
                String payload = SkillLibrary.fill(pub.payload(), b);
                actuator.publish(topic, payload);
                sent.add("publish " + topic + " " + payload);
            } else if (p instanceof Primitive.Wait w) {
                Duration d = SkillLibrary.parseDuration(SkillLibrary.fill(w.duration(), b));
                boolean whole = elapse(actuator, d, cancelled);
                sent.add("wait " + d.toMillis() + "ms" + (whole ? "" : " (cut short)"));
                if (!whole) {
                    return false;
                }
            } else if (p instanceof Primitive.Call c) {
                Map<String, String> args = new LinkedHashMap<>();
                c.args().forEach((k, v) -> args.put(k, SkillLibrary.fill(v, b)));
                if (!run(library.normalize(new SkillCall(c.skill(), args)), scene, actuator, cancelled, sent, depth + 1)) {
                    return false;
                }
            } else if (p instanceof Primitive.ReleaseAll) {
                actuator.releaseAll();
                sent.add("release_all");
            }
        }
        return true;
    }

    private static boolean elapse(Actuator actuator, Duration d, BooleanSupplier cancelled) throws InterruptedException {
        Duration left = d;
        while (!(left.isZero() || left.isNegative())) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            Duration slice = left.compareTo(SLICE) < 0 ? left : SLICE;
            actuator.elapse(slice);
            left = left.minus(slice);
        }
        return true;
    }

    private static double[] point(String x, String y, String entity, Map<String, String> b, Scene scene) {
        if (entity != null) {
            String kind = SkillLibrary.fill(entity, b);
            Entity e = scene.first(kind).orElseThrow(() -> new IllegalStateException("no '" + kind + "' in the scene to point at"));
            return new double[]{e.x(), e.y()};
        }
        return new double[]{Double.parseDouble(SkillLibrary.fill(x, b)), Double.parseDouble(SkillLibrary.fill(y, b))};
    }

    private static String fmt(double[] xy) {
        return String.format("(%.0f,%.0f)", xy[0], xy[1]);
    }
}
