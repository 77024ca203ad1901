package dev.embody.episode;

import dev.embody.loop.Goal;
import dev.embody.skill.SkillLibrary;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * line a step, flushed every step: a {@link StepRecord}) and frames.mp4 (frame n is step n's observation). Crash-safe: everything up to the
 * last step is on disk, and meta.json is replaced atomically.
 */
public final class EpisodeRecorder implements StepListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EpisodeRecorder.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
        // the version of steps.jsonl's lines; last, so the fields above keep the lines they always had
        meta.put("step_format", StepRecord.FORMAT);
        return new EpisodeRecorder(dir, target, meta);
    }

    /**
     * The facts of what ran that every episode's meta.json gives: the profile (enough to rebuild the agent for replay
     * and training), each module's implementation, goal, difficulty, skills and their commands, policy.
     */
    public static Map<String, Object> facts(dev.embody.profile.Profile profile, dev.embody.loop.Modules modules, SkillLibrary library,
                                            Goal goal, int difficulty) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", profile.describe());
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
            // the target's state as this step's frame was taken (a robot's pose), where the target has one
            steps.write(StepRecord.of(step, target.state()).toLine());
            steps.newLine();
            steps.flush();
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(Episode.STEPS), e);
        }
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
