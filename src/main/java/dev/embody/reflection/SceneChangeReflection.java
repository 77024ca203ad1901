package dev.embody.reflection;

import dev.embody.loop.Entity;
import dev.embody.loop.Memory;
import dev.embody.loop.Observation;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.Step;
import dev.embody.loop.Terrain;

import java.util.Optional;

/**
 * Self-reflection by comparing the scene before and after the last command: did the player move (or is it stuck
 * against something), was there progress (fewer coins on screen), is lava close. Where no player is seen, it says so
 * rather than guessing.
 */
public final class SceneChangeReflection implements SelfReflection {

    /** Less movement than this (scene units) after a move command counts as not moving. */
    private final double minMove;

    public SceneChangeReflection(double minMove) {
        this.minMove = minMove;
    }

    public SceneChangeReflection() {
        this(2.0);
    }

    @Override
    public Reflection reflect(Step last, Observation observation, Scene scene, Memory memory) {
        Optional<Entity> now = scene.player();
        boolean danger = now.map(p -> nearHazard(scene, p)).orElse(false);
        if (last == null) {
            return new Reflection(false, 0, false, 0, false, danger, now.isPresent() ? "first step" : "first step; no player seen");
        }
        Optional<Entity> before = last.scene().player();
        boolean progress = scene.all("coin").size() < last.scene().all("coin").size();
        if (now.isEmpty() || before.isEmpty()) {
            return new Reflection(false, 0, false, 0, progress, danger, "cannot tell: player not seen " + (now.isEmpty() ? "now" : "before"));
        }
        double d = Math.hypot(now.get().x() - before.get().x(), now.get().y() - before.get().y());
        boolean moved = d >= minMove;
        boolean triedToMove = last.sent().stream().anyMatch(s -> s.startsWith("hold"));
        boolean stuck = triedToMove && !moved && !last.interrupted();
        int stuckSteps = stuck ? last.reflection().stuckSteps() + 1 : 0;
        StringBuilder why = new StringBuilder();
        if (stuck) {
            why.append("tried ").append(last.command()).append(" but did not move");
            if (stuckSteps > 1) {
                why.append(" (").append(stuckSteps).append(" times)");
            }
        } else if (moved) {
            why.append(String.format("moved %.0f %s", d, scene.units()));
        } else {
            why.append("stayed");
        }
        if (progress) {
            why.append("; took a coin");
        }
        if (danger) {
            why.append("; lava is close");
        }
        return new Reflection(moved, d, stuck, stuckSteps, progress, danger, why.toString());
    }

    private static boolean nearHazard(Scene scene, Entity p) {
        Terrain t = scene.terrain();
        return t != null && t.nearHazard(t.colOf(p.x()), t.rowOf(p.y()), 1);
    }
}
