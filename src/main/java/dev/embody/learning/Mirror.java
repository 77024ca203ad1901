package dev.embody.learning;

import dev.embody.planning.PolicyInput;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mirror images of examples for a top-down view: flipped left-right, the frame, the target and every left/right in
 * the label and the previous command swap; flipped up-down likewise. A game seen from above plays the same mirrored,
 * so one correction teaches four situations. Not for views that are not mirror-symmetric (a side-scroller with
 * gravity, a desktop): the caller decides.
 */
public final class Mirror {

    private static final Pattern DIRECTION = Pattern.compile("direction=(left|right|up|down)");

    private Mirror() {
    }

    /** The examples and, for each, its left-right, up-down and both-ways mirror images. */
    public static List<Example> withMirrors(List<Example> examples) {
        List<Example> out = new ArrayList<>(examples.size() * 4);
        for (Example e : examples) {
            out.add(e);
            Example h = flip(e, true, false), v = flip(e, false, true);
            out.add(h);
            out.add(v);
            out.add(flip(h, false, true));
        }
        return out;
    }

    static Example flip(Example e, boolean horizontal, boolean vertical) {
        PolicyInput in = e.input();
        int w = in.width(), h = in.height(), n = w * h;
        byte[] src = in.pixels(), dst = new byte[src.length];
        for (int c = 0; c < 3 * in.frames(); c++) {
            for (int y = 0; y < h; y++) {
                int sy = vertical ? h - 1 - y : y;
                for (int x = 0; x < w; x++) {
                    int sx = horizontal ? w - 1 - x : x;
                    dst[c * n + y * w + x] = src[c * n + sy * w + sx];
                }
            }
        }
        float tx = horizontal && in.hasTarget() ? 1f - in.targetX() : in.targetX();
        float ty = vertical && in.hasTarget() ? 1f - in.targetY() : in.targetY();
        PolicyInput flipped = new PolicyInput(dst, w, h, in.frames(), tx, ty, in.taskText(), in.previous() == null ? null : swap(in.previous(), horizontal, vertical));
        return new Example(flipped, swap(e.label(), horizontal, vertical), e.source(), e.weight(),
                e.origin() + (horizontal ? "~h" : "") + (vertical ? "~v" : ""));
    }

    static String swap(String command, boolean horizontal, boolean vertical) {
        Matcher m = DIRECTION.matcher(command);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String d = m.group(1);
            String to = switch (d) {
                case "left" -> horizontal ? "right" : d;
                case "right" -> horizontal ? "left" : d;
                case "up" -> vertical ? "down" : d;
                default -> vertical ? "up" : d;
            };
            m.appendReplacement(out, "direction=" + to);
        }
        m.appendTail(out);
        return out.toString();
    }
}
