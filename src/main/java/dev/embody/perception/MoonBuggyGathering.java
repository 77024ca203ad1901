package dev.embody.perception;

import dev.embody.loop.Entity;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;

import java.util.ArrayList;
import java.util.List;

/**
 * Information gathering for moon-buggy in its xterm: the buggy and every crater in the ground, as entities in the
 * frame's pixels ({@code buggy}, {@code crater}), read by {@link MoonBuggyScreen}. What the agent makes of them is its
 * policy's business: the scene only says what is on the screen.
 */
public final class MoonBuggyGathering implements InformationGathering {

    public static final String BUGGY = "buggy";
    public static final String CRATER = "crater";

    private MoonBuggyScreen screen;

    @Override
    public Scene gather(Observation observation, Memory memory) {
        var f = observation.frame();
        if (screen == null) {
            // the buggy's shape is learned on the episode's first frames and kept for the rest
            screen = new MoonBuggyScreen(f.width(), f.height());
        }
        MoonBuggyScreen.View v = screen.read(f);
        TerminalGrid g = screen.grid();
        List<Entity> found = new ArrayList<>();
        v.buggy().ifPresent(b -> found.add(box(BUGGY, g, b.rear(), b.front(), b.row(), b.row() + 1)));
        if (v.ground() >= 0) {
            for (MoonBuggyScreen.Crater c : v.craters()) {
                found.add(box(CRATER, g, c.from(), c.to(), v.ground(), v.ground()));
            }
        }
        return new Scene(f.width(), f.height(), "px", found, null);
    }

    private static Entity box(String kind, TerminalGrid g, int fromColumn, int toColumn, int fromRow, int toRow) {
        int[] a = g.box(fromColumn, fromRow), b = g.box(toColumn, toRow);
        double w = b[0] + b[2] - a[0], h = b[1] + b[3] - a[1];
        return new Entity(kind, a[0] + w / 2, a[1] + h / 2, w, h);
    }
}
