package dev.embody.sim;

import dev.embody.planning.InputFeature;
import dev.embody.planning.PolicyInput;
import dev.embody.planning.Veto;
import dev.embody.skill.SkillCall;

import java.util.Map;

/**
 * The grid game's safety shield over its learned policy: would this move sweep the player's disc over a lava-coloured
 * cell of the downscaled frame (one pixel per cell)? A hand-written rule over pixels, not learned: the net alone still
 * walks into lava too often. The grid game's profile adds it; it lives beside the game because it knows the game's move
 * skill, speed and cell size.
 */
public final class LavaShield implements Veto {

    /** Cells a move of each amount covers (100 px/s for 100/200/400 ms, 20 px a cell). */
    private static final Map<String, Double> REACH = Map.of("small", 0.5, "medium", 1.0, "large", 2.0);
    /** The player's radius (6 px) plus a margin, in cells. */
    private static final double CLEARANCE = 0.45;

    @Override
    public String forbids(PolicyInput in, SkillCall c) {
        if (!"move".equals(c.skill())) {
            return null;
        }
        float[] me = InputFeature.Player.position(in);
        if (me == null) {
            return null;
        }
        String dir = c.arg("direction");
        double reach = REACH.getOrDefault(c.arg("amount") == null ? "medium" : c.arg("amount"), 1.0);
        int dx = "left".equals(dir) ? -1 : "right".equals(dir) ? 1 : 0, dy = "up".equals(dir) ? -1 : "down".equals(dir) ? 1 : 0;
        int w = in.width(), h = in.height(), n = w * h;
        byte[] px = in.pixels();
        for (double t = 0; t <= reach + 1e-9; t += 0.1) {
            double x = me[0] + dx * t, y = me[1] + dy * t;
            for (int cy = (int) Math.floor(y - CLEARANCE); cy <= (int) Math.floor(y + CLEARANCE); cy++) {
                for (int cx = (int) Math.floor(x - CLEARANCE); cx <= (int) Math.floor(x + CLEARANCE); cx++) {
                    if (cx < 0 || cy < 0 || cx >= w || cy >= h) {
                        continue;
                    }
                    int q = cy * w + cx, r = px[q] & 0xff, g = px[n + q] & 0xff, b = px[2 * n + q] & 0xff;
                    if (r > 150 && r - Math.max(g, b) > 100) {
                        return "into lava";
                    }
                }
            }
        }
        return null;
    }
}
