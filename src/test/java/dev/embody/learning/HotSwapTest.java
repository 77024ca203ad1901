package dev.embody.learning;

import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Step;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HotSwapTest {

    @Tag("slow")
    @Test
    void aNewPolicyTakesOverARunningLoopWithinOneStepAndTheLoopNeverStops() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        LearnedPolicy first = SimGameProfile.standard().untrained(library, 1).as("v0001", SimGameProfile.standard().policyRules());
        LearnedPolicy second = SimGameProfile.standard().untrained(library, 2).as("v0002", SimGameProfile.standard().policyRules());
        List<Step> steps = new CopyOnWriteArrayList<>();
        CountDownLatch fiveSteps = new CountDownLatch(5);
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            AgentLoop loop = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(new SimGameTarget(SimGame.of(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(600))))
                    .library(library).modules(SimGameProfile.standard().modules(library).withPolicy(first)).memory(EpisodicMemory.inMemory()).maxSteps(40)
                    .period(Duration.ofMillis(20))
                    .listener((s, o) -> {
                        steps.add(s);
                        fiveSteps.countDown();
                    }).build();
            HotSwap swap = HotSwap.attach(loop);
            Thread runner = new Thread(loop::run, "loop");
            runner.start();
            assertThat(fiveSteps.await(60, TimeUnit.SECONDS)).isTrue();
            long lastOld = swap.swap(second);
            runner.join(120_000);
            assertThat(runner.isAlive()).isFalse();

            assertThat(steps).extracting(Step::index).containsExactlyElementsOf(java.util.stream.LongStream.range(0, steps.size()).boxed().toList());
            assertThat(steps).hasSizeGreaterThan((int) lastOld + 2);
            for (Step s : steps) {
                String expected = s.index() <= lastOld - 1 ? "learned v0001" : s.index() > lastOld ? "learned v0002" : null;
                if (expected != null) {
                    assertThat(s.decision().by()).as("step %d", s.index()).isEqualTo(expected);
                }
            }
        }
        second.close();
    }

    @Test
    void aSwapReplacesTheLearnedPolicyInsideItsWrappingsAndKeepsThem() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        LearnedPolicy first = SimGameProfile.standard().untrained(library, 1).as("v0001", SimGameProfile.standard().policyRules());
        LearnedPolicy second = SimGameProfile.standard().untrained(library, 2).as("v0002", SimGameProfile.standard().policyRules());
        // a stand-in for the model: a wrapping that asks something else when the learned policy is unsure (never, at 0)
        dev.embody.planning.AskWhenUnsure asking = new dev.embody.planning.AskWhenUnsure(first, new dev.embody.planning.IdlePolicy(library), 0.0);
        AgentLoop loop = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(new SimGameTarget(SimGame.of(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(600))))
                .library(library).modules(SimGameProfile.standard().modules(library).withPolicy(asking)).memory(EpisodicMemory.inMemory()).maxSteps(3).build();
        HotSwap swap = HotSwap.attach(loop);
        swap.swap(second);
        assertThat(loop.policy()).isInstanceOf(dev.embody.planning.AskWhenUnsure.class);
        assertThat(((dev.embody.loop.PolicyAround) loop.policy()).inner()).isSameAs(second);
        assertThat(loop.policy().name()).startsWith("learned v0002").contains("asking the model below 0.00");
        loop.run();
        assertThat(((dev.embody.planning.AskWhenUnsure) loop.policy()).counts()[0]).as("the new learned policy decided, inside the wrapping").isEqualTo(3);
        second.close();
    }
}
