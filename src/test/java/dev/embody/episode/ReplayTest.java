package dev.embody.episode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.curation.TagCuration;
import dev.embody.loop.Decision;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTest {

    @TempDir
    static Path tmp;
    static SkillLibrary library;
    static RecordedEpisode plain;
    static RecordedEpisode corrected;

    @BeforeAll
    static void record() throws Exception {
        library = EpisodeFixtures.library();
        plain = RecordedEpisode.read(EpisodeFixtures.record(tmp, 12, 2).dir());
        // the operator stops the agent at step 2 and sends it down a little at step 5
        corrected = RecordedEpisode.read(EpisodeFixtures.record(tmp, 7, 1,
                Map.of(2, "stop", 5, "move(direction=down, amount=small)")).dir());
    }

    private static Replay.Result replay(RecordedEpisode e, Policy policy) throws Exception {
        Replay.Agent a = EpisodeFixtures.agent(library);
        try (var modules = a.modules()) {
            return Replay.run(e, policy == null ? a : new Replay.Agent(modules.withPolicy(policy), library), EpisodicMemory.inMemory(), false, null);
        }
    }

    private static List<ObjectNode> decisions(Replay.Result r) {
        return r.steps().stream().map(ReplayReport::decision).toList();
    }

    @Test
    void replayingTwiceGivesIdenticalDecisionLogs() throws Exception {
        Replay.Result first = replay(plain, null);
        Replay.Result second = replay(plain, null);
        assertThat(first.steps()).hasSize(plain.steps().size());
        assertThat(decisions(second)).isEqualTo(decisions(first));
        assertThat(decisions(replay(corrected, null))).isEqualTo(decisions(replay(corrected, null)));
    }

    @Test
    void theScenePlannerThatRecordedAnEpisodeAgreesWithItOnEveryStepAndEveryModuleReproduces() throws Exception {
        Replay.Result r = replay(plain, null);
        assertThat(r.steps()).hasSize(plain.steps().size()).hasSizeGreaterThan(5);
        assertThat(r.agreement()).isEqualTo(1.0);
        assertThat(r.decided()).isEqualTo(plain.steps().size());
        for (String m : Replay.MODULES) {
            assertThat(r.moduleAgreement(m)).as(m).isEqualTo(1.0);
        }
        assertThat(r.corrections()).isZero();
        assertThat(r.correctionAgreement()).isNaN();
        assertThat(r.warning()).isNull();
        // what it would have sent is what was sent
        for (Replay.StepReplay s : r.steps()) {
            assertThat(s.wouldSend()).isEqualTo(s.recorded().sent());
        }
    }

    @Test
    void afterAnOperatorCorrectionTheReplayStillAgreesBecauseItCarriesTheRecordedCommandForward() throws Exception {
        assertThat(corrected.steps().stream().filter(RecordedStep::corrected).map(RecordedStep::step)).containsExactly(2L, 5L);
        Replay.Result r = replay(corrected, null);
        assertThat(r.corrections()).isEqualTo(2);
        // every step the policy decided agrees, including those right after the corrections
        assertThat(r.agreement()).isEqualTo(1.0);
        assertThat(r.decided()).isEqualTo(corrected.steps().size() - 2);
        for (String m : Replay.MODULES) {
            assertThat(r.moduleAgreement(m)).as(m).isEqualTo(1.0);
        }
        for (Replay.StepReplay s : r.steps()) {
            if (s.recorded().corrected()) {
                // at a correction the replayed planner wants what the recorded one wanted, and is judged against the operator
                assertThat(s.replayed()).isEqualTo(s.recorded().policyWanted());
                assertThat(s.correctionAgrees()).isEqualTo(s.recorded().policyWanted().equals(s.recorded().command()));
            }
        }
    }

    @Test
    void aPolicyThatDoesWhatTheOperatorSaidScoresOnCorrectionAgreement() throws Exception {
        Policy stopper = new Policy() {
            @Override
            public Decision plan(PlanningContext ctx) {
                return Decision.of(SkillCall.of("stop"), name(), "always stops");
            }

            @Override
            public String name() {
                return "stopper";
            }
        };
        Replay.Result r = replay(corrected, stopper);
        assertThat(r.corrections()).isEqualTo(2);
        assertThat(r.correctionsAgreeing()).isEqualTo(1); // it agrees with "stop" at step 2, not with "down" at step 5
        assertThat(r.correctionAgreement()).isEqualTo(0.5);
        assertThat(r.agreement()).isLessThan(0.5);
    }

    @Test
    void theRecordedPolicyReplaysTheRecordedDecisions() throws Exception {
        Replay.Result r = replay(corrected, new RecordedPolicy(corrected));
        assertThat(r.agreement()).isEqualTo(1.0);
        // its correction agreement is the recording policy's own: what it wanted where the operator overrode it
        Replay.Result planner = replay(corrected, null);
        assertThat(r.correctionsAgreeing()).isEqualTo(planner.correctionsAgreeing());
    }
}
