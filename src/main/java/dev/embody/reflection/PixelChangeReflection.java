package dev.embody.reflection;

import dev.embody.loop.Entity;
import dev.embody.loop.ImageSignature;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.Step;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Self-reflection from the pixels alone, for a program with no parser: did the screen change where the last command
 * acted (around the pointer for a click, anywhere for a key), is the screen the same as it was several steps ago while
 * the agent kept acting (stuck), and did a template of the profile appear (progress). Reads the recent steps from memory.
 */
public final class PixelChangeReflection implements SelfReflection {

    /** A thumbnail cell counts as changed beyond this share of full scale (screen noise, a blinking cursor stay below). */
    private static final double CELL_CHANGE = 0.04;
    /** Half the side of the box a click is judged by, as a share of the frame. */
    private static final double AROUND = 0.12;
    /** Screens closer than this (mean per cell) count as the same. */
    private static final double SAME = 0.004;
    private static final Pattern POINT = Pattern.compile("mouse_move to \\((-?\\d+),(-?\\d+)\\)");

    private final int window;
    private ImageSignature previous;

    /** @param window how many steps back "the same screen as before" looks */
    public PixelChangeReflection(int window) {
        this.window = window;
    }

    public PixelChangeReflection() {
        this(4);
    }

    @Override
    public Reflection reflect(Step last, Observation now, Scene scene, Memory memory) {
        ImageSignature look = now.look();
        ImageSignature before = last != null && last.look() != null ? last.look() : previous;
        previous = look;
        if (last == null || before == null) {
            return new Reflection(false, 0, false, 0, false, false, "first step");
        }
        double[] box = where(last, scene);
        double changed = look.changed(before, CELL_CHANGE, box[0], box[1], box[2], box[3]);
        boolean acted = last.sent().stream().anyMatch(s -> !s.startsWith("wait") && !s.startsWith("release_all"));
        boolean moved = changed > 0;
        boolean stuck = false;
        int stuckSteps = 0;
        if (acted && !moved && !last.interrupted()) {
            stuckSteps = last.reflection().stuckSteps() + 1;
        }
        List<Step> recent = memory == null ? List.of() : memory.recent(window);
        if (acted && recent.size() >= window && recent.get(0).look() != null && look.distance(recent.get(0).look()) < SAME) {
            stuck = true;
            if (memory != null) {
                memory.cite("reflection", "the screen " + window + " steps ago (step " + recent.get(0).index() + ")");
            }
        }
        stuck |= stuckSteps >= 2;
        Set<String> appeared = templates(scene);
        appeared.removeAll(templates(last.scene()));
        boolean progress = !appeared.isEmpty();
        StringBuilder why = new StringBuilder();
        String place = box[2] - box[0] >= 1 ? "on screen" : "where it clicked";
        if (!acted) {
            why.append(moved ? String.format(Locale.ROOT, "waited; the screen changed (%.0f%%)", 100 * changed) : "waited; nothing changed");
        } else if (moved) {
            why.append(String.format(Locale.ROOT, "%s changed the screen %s (%.0f%% of it)", last.command(), place, 100 * changed));
        } else {
            why.append(last.command()).append(" changed nothing ").append(place);
        }
        if (stuck) {
            why.append(stuckSteps >= 2 ? "; " + stuckSteps + " actions in a row changed nothing" : "; the screen is as it was " + window + " steps ago");
        }
        if (progress) {
            why.append("; appeared: ").append(String.join(", ", appeared));
        }
        return new Reflection(moved, changed, stuck, stuckSteps, progress, false, why.toString());
    }

    /** Where the last command acted, as fractions of the frame: around its click, or everywhere for keys. */
    private static double[] where(Step last, Scene scene) {
        for (String s : last.sent()) {
            Matcher m = POINT.matcher(s);
            if (m.find() && scene.width() > 0 && scene.height() > 0) {
                double x = Double.parseDouble(m.group(1)) / scene.width(), y = Double.parseDouble(m.group(2)) / scene.height();
                return new double[]{x - AROUND, y - AROUND, x + AROUND, y + AROUND};
            }
        }
        return new double[]{0, 0, 1, 1};
    }

    private static Set<String> templates(Scene scene) {
        Set<String> out = new HashSet<>();
        for (Entity e : scene.entities()) {
            if (e.kind().startsWith("template:")) {
                out.add(e.kind());
            }
        }
        return out;
    }
}
