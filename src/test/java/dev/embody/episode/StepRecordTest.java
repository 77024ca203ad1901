package dev.embody.episode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.file.BadFileException;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        boolean before = failure != null && List.of("capture", "gather", "reflect", "task", "curate").contains(failure.stage());
        boolean gathered = failure == null || !List.of("capture", "gather").contains(failure.stage());
        return new Step(index, 1_700_000_000_123L + index, 123_456_789L * (index + 1), index, gathered ? SCENE : null,
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

    @TempDir
    Path tmp;

    /** An episode of every kind of step, closed, without a command list (so any command reads), its video a stand-in file. */
    private Path episode(String name, int stepFormat, java.util.function.UnaryOperator<String> edit) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        List<String> lines = new java.util.ArrayList<>();
        for (Step s : kinds()) {
            lines.add(StepRecord.of(s, s.index() == 0 ? new double[]{0.5, -1} : null).toLine());
        }
        lines.set(1, edit.apply(lines.get(1)));
        Files.write(dir.resolve(Episode.STEPS), lines);
        // read() checks the video is there; its frames are checked only as they are read
        Files.writeString(dir.resolve(Episode.VIDEO), "");
        Files.writeString(dir.resolve(Episode.META), "{\"id\": \"" + name + "\", \"format\": 2, \"target\": \"robot\", \"step_format\": "
                + stepFormat + ", \"steps\": " + lines.size() + ", \"ended\": \"2025-01-01T00:00:00Z\"}");
        return dir;
    }

    @Test
    void everyKindOfStepReadsBackTyped() throws Exception {
        RecordedEpisode e = RecordedEpisode.read(episode("kinds", StepRecord.FORMAT, l -> l));
        List<RecordedStep> steps = e.steps();
        assertThat(steps).hasSize(kinds().size());
        assertThat(steps.get(0).state()).containsExactly(0.5, -1);
        assertThat(steps.get(0).entities()).containsExactly(new StepRecord.EntityAt("player", 100.0, 200.1), new StepRecord.EntityAt("coin", 1.3, 2.4));
        assertThat(steps.get(0).task()).isEqualTo(new StepRecord.Task("collect", "go to the coin at (1,2)", List.of(1.3, 2.3)));
        assertThat(steps.get(0).reflection().reason()).isEqualTo("moved 3.5 px toward the coin");
        assertThat(steps.get(1).corrected()).isTrue();
        assertThat(steps.get(1).policyWanted()).isEqualTo(SkillCall.of("wait"));
        PersonInput in = steps.get(2).input();
        assertThat(in.unmapped()).containsExactly("key Q", "click LEFT at (600,20)");
        assertThat(in.events()).hasSize(8);
        assertThat(in.events().get(4)).isEqualTo(PersonInput.Event.stick(null, 0, 0).at(13));
        assertThat(steps.get(3).input().events()).isEmpty();
        assertThat(steps.get(4).observed()).isFalse();
        assertThat(steps.get(4).decided()).isFalse();
        assertThat(steps.get(5).failedAt()).isEqualTo("gather");
        assertThat(steps.get(5).entities()).isNull();
        assertThat(steps.get(6).command()).isEqualTo(LEFT);
        assertThat(steps.get(6).error()).isEqualTo("refused: outside (0, 0.005] m");
        assertThat(steps.get(7).why()).isEmpty();
        assertThat(steps.get(7).applied()).extracting(Intervention::kind)
                .containsExactly(Intervention.Kind.GOAL, Intervention.Kind.NOTE, Intervention.Kind.TEACH);
        assertThat(steps.get(7).applied().get(1).channel()).as("a channel recorded as null reads as replay's").isEqualTo("replay");
    }

    @Test
    void aFieldThatIsNotWhatTheFormatHoldsNamesFileLineFieldAndWhatItMustBe() throws Exception {
        String at = Episode.STEPS + ":2: ";
        assertThatThrownBy(() -> RecordedEpisode.read(episode("step", 1, l -> l.replace("\"step\":1,", "\"step\":\"1\","))))
                .isInstanceOf(BadFileException.class).hasMessageContaining(at + "field 'step' must be a whole number, got \"1\"");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("step-float", 1, l -> l.replace("\"step\":1,", "\"step\":1.5,"))))
                .hasMessageContaining(at + "field 'step' must be a whole number, got 1.5");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("step-gone", 1, l -> l.replace("\"step\":1,", ""))))
                .hasMessageContaining(at + "field 'step' must be a whole number, got null");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("time", 1, l -> l.replaceFirst("\"target_ms\":[0-9.]+", "\"target_ms\":\"soon\""))))
                .hasMessageContaining(at + "field 'target_ms' must be a number (the frame's time on the target's clock), got \"soon\"");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("failed", 1, l -> l.replace("\"failed\":false", "\"failed\":\"no\""))))
                .hasMessageContaining(at + "field 'failed' must be true or false, got \"no\"");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("failed-null", 1, l -> l.replace("\"failed\":false", "\"failed\":null"))))
                .hasMessageContaining(at + "field 'failed' must be true or false, got null");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("where", 1, l -> l.replace("\"failed\":false", "\"failed\":true,\"failed_at\":\"dance\",\"error\":\"x\""))))
                .hasMessageContaining(at + "field 'failed_at' is 'dance', expected one of capture, gather, reflect, task, curate, plan, act");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("no-error", 1, l -> l.replace("\"failed\":false", "\"failed\":true,\"failed_at\":\"act\""))))
                .hasMessageContaining(at + "field 'error' must be text, got null");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("command", 1, l -> l.replace("\"command\":\"move(direction=left)\"", "\"command\":5"))))
                .hasMessageContaining(at + "field 'command' must be text, got 5");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("sent", 1, l -> l.replace("\"sent\":[\"hold RIGHT 100ms\"]", "\"sent\":\"hold\""))))
                .hasMessageContaining(at + "field 'sent' must be a list of text, got \"hold\"");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("state", 1, l -> l.replace("\"overran\":false", "\"overran\":false,\"state\":[1,\"a\"]"))))
                .hasMessageContaining(at + "field 'state' must be a list of numbers (the target's state), got [1,\"a\"]");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("reflection", 1, l -> l.replace("\"moved\":true", "\"moved\":\"yes\""))))
                .hasMessageContaining(at + "field 'reflection' must be an object {moved, stuck, progress, danger: true or false, reason: text}, got {\"moved\":\"yes\"");
    }

    @Test
    void aPersonsInputAndTheOperatorsInterventionsNameWhatEachNeeds() throws Exception {
        String at = Episode.STEPS + ":2: ";
        String input = "\"input_window_ms\":100,\"input\":[%s],";
        assertThatThrownBy(() -> RecordedEpisode.read(episode("input-time", 1, l -> l.replace("\"sent\":", String.format(input, "{\"event\":\"key_down\",\"key\":\"A\"}") + "\"sent\":"))))
                .hasMessageContaining(at + "field 'input': each event needs 't_ms' (a number) and 'event' (one of button_down, button_up, command, key_down")
                .hasMessageContaining("got {\"event\":\"key_down\",\"key\":\"A\"}");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("input-time-text", 1, l -> l.replace("\"sent\":", String.format(input, "{\"t_ms\":\"0\",\"event\":\"key_down\",\"key\":\"A\"}") + "\"sent\":"))))
                .hasMessageContaining(at + "field 'input': each event needs 't_ms' (a number)");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("input-key", 1, l -> l.replace("\"sent\":", String.format(input, "{\"t_ms\":0,\"event\":\"key_down\"}") + "\"sent\":"))))
                .hasMessageContaining(at + "field 'input': a key_down event needs 'key' (a KeyEvent name), got {\"t_ms\":0,\"event\":\"key_down\"}");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("input-x", 1, l -> l.replace("\"sent\":", String.format(input, "{\"t_ms\":0,\"event\":\"scroll\",\"x\":\"left\"}") + "\"sent\":"))))
                .hasMessageContaining(at + "field 'input': an event's 'x' must be a number, got {\"t_ms\":0,\"event\":\"scroll\",\"x\":\"left\"}");
        String applied = "\"applied\":[{\"kind\":%s,\"argument\":%s}],";
        assertThatThrownBy(() -> RecordedEpisode.read(episode("applied-kind", 1, l -> l.replace("\"overran\":false", "\"overran\":false," + String.format(applied, "\"dance\"", "\"x\"").replaceAll(",$", "")))))
                .hasMessageContaining(at + "field 'applied': kind 'dance' is not goal, note or teach");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("applied-stop", 1, l -> l.replace("\"overran\":false", "\"overran\":false," + String.format(applied, "\"stop\"", "\"x\"").replaceAll(",$", "")))))
                .hasMessageContaining(at + "field 'applied' holds goals, notes and taught skills, each with its 'argument' text; got {\"kind\":\"stop\",\"argument\":\"x\"}");
        assertThatThrownBy(() -> RecordedEpisode.read(episode("applied-argument", 1, l -> l.replace("\"overran\":false", "\"overran\":false," + String.format(applied, "\"goal\"", "7").replaceAll(",$", "")))))
                .hasMessageContaining(at + "field 'applied' holds goals, notes and taught skills, each with its 'argument' text; got {\"kind\":\"goal\",\"argument\":7}");
    }

    /** A line as format 1 wrote it (no 'failed', written before failed steps had lines), in an episode without step_format. */
    @Test
    void anEpisodeWrittenBeforeStepFormatReadsAsEver() throws Exception {
        Path dir = tmp.resolve("format-1");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Episode.STEPS), "{\"step\":0,\"wall_ms\":1700000000000,\"target_ms\":33.3,\"frame\":0,"
                + "\"scene\":\"coin=1 player@(10,20)\",\"entities\":[[\"player\",10.0,20.0],[\"coin\",30.5,20.0]],"
                + "\"reflection\":{\"moved\":false,\"stuck\":false,\"progress\":false,\"danger\":false,\"reason\":\"first step\"},"
                + "\"task\":{\"kind\":\"collect\",\"subtask\":\"go to the coin at (30,20)\",\"target\":[30.5,20.0]},"
                + "\"candidates\":[\"move(direction=right)\",\"wait\"],\"command\":\"move(direction=right)\",\"by\":\"scene-planner\","
                + "\"why\":\"the coin is right\",\"scores\":{\"move(direction=right)\":0.9},\"sent\":[\"hold RIGHT 100ms\"],"
                + "\"interrupted\":false,\"outcome\":\"running\",\"latency_ms\":{\"capture\":1.5,\"plan\":0.2},\"overran\":false,"
                + "\"look\":\"a field no build reads any more\"}\n");
        Files.writeString(dir.resolve(Episode.VIDEO), "");
        Files.writeString(dir.resolve(Episode.META), "{\"id\": \"format-1\", \"format\": 1, \"target\": \"sim-game\", \"steps\": 1,"
                + " \"ended\": \"2024-01-01T00:00:00Z\"}");
        RecordedStep s = RecordedEpisode.read(dir).steps().get(0);
        assertThat(s.failed()).isFalse();
        assertThat(s.command()).isEqualTo(SkillCall.of("move", "direction", "right"));
        assertThat(s.targetNanos()).isEqualTo(33_300_000L);
        assertThat(s.entities()).containsExactly(new StepRecord.EntityAt("player", 10, 20), new StepRecord.EntityAt("coin", 30.5, 20));
        assertThat(s.task().target()).containsExactly(30.5, 20.0);
        assertThat(s.latencyMs()).containsEntry("capture", 1.5).containsEntry("plan", 0.2);
        assertThat(s.input()).isNull();
        assertThat(s.state()).isNull();
    }

    @Test
    void anEpisodeOfANewerStepFormatSaysSo() throws Exception {
        Path dir = episode("newer", StepRecord.FORMAT + 1, l -> l);
        assertThatThrownBy(() -> RecordedEpisode.read(dir)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(dir.resolve(Episode.META) + ": field 'step_format' is " + (StepRecord.FORMAT + 1)
                        + ": this build reads step lines of formats 1 to " + StepRecord.FORMAT + " (a newer build of embody wrote this episode");
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
