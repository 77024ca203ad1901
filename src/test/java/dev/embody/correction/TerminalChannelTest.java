package dev.embody.correction;

import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines typed on the terminal reach the running loop: the real loop, the real game, the real OpenCV perception and
 * planner; only stdin is a pipe the test writes to, as a person's keyboard would.
 */
class TerminalChannelTest {

    static SkillLibrary library;

    @BeforeAll
    static void load() throws Exception {
        library = SkillLibrary.load(Path.of("skills", "sim-game"));
    }

    /** A loop on seed 3 of the game, recording its steps. */
    private record Session(AgentLoop loop, List<Step> steps, SimGameTarget target, GameSceneParser parser) {
    }

    private static Session session(OperatorInbox inbox, boolean realtime, boolean paused) {
        SimGameTarget target = new SimGameTarget(SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)), realtime, null);
        List<Step> steps = new CopyOnWriteArrayList<>();
        GameSceneParser parser = GameSceneParser.forSimGame();
        AgentLoop loop = AgentLoop.builder().target(target).library(library).modules(SimGameProfile.standard().modules(library).withPolicy(new ScenePlannerPolicy(library))).memory(EpisodicMemory.inMemory()).goal(SimGame.COLLECT_COINS)
                .period(Duration.ofMillis(100)).maxSteps(400).inbox(inbox).startPaused(paused)
                .listener(new StepListener() {
                    @Override
                    public void onStep(Step step, Observation observation) {
                        steps.add(step);
                    }
                }).build();
        return new Session(loop, steps, target, parser);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 20 s for " + what).isLessThan(end);
            Thread.sleep(5);
        }
    }

    @Test
    void aCorrectionTypedWhileTheLoopRunsChangesTheNextCommand() throws Exception {
        OperatorInbox inbox = new OperatorInbox();
        Session s = session(inbox, true, false);
        // how many steps had ended when the correction reached the inbox
        AtomicInteger endedAtSubmit = new AtomicInteger(-1);
        inbox.observe(i -> {
            if (i.kind() == dev.embody.loop.Intervention.Kind.COMMAND) {
                endedAtSubmit.set(s.steps().size());
            }
        });
        PipedOutputStream keyboard = new PipedOutputStream();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (TerminalChannel terminal = new TerminalChannel(() -> new CorrectionParser(library), inbox, new PipedInputStream(keyboard),
                new PrintStream(said, true, StandardCharsets.UTF_8)).start(); GameSceneParser parser = s.parser()) {
            Future<AgentLoop.EpisodeResult> run = pool.submit(s.loop()::run);
            await(() -> s.steps().size() >= 3, "three steps");
            keyboard.write("go down a lot\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            await(() -> s.steps().stream().anyMatch(st -> "operator".equals(st.decision().by())), "the operator's step");
            keyboard.write("stop\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            AgentLoop.EpisodeResult r = run.get(20, TimeUnit.SECONDS);

            assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
            Step corrected = s.steps().stream().filter(st -> "operator".equals(st.decision().by())).findFirst().orElseThrow();
            // the step running when the line arrived finishes (cut short); the one after it is the operator's
            assertThat(corrected.index()).isBetween((long) endedAtSubmit.get(), endedAtSubmit.get() + 1L);
            assertThat(corrected.command()).hasToString("move(direction=down, amount=large)");
            assertThat(corrected.correction()).isEqualTo("go down a lot");
            assertThat(corrected.decision().why()).startsWith("go down a lot (policy wanted ");
            assertThat(s.steps().stream().filter(st -> "operator".equals(st.decision().by()))).hasSize(1);
            assertThat(said.toString(StandardCharsets.UTF_8))
                    .contains("correction \"go down a lot\": command move(direction=down, amount=large) (confidence 1.00)")
                    .contains("correction \"stop\": stop");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPausedLoopTakesTheCorrectionAsItsNextStepThenStepsOnlyWhenTold() throws Exception {
        OperatorInbox inbox = new OperatorInbox();
        Session s = session(inbox, false, true);
        PipedOutputStream keyboard = new PipedOutputStream();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (TerminalChannel terminal = new TerminalChannel(() -> new CorrectionParser(library), inbox, new PipedInputStream(keyboard),
                new PrintStream(said, true, StandardCharsets.UTF_8)).start(); GameSceneParser parser = s.parser()) {
            Future<AgentLoop.EpisodeResult> run = pool.submit(s.loop()::run);
            Thread.sleep(300);
            assertThat(s.steps()).as("paused: no step yet").isEmpty();
            keyboard.write("um, a bit more to the lfet please\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            await(() -> s.steps().size() == 1, "the corrected step");
            keyboard.write("left or right\n".getBytes(StandardCharsets.UTF_8));
            keyboard.write("next step\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            await(() -> s.steps().size() == 2, "the single step");
            Thread.sleep(300);
            assertThat(s.steps()).as("still paused after one step").hasSize(2);
            int x = s.target().game().playerX();
            keyboard.write("STOP!\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            assertThat(run.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.STOPPED);

            Step first = s.steps().get(0);
            assertThat(first.index()).isZero();
            assertThat(first.command()).hasToString("move(direction=left, amount=small)");
            assertThat(first.decision().by()).isEqualTo("operator");
            assertThat(first.correction()).isEqualTo("um, a bit more to the lfet please");
            assertThat(first.sent()).containsExactly("hold LEFT 100ms");
            assertThat(s.steps().get(1).decision().by()).isEqualTo("scene-planner");
            assertThat(s.steps().get(1).correction()).isNull();
            assertThat(s.target().game().playerX()).isEqualTo(x);
            assertThat(said.toString(StandardCharsets.UTF_8)).contains("read \"lfet\" as \"left\"")
                    .contains("correction \"left or right\": ambiguous, nothing applied")
                    .contains("correction \"next step\": step");
        } finally {
            pool.shutdownNow();
        }
    }
}
