package dev.embody.episode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.Intervention;
import dev.embody.loop.Latency;
import dev.embody.loop.Memory;
import dev.embody.loop.Outcome;
import dev.embody.loop.PersonInput;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.Task;
import dev.embody.skill.SkillCall;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The step format did not change when its mapping became one record: every kind of step writes the bytes the
 * hand-written mapping wrote (kept below as the reference, as it stood), and reads back as what was written.
 */
class StepRecordTest {

    private static final SkillCall LEFT = SkillCall.of("move", "direction", "left");
    private static final Latency LATENCY = new Latency(1_234_567, 2_000, 30_500, 4_444, 5, 6_000_000, 17_890_123);
    private static final Scene SCENE = new Scene(640, 360, "px",
            List.of(new Entity("player", 100.04, 200.06, 10, 10), new Entity("coin", 1.25, 2.35, 4, 4)), null);
    private static final Reflection REFLECTION = new Reflection(true, 3.5, false, 0, true, false, "moved 3.5 px toward the coin");
    private static final Task TASK = new Task("collect all coins", "collect", "go to the coin at (1,2)", "coin", 1.25, 2.349);
    private static final List<SkillCall> CANDIDATES = List.of(LEFT, SkillCall.of("wait"));

    private static Step step(long index, Decision d, String correction, List<Intervention> applied, List<Memory.Citation> cited,
                             Step.Failure failure) {
        boolean observed = failure == null || failure.observed();
        boolean before = failure != null && List.of("capture", "gather", "reflect", "task", "curate").contains(failure.stage());
        return new Step(index, 1_700_000_000_123L + index, 123_456_789L * (index + 1), index, observed ? SCENE : null,
                failure == null || !before ? REFLECTION : null, failure == null || !before ? TASK : null,
                failure == null || !before ? CANDIDATES : List.of(), d, correction, d == null ? List.of() : List.of("hold RIGHT 100ms"),
                false, Outcome.RUNNING, LATENCY, index % 2 == 0, null, cited, applied, failure);
    }

    static List<Step> kinds() {
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("move(direction=left)", 0.123456);
        scores.put("wait", 1.0 / 3);
        PersonInput input = new PersonInput(100.04, List.of(PersonInput.Event.keyDown("RIGHT").at(3.21),
                PersonInput.Event.buttonDown("LEFT", 600.04, 20.55).at(10), PersonInput.Event.scroll(-2, 5, 6).at(11),
                PersonInput.Event.stick("left", -0.91, 0.04).at(12), PersonInput.Event.stick(null, 0, 0).at(13),
                PersonInput.Event.padButton("3", true).at(14), PersonInput.Event.command("jump").at(15),
                PersonInput.Event.keyUp("RIGHT").at(99.99)), List.of("key Q", "click LEFT at (600,20)"));
        return List.of(
                step(0, new Decision(LEFT, scores, "scene-planner", "the coin is left"), null, List.of(), List.of(), null),
                step(1, Decision.of(LEFT, "operator", "typed 'left' (policy wanted wait)"), "left", List.of(), List.of(), null),
                step(2, new Decision(LEFT, Map.of(), "person", "demonstrated", List.of(), input), null, List.of(), List.of(), null),
                step(3, new Decision(LEFT, Map.of(), "person", "demonstrated", List.of(), new PersonInput(50, List.of(), List.of())),
                        null, List.of(), List.of(), null),
                step(4, null, null, List.of(), List.of(), new Step.Failure("capture", "no new camera frame in 2000 ms")),
                step(5, null, null, List.of(), List.of(), new Step.Failure("gather", "frame grabber glitch")),
                step(6, Decision.of(LEFT, "scene-planner", "left"), null, List.of(), List.of(), new Step.Failure("act", "refused: outside (0, 0.005] m")),
                step(7, Decision.of(LEFT, "scene-planner", null), null, List.of(
                        Intervention.of(Intervention.Kind.GOAL, "reach the flag", "new goal: reach the flag", "console"),
                        Intervention.of(Intervention.Kind.NOTE, "avoid lava", "note: avoid lava", null),
                        Intervention.of(Intervention.Kind.TEACH, "name: hop\nsteps:\n  - key: SPACE\n", "teach hop", "file")),
                        List.of(new Memory.Citation("planning", "episode e1 step 4: left"), new Memory.Citation("task", null)), null));
    }

    @Test
    void everyKindOfStepWritesTheLineTheHandWrittenMappingWrote() throws Exception {
        double[] pose = {0.1, -2.5, 3.14159, 1e-7};
        for (Step s : kinds()) {
            for (double[] state : new double[][]{null, pose}) {
                ObjectNode old = Reference.line(s);
                if (state != null && (s.failure() == null || s.failure().observed())) {
                    ArrayNode a = old.putArray("state");
                    for (double v : state) {
                        a.add(v);
                    }
                }
                String expected = new ObjectMapper().writeValueAsString(old);
                String line = StepRecord.of(s, state).toLine();
                assertThat(line).as("step %d", s.index()).isEqualTo(expected);
                assertThat(StepRecord.JSON.readValue(line, StepRecord.class)).isEqualTo(StepRecord.of(s, state));
            }
        }
    }

