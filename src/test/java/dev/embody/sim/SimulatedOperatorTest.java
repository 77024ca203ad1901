package dev.embody.sim;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.Understanding;
import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Decision;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.reflection.SceneChangeReflection;
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
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated operator on the real loop and game. Information gathering reads the true state ({@link Oracle#truth})
 * so these tests need no OpenCV: they test the operator, not perception.
 */
@Tag("slow")
class SimulatedOperatorTest {

    static SkillLibrary library;
    static final SkillCall LEFT = SkillCall.parse("move(direction=left, amount=medium)");

    @BeforeAll
    static void load() throws Exception {
        library = SkillLibrary.load(Path.of("skills", "sim-game"));
    }

    /** Always goes left, whatever it sees. */
    static Policy alwaysLeft() {
        return new Policy() {
            @Override
            public Decision plan(PlanningContext c) {
                return Decision.of(LEFT, name(), "always left");
            }

            @Override
            public String name() {
                return "always-left";
            }
        };
    }

    /** Blind: repeats its previous command (left at first), so it goes where it was last told. */
    static Policy inertia() {
        return new Policy() {
            @Override
            public Decision plan(PlanningContext c) {
                SkillCall p = c.previous();
                return Decision.of(p != null && p.skill().equals("move") ? p : LEFT, name(), "carry on");
            }

            @Override
            public String name() {
                return "inertia";
            }
        };
    }

    record Run(Outcome outcome, List<Step> steps, SimulatedOperator operator, SimGame game) {
    }

    static Run play(long seed, int difficulty, Function<SimGame, Policy> policy, SimulatedOperator.Settings operator) {
        return play(seed, difficulty, policy, operator, 500);
    }

    static Run play(long seed, int difficulty, Function<SimGame, Policy> policy, SimulatedOperator.Settings operator, int maxSteps) {
        SimGame game = SimGame.of(seed, difficulty, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        OperatorInbox inbox = new OperatorInbox();
        List<Step> steps = new ArrayList<>();
        SimulatedOperator op = operator == null ? null
                : new SimulatedOperator(game, new Oracle(library), new CorrectionParser(library), inbox, operator, seed);
        AgentLoop.Builder b = AgentLoop.builder().target(new SimGameTarget(game)).library(library).modules(new Modules(Oracle.truth(game), new SceneChangeReflection(), new GoalTaskInference(), new TagCuration(), policy.apply(game))).memory(EpisodicMemory.inMemory()).goal(SimGame.COLLECT_COINS).inbox(inbox)
                .period(Duration.ofMillis(100)).maxSteps(maxSteps)
                .listener(new StepListener() {
                    @Override
                    public void onStep(Step step, Observation observation) {
                        steps.add(step);
                    }
                });
        if (op != null) {
            b.listener(op);
        }
        return new Run(b.build().run().outcome(), steps, op, game);
    }

    @Test
    void theOraclePlaysTheGameFromTheTruth() {
        Oracle oracle = new Oracle(library);
        int wins = 0;
        for (int d = 1; d <= 3; d++) {
            for (long seed = 1; seed <= 4; seed++) {
                wins += play(seed, d, oracle::asPolicy, null).outcome() == Outcome.SUCCESS ? 1 : 0;
            }
        }
        assertThat(wins).isEqualTo(12);
    }

    @Test
    void itsCorrectionsOfAnAlwaysLeftAgentNameTheOraclesCommandAndApplyAtTheNextStep() {
        int checked = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Run r = play(seed, 1, g -> alwaysLeft(), new SimulatedOperator.Settings(0, 0, 100, 0, 0.3), 150);
            List<SimulatedOperator.Utterance> said = r.operator().said();
            assertThat(said).as("seed %d", seed).isNotEmpty();
            for (SimulatedOperator.Utterance u : said) {
                // never a correction when the agent already went the oracle's way
                assertThat(u.agent()).isEqualTo(LEFT);
                assertThat(u.oracle().arg("direction")).isNotEqualTo("left");
                assertThat(u.reason()).isIn("heads into lava", "runs into a wall", "moves away from the target", "keeps pushing into a wall",
                        "keeps going past the turn");
                assertThat(u.understood().kind()).as(u.text()).isEqualTo(Understanding.Kind.COMMAND);
                assertThat(u.understood().command()).as(u.text()).isEqualTo(u.oracle());
                // said after step k, it is step k+1's command, by the operator, with its words
                if (u.step() + 1 < r.steps().size()) {
                    Step next = r.steps().get((int) u.step() + 1);
                    assertThat(next.decision().by()).isEqualTo("operator");
                    assertThat(next.correction()).isEqualTo(u.text());
                    assertThat(next.command()).isEqualTo(u.oracle());
                }
                checked++;
            }
            assertThat(r.operator().corrections()).isEqualTo(said.size()).isLessThanOrEqualTo(100);
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void itsWordsVaryAndSometimesItStaysSilent() {
        Run r = play(2, 2, g -> alwaysLeft(), new SimulatedOperator.Settings(0, 2, 40, 0.3, 0.5), 200);
        List<String> texts = r.operator().said().stream().map(SimulatedOperator.Utterance::text).toList();
        assertThat(texts.stream().distinct().count()).isGreaterThanOrEqualTo(5);
        assertThat(r.operator().silent()).isPositive();
        assertThat(r.operator().corrections()).isLessThanOrEqualTo(40);
        assertThat(r.operator().noticed()).isGreaterThan(r.operator().corrections());
        // typos or not, every one was understood as the oracle's command
        assertThat(r.operator().said()).allSatisfy(u -> assertThat(u.understood().command()).as(u.text()).isEqualTo(u.oracle()));
    }

    @Test
    void pacedItSaysNothingNewWhileStillSayingItsLastCorrection() {
        SimulatedOperator.Settings attentive = SimulatedOperator.Settings.attentive(200);
        Run free = play(3, 1, g -> alwaysLeft(), attentive, 120);
        // a correction takes a step a word plus two of reaction, as OperatorEffort counts a person's words
        SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        OperatorInbox inbox = new OperatorInbox();
        SimulatedOperator op = new SimulatedOperator(game, new Oracle(library), new CorrectionParser(library), inbox, attentive, 3)
                .speaking(text -> 2 + text.split("\\s+").length);
        AgentLoop.builder().target(new SimGameTarget(game)).library(library).modules(new Modules(Oracle.truth(game), new SceneChangeReflection(),
                        new GoalTaskInference(), new TagCuration(), alwaysLeft())).memory(EpisodicMemory.inMemory()).goal(SimGame.COLLECT_COINS)
                .inbox(inbox).period(Duration.ofMillis(100)).maxSteps(120).listener(op).build().run();
        List<SimulatedOperator.Utterance> said = op.said();
        assertThat(said).hasSizeGreaterThan(2);
        for (int i = 1; i < said.size(); i++) {
            SimulatedOperator.Utterance before = said.get(i - 1);
            assertThat(said.get(i).step() - before.step()).as("after \"" + before.text() + "\"")
                    .isGreaterThanOrEqualTo(2 + before.text().split("\\s+").length);
        }
        // unpaced, the same operator speaks at consecutive steps and says more
        assertThat(free.operator().corrections()).isGreaterThan(said.size());
        List<SimulatedOperator.Utterance> unpaced = free.operator().said();
        boolean back = false;
        for (int i = 1; i < unpaced.size(); i++) {
            back |= unpaced.get(i).step() - unpaced.get(i - 1).step() < 3;
        }
        assertThat(back).as("the unpaced operator speaks within 3 steps of its last correction somewhere").isTrue();
    }

    @Test
    void aBlindAgentSucceedsWithTheOperatorAndNotWithout() {
        int without = 0, with = 0, corrections = 0;
        int episodes = 8;
        for (long seed = 1; seed <= episodes; seed++) {
            without += play(seed, 1, g -> inertia(), null, 250).outcome() == Outcome.SUCCESS ? 1 : 0;
            Run r = play(seed, 1, g -> inertia(), SimulatedOperator.Settings.defaults(), 250);
            with += r.outcome() == Outcome.SUCCESS ? 1 : 0;
            corrections += r.operator().corrections();
        }
        System.out.printf("blind agent over %d episodes: success without operator %d, with %d (%.1f corrections per episode)%n",
                episodes, without, with, corrections / (double) episodes);
        assertThat(with).isGreaterThan(without);
        assertThat(with).isGreaterThanOrEqualTo(3);
    }
}
