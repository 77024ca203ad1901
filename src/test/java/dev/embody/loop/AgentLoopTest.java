package dev.embody.loop;

import dev.embody.curation.TagCuration;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class AgentLoopTest {

    static SkillLibrary library;

    @BeforeAll
    static void load() throws Exception {
        library = SkillLibrary.load(Path.of("skills/sim-game"));
    }

    private static AgentLoop.Builder agent(SimGameTarget target, GameSceneParser parser) {
        return AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(library).modules(SimGameProfile.standard().modules(library).withPolicy(new ScenePlannerPolicy(library)))
                .memory(EpisodicMemory.inMemory()).maxSteps(600);
    }

    /** Keeps every step it hears. */
    static final class Steps implements StepListener {
        final List<Step> steps = new CopyOnWriteArrayList<>();
        volatile Outcome end;

        @Override
        public void onStep(Step step, Observation observation) {
            steps.add(step);
        }

        @Override
        public void onEnd(Outcome outcome) {
            end = outcome;
        }
    }

    @Tag("slow")
    @Test
    void thePlannerBaselineWinsAtLeastNineInTenLevelsAtDifficultyOne() {
        int wins = 0;
        for (long seed = 100; seed < 130; seed++) {
            SimGameTarget t = new SimGameTarget(SimGame.of(seed, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
            try (GameSceneParser parser = GameSceneParser.forSimGame()) {
                if (agent(t, parser).build().run().outcome() == Outcome.SUCCESS) {
                    wins++;
                }
            }
        }
        assertThat(wins).isGreaterThanOrEqualTo(27);
    }

    @Test
    void everyStepRecordsItsModulesAndTheirLatency() {
        SimGameTarget t = new SimGameTarget(SimGame.of(7, 2, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        Steps heard = new Steps();
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            AgentLoop.EpisodeResult r = agent(t, parser).listener(heard).build().run();
            assertThat(r.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(heard.steps).hasSize((int) r.steps());
            assertThat(heard.end).isEqualTo(Outcome.SUCCESS);
            Step s = heard.steps.get(1);
            assertThat(s.index()).isEqualTo(1);
            assertThat(s.scene().player()).isPresent();
            assertThat(s.task().subtask()).startsWith("go to the coin at");
            assertThat(s.candidates()).isNotEmpty().contains(s.command());
            assertThat(s.decision().by()).isEqualTo("scene-planner");
            assertThat(s.sent()).singleElement().asString().startsWith("hold ");
            assertThat(s.latency().gather()).isPositive();
            assertThat(heard.steps.get(heard.steps.size() - 1).outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(t.game().heldKeys()).isEmpty();
        }
    }

    @Test
    void anOperatorCommandOverridesThePolicyAtTheNextStep() {
        SimGameTarget t = new SimGameTarget(SimGame.of(7, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        OperatorInbox inbox = new OperatorInbox();
        Steps heard = new Steps();
        SkillCall wait = SkillCall.parse("wait(duration=long)");
        StepListener operator = (step, obs) -> {
            if (step.index() == 2) {
                inbox.submit(Intervention.command(wait, "wait a while", "test"));
            }
        };
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            agent(t, parser).inbox(inbox).listener(heard).listener(operator).maxSteps(5).build().run();
        }
        Step corrected = heard.steps.get(3);
        assertThat(corrected.command()).isEqualTo(wait);
        assertThat(corrected.decision().by()).isEqualTo("operator");
        assertThat(corrected.correction()).isEqualTo("wait a while");
        assertThat(corrected.decision().why()).contains("policy wanted move(");
        assertThat(heard.steps.get(4).decision().by()).isEqualTo("scene-planner");
    }

    @Test
    void stopCutsARunningHoldShortAndReleasesEveryKey() throws Exception {
        // real time, so the hold is running when the stop arrives
        SimGameTarget t = new SimGameTarget(SimGame.of(9, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)), true, null);
        List<Step> steps = new ArrayList<>();
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            AgentLoop loop = agent(t, parser).listener((s, o) -> steps.add(s)).build();
            Thread stopper = new Thread(() -> {
                try {
                    while (t.game().heldKeys().isEmpty()) {
                        Thread.sleep(1);
                    }
                    loop.requestStop();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            AgentLoop.EpisodeResult r = loop.run();
            stopper.join();
            assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
            assertThat(t.game().heldKeys()).isEmpty();
            assertThat(steps.get(steps.size() - 1).interrupted()).isTrue();
            assertThat(steps.get(steps.size() - 1).sent().get(0)).endsWith("(cut short)");
        }
    }

    @Test
    void aModuleThatKeepsFailingEndsTheEpisodeInsteadOfLoopingForever() {
        SimGameTarget t = new SimGameTarget(SimGame.of(1, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        InformationGathering broken = (obs, mem) -> {
            throw new IllegalStateException("camera unplugged");
        };
        AgentLoop.EpisodeResult r = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(t).library(library).modules(new Modules(broken, new SceneChangeReflection(), new GoalTaskInference(), new TagCuration(), new ScenePlannerPolicy(library))).memory(EpisodicMemory.inMemory()).build().run();
        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.reason()).contains("3 steps in a row failed").contains("camera unplugged");
    }

    @Test
    void aStepThatFailsIsToldAsAFailedStepWithWhereAndWhyAndTheLoopGoesOn() {
        SimGameTarget t = new SimGameTarget(SimGame.of(7, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        List<Step> whole = new CopyOnWriteArrayList<>(), failed = new CopyOnWriteArrayList<>();
        List<Observation> failedSaw = new CopyOnWriteArrayList<>();
        EpisodicMemory memory = EpisodicMemory.inMemory();
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            InformationGathering once = (obs, mem) -> {
                if (obs.index() == 2) {
                    throw new IllegalStateException("camera unplugged for a moment");
                }
                return parser.gather(obs, mem);
            };
            AgentLoop.EpisodeResult r = agent(t, parser).modules(new Modules(once, new SceneChangeReflection(), new GoalTaskInference(),
                    new TagCuration(), new ScenePlannerPolicy(library))).memory(memory).maxSteps(5).listener(new StepListener() {
                @Override
                public void onStep(Step step, Observation observation) {
                    whole.add(step);
                }

                @Override
                public void onFailedStep(Step step, Observation observation) {
                    failed.add(step);
                    failedSaw.add(observation);
                }
            }).build().run();
            assertThat(r.steps()).isEqualTo(5);
            assertThat(r.outcome()).isEqualTo(Outcome.MAX_STEPS);
        }
        assertThat(whole).extracting(Step::index).containsExactly(0L, 1L, 3L, 4L);
        Step f = failed.get(0);
        assertThat(failed).singleElement().extracting(Step::index).isEqualTo(2L);
        assertThat(f.failure().stage()).isEqualTo("gather");
        assertThat(f.failure().error()).isEqualTo("camera unplugged for a moment");
        assertThat(f.frameIndex()).isEqualTo(2);
        assertThat(f.scene()).isNull();
        assertThat(f.command()).isNull();
        assertThat(failedSaw.get(0).index()).as("the frame it saw, for the video").isEqualTo(2);
        assertThat(memory.size()).as("a failed step is not remembered").isEqualTo(4);
        assertThat(whole.get(2).reflection()).isNotNull();
    }

    @Test
    void pauseHoldsTheLoopAndStepAdvancesItOneStepAtATime() throws Exception {
        SimGameTarget t = new SimGameTarget(SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        Steps heard = new Steps();
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            AgentLoop loop = agent(t, parser).listener(heard).startPaused(true).build();
            Thread runner = new Thread(loop::run);
            runner.start();
            Thread.sleep(200);
            assertThat(heard.steps).isEmpty();
            loop.inbox().submit(Intervention.of(Intervention.Kind.STEP, null, "step", "test"));
            for (int i = 0; i < 100 && heard.steps.isEmpty(); i++) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
            assertThat(heard.steps).hasSize(1);
            loop.inbox().submit(Intervention.of(Intervention.Kind.RESUME, null, "go on", "test"));
            runner.join(10_000);
            assertThat(heard.end).isEqualTo(Outcome.SUCCESS);
        }
    }

    @Test
    void aCommandTheTargetLacksIsRefusedWithANotice_theEpisodeGoesOn() throws Exception {
        SimGameTarget t = new SimGameTarget(SimGame.of(4, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        OperatorInbox inbox = new OperatorInbox();
        List<String> notices = new CopyOnWriteArrayList<>();
        Steps heard = new Steps();
        StepListener noticed = new StepListener() {
            @Override
            public void onStep(Step step, Observation observation) {
            }

            @Override
            public void onNotice(String text) {
                notices.add(text);
            }
        };
        inbox.submit(Intervention.command(SkillCall.of("turn", "direction", "left"), "turn left", "gamepad"));
        AgentLoop.EpisodeResult r = agent(t, null).inbox(inbox).listener(heard).listener(noticed).maxSteps(4).build().run();
        assertThat(r.outcome()).isEqualTo(Outcome.MAX_STEPS);
        assertThat(heard.steps).hasSize(4).noneMatch(s -> "operator".equals(s.decision().by()));
        assertThat(notices).singleElement().satisfies(n -> assertThat(n).contains("refused the operator's command turn(direction=left)")
                .contains("no skill 'turn'"));
    }

    @Test
    void aSkillTaughtMidEpisodeIsWrittenAndUsableAtTheNextStep(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String f : List.of("move.yaml", "stop.yaml", "wait.yaml")) {
            java.nio.file.Files.copy(Path.of("skills/sim-game").resolve(f), dir.resolve(f));
        }
        SkillLibrary lib = SkillLibrary.load(dir);
        SimGameTarget t = new SimGameTarget(SimGame.of(4, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        OperatorInbox inbox = new OperatorInbox();
        Steps heard = new Steps();
        String yaml = dev.embody.correction.SkillTeaching.yaml("teach dash: hold RIGHT for 300ms");
        StepListener operator = (step, obs) -> {
            if (step.index() == 1) {
                inbox.submit(Intervention.of(Intervention.Kind.TEACH, yaml, "teach dash: hold RIGHT for 300ms", "terminal"));
            } else if (step.index() == 2) {
                inbox.submit(Intervention.command(SkillCall.of("dash"), "dash", "terminal"));
            }
        };
        AgentLoop loop = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(t).library(lib).modules(SimGameProfile.standard().modules(lib))
                .skillFolder(new dev.embody.skill.SkillFolder(dir)).memory(EpisodicMemory.inMemory()).inbox(inbox)
                .listener(heard).listener(operator).maxSteps(5).build();
        loop.run();
        assertThat(dir.resolve("dash.yaml")).exists();
        assertThat(loop.library().skill("dash")).isPresent();
        assertThat(heard.steps.get(2).applied()).singleElement().satisfies(i -> assertThat(i.kind()).isEqualTo(Intervention.Kind.TEACH));
        Step dashed = heard.steps.get(3);
        assertThat(dashed.command().toString()).isEqualTo("dash");
        assertThat(dashed.sent()).containsExactly("hold RIGHT 300ms");
        assertThat(dashed.candidates()).as("tagged any: the planner may choose it too").extracting(SkillCall::skill).contains("dash");
    }

    @Test
    void aStandingNoteChangesWhatThePlannerDoes_andTheStepSaysWhichModuleUsedIt() {
        // a level where the scene planner heads left within its first steps; "never go left" rules that out
        long seed = 0;
        for (long s = 1; s < 40 && seed == 0; s++) {
            Steps free = new Steps();
            agent(new SimGameTarget(SimGame.of(s, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90))), null).listener(free).maxSteps(3).build().run();
            seed = free.steps.stream().anyMatch(st -> "left".equals(st.command().arg("direction"))) ? s : 0;
        }
        assertThat(seed).as("a level whose first steps go left").isPositive();
        OperatorInbox inbox = new OperatorInbox();
        inbox.submit(Intervention.of(Intervention.Kind.NOTE, "never go left", "remember: never go left", "terminal"));
        Steps noted = new Steps();
        agent(new SimGameTarget(SimGame.of(seed, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90))), null).inbox(inbox).listener(noted).maxSteps(3).build().run();
        assertThat(noted.steps).noneMatch(s -> "left".equals(s.command().arg("direction")));
        assertThat(noted.steps.get(0).citations()).anySatisfy(c -> {
            assertThat(c.module()).isEqualTo("curation");
            assertThat(c.what()).contains("never go left");
        });
        assertThat(noted.steps.get(0).applied()).extracting(Intervention::argument).containsExactly("never go left");
    }

    @Test
    void aCorrectionMayHoldForTheNextStepsEachOneTheOperators() {
        SimGameTarget t = new SimGameTarget(SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)));
        OperatorInbox inbox = new OperatorInbox();
        Steps heard = new Steps();
        SkillCall wait = SkillCall.parse("wait(duration=short)");
        StepListener operator = (step, obs) -> {
            if (step.index() == 1) {
                inbox.submit(Intervention.command(wait, "wait", "test"));
            }
        };
        agent(t, null).inbox(inbox).listener(heard).listener(operator).correctionHolds(3).maxSteps(7).build().run();
        assertThat(heard.steps).extracting(s -> s.decision().by())
                .containsExactly("scene-planner", "scene-planner", "operator", "operator", "operator", "scene-planner", "scene-planner");
        assertThat(heard.steps.subList(2, 5)).allSatisfy(s -> {
            assertThat(s.command()).isEqualTo(wait);
            assertThat(s.correction()).isEqualTo("wait");
        });
    }
}
