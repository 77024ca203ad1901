package dev.embody.learning;

import dev.embody.episode.Episode;
import dev.embody.episode.RecordedEpisode;
import dev.embody.episode.RecordedStep;
import dev.embody.episode.Replay;
import dev.embody.file.BadFileException;
import dev.embody.loop.Modules;
import dev.embody.loop.Policy;
import dev.embody.loop.Rate;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Recorded episodes set aside from training, to score a candidate policy where no simulator can: the candidate is
 * replayed over each (the same loop, the profile's modules) and scored by its agreement with the commands the person,
 * a demonstrator or the operator gave. An episode is held out when its meta.json says {@code "split": "heldout"} (and
 * trained on when it says "train"); of the others, enough are held out that one in {@link #EVERY} of a target's
 * teaching episodes is, at least one from {@link #FEWEST} on and none below: few demonstrations are mostly trained on.
 * Which ones is fixed by their ids (a stable hash), so the same episodes always split the same way.
 */
public final class HeldOutEpisodes {

    private static final Logger log = LoggerFactory.getLogger(HeldOutEpisodes.class);
    public static final int EVERY = 5;
    /** With fewer teaching episodes than this, none is held out unless one says so. */
    public static final int FEWEST = 3;

    private final List<RecordedEpisode> heldOut;

    private HeldOutEpisodes(List<RecordedEpisode> heldOut) {
        this.heldOut = List.copyOf(heldOut);
    }

    /** How many of n teaching episodes are held out. */
    public static int heldOutCount(int n) {
        return n < FEWEST ? 0 : Math.max(1, n / EVERY);
    }

    /** The ids of a target's held-out episodes under a folder (those that read, are not marked bad, and teach something). */
    public static Set<String> heldOutIds(Path episodesDir, String target) throws IOException {
        return split(teachingEpisodes(episodesDir, target)).stream().map(RecordedEpisode::id).collect(Collectors.toSet());
    }

    /** Of teaching episodes, those held out: the ones marked so, then the rest by a stable hash of their ids, up to {@link #heldOutCount}. */
    static List<RecordedEpisode> split(List<RecordedEpisode> episodes) {
        List<RecordedEpisode> out = new ArrayList<>();
        List<RecordedEpisode> free = new ArrayList<>();
        for (RecordedEpisode e : episodes) {
            String split = e.meta().path("split").asText("");
            if (split.equals("heldout")) {
                out.add(e);
            } else if (split.isEmpty()) {
                free.add(e);
            }
        }
        free.sort(Comparator.comparingLong((RecordedEpisode e) -> Integer.toUnsignedLong(e.id().hashCode() * 0x9E3779B9)).thenComparing(RecordedEpisode::id));
        int more = heldOutCount(episodes.size()) - out.size();
        out.addAll(free.subList(0, Math.max(0, Math.min(more, free.size()))));
        return out;
    }

    private static List<RecordedEpisode> teachingEpisodes(Path episodesDir, String target) throws IOException {
        List<RecordedEpisode> out = new ArrayList<>();
        if (episodesDir != null && Files.isDirectory(episodesDir)) {
            try (Stream<Path> s = Files.list(episodesDir)) {
                for (Path d : s.filter(p -> Files.isRegularFile(p.resolve(Episode.META))).sorted().toList()) {
                    try {
                        RecordedEpisode e = RecordedEpisode.read(d);
                        if (target.equals(e.meta().path("target").asText()) && !e.markedBad() && teaching(e) > 0) {
                            out.add(e);
                        }
                    } catch (BadFileException ex) {
                        log.warn("held-out episodes: skipped {}: {}", d, ex.getMessage());
                    }
                }
            }
        }
        return out;
    }

    /** The held-out episodes of a target (those that read; a bad one is skipped with a warning). */
    public static HeldOutEpisodes of(Path episodesDir, String target) throws IOException {
        return new HeldOutEpisodes(split(teachingEpisodes(episodesDir, target)));
    }

    public List<RecordedEpisode> episodes() {
        return heldOut;
    }

    /** Steps that teach: the operator's corrections and every step a person, a demonstrator or a model decided (none of a demonstration that failed). */
    static int teaching(RecordedEpisode e) {
        return (int) e.steps().stream().filter(s -> teaches(e, s)).count();
    }

    private static boolean teaches(RecordedEpisode e, RecordedStep s) {
        return !s.failed() && s.command() != null && (s.corrected() || EpisodeExamples.teaches(e, s));
    }

    /**
     * The gate over these episodes, or empty when there are none: a candidate is rejected only when its agreement's 95%
     * interval lies wholly below the incumbent's agreement.
     *
     * @param modules fresh modules of the profile the episodes were recorded with, one set per episode replayed
     */
    public Optional<Gate> gate(Callable<Modules> modules, SkillLibrary library, Gate.Progress progress) {
        if (heldOut.isEmpty()) {
            return Optional.empty();
        }
        int steps = heldOut.stream().mapToInt(HeldOutEpisodes::teaching).sum();
        Gate.Scorer scorer = new Gate.Scorer() {
            @Override
            public Rate score(Policy policy) throws Exception {
                long agree = 0, total = 0;
                int done = 0;
                for (RecordedEpisode e : heldOut) {
                    try (Modules m = modules.call()) {
                        Replay.Result r = Replay.run(e, new Replay.Agent(m.withPolicy(policy), library), EpisodicMemory.inMemory(), false, null);
                        for (Replay.StepReplay s : r.steps()) {
                            if (teaches(e, s.recorded())) {
                                total++;
                                agree += Boolean.TRUE.equals(s.recorded().corrected() ? s.correctionAgrees() : s.agrees()) ? 1 : 0;
                            }
                        }
                    }
                    progress.onEpisode(++done, heldOut.size());
                }
                return new Rate(agree, total);
            }

            @Override
            public String what() {
                return "agreement on " + steps + " taught steps of " + heldOut.size() + " held-out episode(s)";
            }
        };
        return Optional.of(new Gate(scorer, Gate.Rule.NOT_WORSE_BEYOND_INTERVAL, 0));
    }
}
