package dev.embody.learning;

import dev.embody.profile.Arena;
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.loop.Goal;
import dev.embody.skill.SkillLibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Shared set-up for the learning tests: the sim-game skills and a few short oracle demonstrations. */
final class LearningFixtures {

    private LearningFixtures() {
    }

    static SkillLibrary library() throws Exception {
        return SkillLibrary.load(Path.of("skills", "sim-game"));
    }

    static Arena arena(SkillLibrary library, int maxSteps) {
        return dev.embody.profile.SimGameProfile.standard().arena(library, 1, maxSteps, Duration.ofSeconds(90));
    }

    /** Oracle demonstrations played through the real loop (the agent's own perception, the oracle deciding). */
    static List<Example> demonstration(SkillLibrary library, long seed) throws Exception {
        dev.embody.sim.Oracle oracle = new dev.embody.sim.Oracle(library);
        return arena(library, 60).play(seed, SimGame.COLLECT_COINS, t -> oracle.asPolicy(((dev.embody.sim.SimGameTarget) t).game()),
                t -> new ExampleCollector(SimGameProfile.standard().inputSpec(), Set.of("oracle"), "demo" + seed), null).examples();
    }
}