    /** The mapping as EpisodeRecorder wrote it by hand before StepRecord (commit 1af3e5d), the reference for the bytes. */
    static final class Reference {
        static ObjectNode line(Step s) {
            ObjectMapper LINE = new ObjectMapper();
            ObjectNode n = LINE.createObjectNode();
            n.put("step", s.index());
            n.put("wall_ms", s.wallMillis());
            boolean observed = s.failure() == null || s.failure().observed();
            if (observed) {
                n.put("target_ms", s.targetNanos() / 1e6);
                n.put("frame", s.frameIndex());
            } else {
                n.putNull("target_ms");
                n.putNull("frame");
            }
            if (s.scene() != null) {
                n.put("scene", s.scene().summary());
                ArrayNode ents = n.putArray("entities");
                for (Entity e : s.scene().entities()) {
                    ents.addArray().add(e.kind()).add(round(e.x())).add(round(e.y()));
                }
            }
            if (s.reflection() != null) {
                ObjectNode r = n.putObject("reflection");
                r.put("moved", s.reflection().moved()).put("stuck", s.reflection().stuck()).put("progress", s.reflection().progress())
                        .put("danger", s.reflection().danger()).put("reason", s.reflection().reason());
            }
            if (s.task() != null) {
                ObjectNode t = n.putObject("task");
                t.put("kind", s.task().kind()).put("subtask", s.task().subtask());
                if (s.task().hasTarget()) {
                    t.putArray("target").add(round(s.task().targetX())).add(round(s.task().targetY()));
                }
            }
            ArrayNode cands = n.putArray("candidates");
            s.candidates().forEach(c -> cands.add(c.toString()));
            if (s.decision() != null && s.command() != null) {
                n.put("command", s.command().toString());
                n.put("by", s.decision().by());
                n.put("why", s.decision().why());
                if (!s.decision().scores().isEmpty()) {
                    ObjectNode sc = n.putObject("scores");
                    s.decision().scores().forEach((k, v) -> sc.put(k, Math.round(v * 10000) / 10000.0));
                }
                if (s.decision().input() != null) {
                    input(n, s.decision().input());
                }
            } else {
                n.putNull("command");
                n.putNull("by");
            }
            if (s.correction() != null) {
                n.put("correction", s.correction());
            }
            ArrayNode sent = n.putArray("sent");
            s.sent().forEach(sent::add);
            n.put("interrupted", s.interrupted());
            n.put("outcome", s.outcome().label());
            n.put("failed", s.failed());
            if (s.failed()) {
                n.put("failed_at", s.failure().stage());
                n.put("error", s.failure().error());
            }
            ObjectNode lat = n.putObject("latency_ms");
            long[] parts = s.latency().asArray();
            for (int i = 0; i < parts.length; i++) {
                lat.put(Latency.PARTS[i], Math.round(parts[i] / 1e3) / 1e3);
            }
            n.put("overran", s.overran());
            if (!s.applied().isEmpty()) {
                ArrayNode applied = n.putArray("applied");
                for (var i : s.applied()) {
                    ObjectNode a = applied.addObject().put("kind", i.kind().name().toLowerCase(java.util.Locale.ROOT));
                    a.put("argument", i.argument()).put("text", i.text()).put("channel", i.channel());
                }
            }
            if (!s.citations().isEmpty()) {
                ArrayNode used = n.putArray("memory_used");
                s.citations().forEach(c -> used.addObject().put("module", c.module()).put("what", c.what()));
            }
            return n;
        }

        static void input(ObjectNode n, PersonInput in) {
            n.put("input_window_ms", round(in.windowMs()));
            ArrayNode events = n.putArray("input");
            for (PersonInput.Event e : in.events()) {
                ObjectNode o = events.addObject();
                o.put("t_ms", round(e.tMs()));
                o.put("event", e.event());
                if (e.key() != null) {
                    o.put("key", e.key());
                }
                if (e.button() != null) {
                    o.put("button", e.button());
                }
                if (e.x() != null) {
                    o.put("x", round(e.x()));
                }
                if (e.y() != null) {
                    o.put("y", round(e.y()));
                }
                if (e.notches() != null) {
                    o.put("notches", e.notches());
                }
                if (e.direction() != null || "stick".equals(e.event())) {
                    o.put("direction", e.direction());
                }
                if (e.command() != null) {
                    o.put("command", e.command());
                }
            }
            if (!in.unmapped().isEmpty()) {
                ArrayNode u = n.putArray("unmapped");
                in.unmapped().forEach(u::add);
            }
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }
    }
}
