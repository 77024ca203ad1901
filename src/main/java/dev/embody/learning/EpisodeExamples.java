package dev.embody.learning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.episode.Episode;
import dev.embody.loop.BadFileException;
import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.loop.InformationGathering;
import dev.embody.planning.InputSpec;
import dev.embody.planning.PolicyEncoder;
import dev.embody.planning.PolicyInput;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dataset format over recorded episodes: from {@code episodes/<id>/} (steps.jsonl + frames.mp4, frame n = step n's
 * observation), the steps that teach something become examples (downscaled frame, task, previous command, label,
 * source, weight): every step an operator corrected, and every step of a demonstration (decided by the oracle or a
 * person playing).
 */
public final class EpisodeExamples {

    /** Who demonstrates: their steps are labels as they stand. */
    public static final Set<String> DEMONSTRATORS = Set.of("oracle", "person");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EpisodeExamples() {
    }

    /**
     * @param perception the profile's information gathering: the recorded frames are perceived again (the scene is not
     *                   recorded whole), so an example holds what the live policy was shown; null: frames alone
     */
    public static List<Example> read(Episode episode, InformationGathering perception, InputSpec spec) throws BadFileException {
        Path steps = episode.dir().resolve(Episode.STEPS);
        List<JsonNode> lines = new ArrayList<>();
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(steps)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(line);
                    if (!n.hasNonNull("command") || !n.has("frame")) {
                        throw new BadFileException(steps, lineNo, "a step needs 'command' and 'frame'");
                    }
                    lines.add(n);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    // a crash can cut the last line short: everything before it still counts
                    if (r.readLine() == null) {
                        break;
                    }
                    throw new BadFileException(steps, lineNo, "not valid JSON: " + e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new BadFileException(steps, lineNo, "cannot read: " + e.getMessage());
        }
        Map<Long, JsonNode> teaching = new HashMap<>();
        Map<Long, String> previous = new HashMap<>();
        String prev = null;
        for (JsonNode n : lines) {
            String by = n.path("by").asText("");
            if (n.hasNonNull("correction") && "operator".equals(by) || DEMONSTRATORS.contains(by)) {
                teaching.put(n.path("frame").asLong(), n);
                previous.put(n.path("frame").asLong(), prev);
            }
            prev = n.path("command").asText();
        }
        List<Example> out = new ArrayList<>();
        if (teaching.isEmpty()) {
            return out;
        }
        Path video = episode.dir().resolve(Episode.VIDEO);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile()); Java2DFrameConverter conv = new Java2DFrameConverter()) {
            grabber.start();
            long index = 0;
            org.bytedeco.javacv.Frame f;
            // the live policy's own encoder, fed every frame in order: each example holds the frame stack it saw
            PolicyEncoder encoder = new PolicyEncoder(spec);
            while ((f = grabber.grabImage()) != null && out.size() < teaching.size()) {
                JsonNode n = teaching.get(index);
                Frame frame = Frame.of(conv.convert(f));
                if (n != null) {
                    // the scene is not recorded in full: perceive the frame again, so the example points at the
                    // same waypoint the policy will be shown live
                    Scene scene = perception == null ? null : perception.gather(new Observation(index, 0, frame), null);
                    out.add(example(episode, n, encoder.encode(index, frame, task(n), previous.get(index), scene)));
                } else {
                    encoder.encode(index, frame, Task.of("", "", ""), null, null);
                }
                index++;
            }
        } catch (IOException e) {
            throw new BadFileException(video, 0, "cannot read the frames: " + e.getMessage());
        }
        return out;
    }

    /** Every example of every episode under a folder, oldest episode first. */
    public static List<Example> readAll(Path episodesDir, String target, InformationGathering perception, InputSpec spec) throws IOException, BadFileException {
        List<Example> out = new ArrayList<>();
        for (Episode e : Episode.list(episodesDir)) {
            if (target == null || target.equals(e.meta().path("target").asText())) {
                out.addAll(read(e, perception, spec));
            }
        }
        return out;
    }

    /** The task a step recorded. */
    private static Task task(JsonNode n) {
        JsonNode t = n.path("task");
        JsonNode target = t.path("target");
        double tx = target.isArray() ? target.get(0).asDouble() : Double.NaN, ty = target.isArray() ? target.get(1).asDouble() : Double.NaN;
        return new Task("", t.path("kind").asText(""), t.path("subtask").asText(""), null, tx, ty);
    }

    private static Example example(Episode episode, JsonNode n, PolicyInput in) {
        boolean corrected = n.hasNonNull("correction");
        return new Example(in, n.path("command").asText(), corrected ? Example.Source.CORRECTION : Example.Source.DEMONSTRATION,
                corrected ? Example.CORRECTION_WEIGHT : 1f, episode.id() + "#" + n.path("step").asLong());
    }
}
