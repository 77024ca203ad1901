package dev.embody.learning;

import dev.embody.episode.Episode;
import dev.embody.episode.EpisodeCheck;
import dev.embody.episode.RecordedEpisode;
import dev.embody.episode.RecordedFrames;
import dev.embody.episode.RecordedStep;
import dev.embody.episode.StepRecord;
import dev.embody.file.BadFileException;
import dev.embody.loop.Frame;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.planning.InputSpec;
import dev.embody.planning.PolicyEncoder;
import dev.embody.planning.PolicyInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The dataset format over recorded episodes: from {@code episodes/<id>/} (steps.jsonl + frames.mp4, read and checked
 * as replay reads them), the steps that teach something become examples (downscaled frame, task, previous command,
 * label, source, weight): every step an operator corrected, and every step of a demonstration (decided by the oracle
 * or a person playing) that did not end in failure ({@link #failedDemonstration}). A step that failed when it was
 * recorded teaches nothing (its command was not carried out).
 */
public final class EpisodeExamples {

    private static final Logger log = LoggerFactory.getLogger(EpisodeExamples.class);
    /** Who demonstrates: their steps are labels as they stand. */
    public static final Set<String> DEMONSTRATORS = Set.of("oracle", "person", "vlm");

    private EpisodeExamples() {
    }

    /**
     * What a folder of episodes gave.
     *
     * @param episodes how many episodes of the target were read
     * @param skipped  every episode that could not be read, with its file and reason
     */
    public record Collected(List<Example> examples, int episodes, List<BadFileException> skipped) {
    }

    /**
     * @param perception the profile's information gathering: the recorded frames are perceived again (the scene is not
     *                   recorded whole), so an example holds what the live policy was shown; null: frames alone
     */
    /**
     * @param perception the profile's information gathering: the recorded frames are perceived again (the scene is not
     *                   recorded whole), so an example holds what the live policy was shown; null: frames alone
     * @param spec       what the policy reads: examples are read by the live policy's own encoder, fed every frame in order
     */
    public static List<Example> read(Episode episode, InformationGathering perception, InputSpec spec) throws BadFileException {
        try {
            return read(RecordedEpisode.read(episode.dir()), perception, spec);
        } catch (IOException e) {
            throw new BadFileException(episode.dir().resolve(Episode.VIDEO), 0, "cannot read the frames: " + e.getMessage());
        }
    }

    public static List<Example> read(RecordedEpisode episode, InformationGathering perception, InputSpec spec) throws BadFileException, IOException {
        Map<RecordedStep, String> previous = new HashMap<>();
        String prev = null;
        for (RecordedStep s : episode.steps()) {
            if (s.failed()) {
                // live carries no failed step forward as the previous command; neither does its example
                continue;
            }
            if (teaches(episode, s) && episode.keeps(s)) {
                previous.put(s, prev);
            }
            prev = s.command().toString();
        }
        List<Example> out = new ArrayList<>();
        if (previous.isEmpty()) {
            return out;
        }
        PolicyEncoder encoder = new PolicyEncoder(spec);
        try (RecordedFrames frames = new RecordedFrames(episode, false)) {
            for (RecordedStep s : episode.steps()) {
                if (out.size() == previous.size()) {
                    break;
                }
                if (!s.observed()) {
                    continue;
                }
                Observation obs;
                try {
                    obs = frames.next();
                } catch (EOFException e) {
                    String cut = EpisodeCheck.video(episode, frames.delivered(), frames.unreadable(), false);
                    log.warn("{}: {}; examples from the steps before it only", episode.id(), cut != null ? cut : e.getMessage());
                    break;
                }
                if (previous.containsKey(s)) {
                    // the scene is not recorded in full: perceive the frame again, so the example points at the same
                    // waypoint the policy will be shown live
                    Scene scene = perception == null ? null : perception.gather(obs, null);
                    out.add(example(episode, s, encoder.encode(obs.index(), obs.frame(), task(s), previous.get(s), scene)));
                } else {
                    // every frame goes through the encoder, so the next example's frame stack is the one live saw
                    encoder.encode(obs.index(), obs.frame(), task(s), null, null);
                }
            }
        }
        return out;
    }

    /** Every example of every episode of a target under a folder, oldest episode first; an episode that does not read is skipped with a warning. */
    public static Collected collect(Path episodesDir, String target, InformationGathering perception, InputSpec spec) throws IOException {
        return collect(episodesDir, target, perception, spec, e -> true);
    }

    /**
     * As {@link #collect(Path, String, InformationGathering, InputSpec)}, from the episodes {@code include} admits
     * (training leaves the held-out ones to the gate).
     */
    public static Collected collect(Path episodesDir, String target, InformationGathering perception, InputSpec spec,
                                    java.util.function.Predicate<RecordedEpisode> include) throws IOException {
        List<Example> out = new ArrayList<>();
        List<BadFileException> skipped = new ArrayList<>();
        int episodes = 0;
        for (Path d : folders(episodesDir)) {
            try {
                RecordedEpisode e = RecordedEpisode.read(d);
                if (target != null && !target.equals(e.meta().path("target").asText()) || !include.test(e)) {
                    continue;
                }
                if (e.markedBad()) {
                    log.info("left out {}: marked bad (episodes edit)", e.id());
                    continue;
                }
                if (e.cut() != null) {
                    log.warn("{}: {}", e.id(), e.cut());
                }
                List<Example> got = read(e, perception, spec);
                if (got.isEmpty() && failedDemonstration(e)) {
                    log.info("left out {}: a demonstration that ended in failure (the mistake that ended it is among its steps; "
                            + "episodes edit {} --mark good keeps it)", e.id(), e.id());
                    continue;
                }
                out.addAll(got);
                episodes++;
            } catch (BadFileException e) {
                log.warn("skipped episode {}: {}", d, e.getMessage());
                skipped.add(e);
            }
        }
        return new Collected(out, episodes, skipped);
    }

    /**
     * A demonstration that ended in failure, not marked good: the mistake that ended it is among the person's steps and
     * which one is not known (a missed jump is a step labelled wait), so they teach nothing; an operator's corrections in
     * it still do.
     */
    public static boolean failedDemonstration(RecordedEpisode e) {
        return Outcome.FAILURE.label().equals(e.meta().path("outcome").asText()) && !"good".equals(e.mark());
    }

    /** Whether a recorded step is a label to learn from: an operator's correction, or a demonstrator's step of an episode that did not fail. */
    public static boolean teaches(RecordedEpisode e, RecordedStep s) {
        return s.corrected() && "operator".equals(s.by()) || DEMONSTRATORS.contains(s.by()) && !failedDemonstration(e);
    }

    /** Every example of every episode under a folder, oldest episode first (those that do not read are skipped). */
    public static List<Example> readAll(Path episodesDir, String target, InformationGathering perception, InputSpec spec) throws IOException {
        return collect(episodesDir, target, perception, spec).examples();
    }

    /** Folders that hold an episode's files (a folder of something else is not an episode and is passed over). */
    static List<Path> folders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory)
                    .filter(d -> Files.exists(d.resolve(Episode.META)) || Files.exists(d.resolve(Episode.STEPS)) || Files.exists(d.resolve(Episode.VIDEO)))
                    .sorted(Comparator.comparing(Path::getFileName)).toList();
        }
    }

    /** The task a step recorded. */
    private static Task task(RecordedStep s) {
        StepRecord.Task t = s.task();
        List<Double> target = t == null ? null : t.target();
        double tx = target != null && target.size() >= 2 && target.get(0) != null ? target.get(0) : Double.NaN;
        double ty = target != null && target.size() >= 2 && target.get(1) != null ? target.get(1) : Double.NaN;
        return new Task("", t == null || t.kind() == null ? "" : t.kind(), t == null || t.subtask() == null ? "" : t.subtask(), null, tx, ty);
    }

    private static Example example(RecordedEpisode episode, RecordedStep s, PolicyInput in) {
        boolean corrected = s.corrected();
        return new Example(in, s.command().toString(), corrected ? Example.Source.CORRECTION : Example.Source.DEMONSTRATION,
                corrected ? Example.CORRECTION_WEIGHT : 1f, episode.id() + "#" + s.step());
    }
}
