package dev.embody.cli;

import dev.embody.loop.InformationGathering;
import dev.embody.loop.Target;
import dev.embody.perception.GameSceneParser;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;

/** The embedded game, headless in simulated time (or on the wall clock, in a window). */
final class SimGameKind implements TargetKind {

    @Override
    public String name() {
        return "sim-game";
    }

    @Override
    public Target open(EpisodeSpec spec) {
        return new SimGameTarget(SimGame.of(spec.seed(), spec.difficulty(), spec.goal(), spec.timeLimit()), spec.realtime(), spec.view());
    }

    @Override
    public InformationGathering gathering(EpisodeSpec spec) {
        return GameSceneParser.forSimGame();
    }
}
