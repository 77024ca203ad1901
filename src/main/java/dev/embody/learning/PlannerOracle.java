package dev.embody.learning;

import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Terrain;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.sim.Level;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillLibrary;

import java.util.ArrayList;
import java.util.List;

/**
 * The right command from the game's true state: the scene planner's A* on the true map, the true player and the
 * coins left, with the game's exact motion gain, towards the target of the agent's own task (so a label always means
 * "for this task, from here"). It labels demonstrations and is what the simulated operator consults.
 */
public final class PlannerOracle implements Policy {

    private final SimGame game;
    private final ScenePlannerPolicy planner;

    public PlannerOracle(SimGame game, SkillLibrary library) {
        this.game = game;
        this.planner = new ScenePlannerPolicy(library, SimGame.SPEED / 1000.0);
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public Decision plan(PlanningContext ctx) {
        PlanningContext truth = new PlanningContext(ctx.observation(), trueScene(), ctx.task(), Reflection.first(),
                ctx.candidates(), null, ctx.notes());
        Decision d = planner.plan(truth);
        return new Decision(d.call(), d.scores(), name(), d.why());
    }

    private Scene trueScene() {
        Level level = game.level();
        Terrain t = level.terrain();
        List<Entity> entities = new ArrayList<>();
        int r = SimGame.PLAYER_RADIUS;
        entities.add(new Entity("player", game.playerX(), game.playerY(), 2 * r, 2 * r));
        for (int[] c : game.coinsLeft()) {
            entities.add(new Entity("coin", t.centreX(c[0]), t.centreY(c[1]), 2 * SimGame.COIN_RADIUS, 2 * SimGame.COIN_RADIUS));
        }
        entities.add(new Entity("flag", t.centreX(level.flag()[0]), t.centreY(level.flag()[1]), t.cellSize(), t.cellSize()));
        return new Scene(SimGame.WIDTH, SimGame.HEIGHT, "px", entities, t);
    }
}
