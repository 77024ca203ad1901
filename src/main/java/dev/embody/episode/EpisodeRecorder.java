package dev.embody.episode;

import dev.embody.loop.Goal;
import dev.embody.skill.SkillLibrary;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Entity;
import dev.embody.loop.Latency;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one episode to {@code episodes/<id>/}: meta.json (what ran, and at the end how it went), steps.jsonl (one
 * line a step, flushed every step) and frames.mp4 (frame n is step n's observation). Crash-safe: everything up to the
 * last step is on disk, and meta.json is replaced atomically.
 */
public final class EpisodeRecorder implements StepListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EpisodeRecorder.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    private final Path dir;
    private final Target target;
    private final ObjectNode meta;
    private final BufferedWriter steps;
    private final EpisodeVideo video;
    private long count;
    private long failed;
    private boolean ended;

    private EpisodeRecorder(Path dir, Target target, ObjectNode meta) throws IOException {
        this.dir = dir;
        this.target = target;
        this.meta = meta;
        this.steps = Files.newBufferedWriter(dir.resolve(Episode.STEPS), StandardCharsets.UTF_8);
        this.video = new EpisodeVideo(dir.resolve(Episode.VIDEO), 10);
        writeMeta();
    }

    /**
     * Starts an episode in {@code root/id}.
     *
     * @param facts what ran: skills version, policy, goal... (the target's own description is added)
     */
    public static EpisodeRecorder start(Path root, String id, Target target, Map<String, Object> facts) throws IOException {
        Path dir = root.resolve(id);
        if (Files.exists(dir)) {
            throw new IOException("episode " + dir + " already exists");
        }
        Files.createDirectories(dir);
        ObjectNode meta = JSON.createObjectNode();
        meta.put("id", id);
        meta.put("format", Episode.FORMAT);
        meta.put("target", target.name());
        Map<String, Object> all = new LinkedHashMap<>(target.describe());
        all.putAll(facts);
        all.forEach((k, v) -> meta.set(k, JSON.valueToTree(v)));
        meta.put("started", Instant.now().toString());
        meta.put("outcome", Outcome.RUNNING.label());
        meta.put("video", Episode.VIDEO);
        return new EpisodeRecorder(dir, target, meta);
    }

    /**
     * The facts of what ran that every episode's meta.json gives: the profile's description (enough to rebuild the agent for replay
     * and training), each module's implementation, goal, difficulty, skills and their commands, policy.
     */
    public static Map<String, Object> facts(Map<String, Object> profile, dev.embody.loop.Modules modules, SkillLibrary library,
                                            Goal goal, int difficulty) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", profile);
        m.put("modules", modules.names());
        m.put("goal", goal.text());
        m.put("difficulty", difficulty);
        m.put("skills_version", library.version());
        m.put("commands", library.commands().stream().map(Object::toString).toList());
        m.put("policy", modules.policy().name());
        return m;
    }

    public Path dir() {
        return dir;
    }

    public String id() {
        return meta.get("id").asText();
    }

    @Override
    public synchronized void onStep(Step step, Observation observation) {
        video.add(observation.frame());
        write(step);
    }

    /** A failed step is a line like any other (marked failed), and its frame goes in the video where one came. */
    @Override
    public synchronized void onFailedStep(Step step, Observation observation) {
        if (observation != null) {
            video.add(observation.frame());
        }
        failed++;
        write(step);
    }

    private void write(Step step) {
        try {
            ObjectNode n = line(step);
            // the target's state as this step's frame was taken (a robot's pose), where the target has one
            double[] state = target.state();
            if (state != null && (step.failure() == null || step.failure().observed())) {
                ArrayNode a = n.putArray("state");
                for (double v : state) {
                    a.add(v);
                }
            }
            steps.write(LINE.writeValueAsString(n));
            steps.newLine();
            steps.flush();
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(Episode.STEPS), e);
        }
    }

    /**
     * One step's line. A failed step has {@code failed: true}, {@code failed_at} (the part that failed: capture,
     * gather, reflect, task, curate, plan, act) and {@code error}, and only the fields of the parts before it: no frame
     * after a capture that failed, no command before a decision.
     */
    static ObjectNode line(Step s) {
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

    /**
     * A person's input beside the command it maps to: {@code input_window_ms}, {@code input} (every event, timed from
     * the window's start) and, where some maps to no skill, {@code unmapped}.
     */
    static void input(ObjectNode n, dev.embody.loop.PersonInput in) {
        n.put("input_window_ms", round(in.windowMs()));
        ArrayNode events = n.putArray("input");
        for (dev.embody.loop.PersonInput.Event e : in.events()) {
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

    @Override
    public synchronized void onEnd(Outcome outcome) {
        meta.put("outcome", outcome.label());
        meta.put("steps", count);
        meta.put("failed_steps", failed);
        meta.put("ended", Instant.now().toString());
        meta.set("score", JSON.valueToTree(target.score()));
        ended = true;
        try {
            writeMeta();
        } catch (IOException e) {
            log.error("cannot finish {}: {}", dir.resolve(Episode.META), e.toString());
        }
    }

    /** Adds a fact to meta.json (written at the end, or now if the episode already ended). */
    public synchronized void put(String key, Object value) {
        meta.set(key, JSON.valueToTree(value));
    }

    private void writeMeta() throws IOException {
        keepEdits();
        Path tmp = dir.resolve(Episode.META + ".tmp");
        JSON.writeValue(tmp.toFile(), meta);
        Files.move(tmp, dir.resolve(Episode.META), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** What {@code episodes edit} wrote while the episode was still recording (its mark, its trim) stays. */
    private void keepEdits() {
        Path file = dir.resolve(Episode.META);
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            var onDisk = JSON.readTree(file.toFile());
            for (String f : EpisodeEdit.FIELDS) {
                if (onDisk != null && onDisk.has(f)) {
                    meta.set(f, onDisk.get(f));
                }
            }
        } catch (IOException e) {
            log.debug("cannot read {} for its edits", file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            steps.close();
        } catch (IOException e) {
            log.warn("closing {}: {}", dir.resolve(Episode.STEPS), e.toString());
        }
        video.close();
        if (!ended) {
            onEnd(Outcome.STOPPED);
        }
        meta.put("frames", video.written());
        try {
            writeMeta();
        } catch (IOException e) {
            log.error("cannot finish {}: {}", dir.resolve(Episode.META), e.toString());
        }
    }
}
