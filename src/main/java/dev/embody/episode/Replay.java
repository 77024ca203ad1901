package dev.embody.episode;

import dev.embody.actuation.RecordingActuator;
import dev.embody.file.BadFileException;
import dev.embody.loop.Actuator;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Decision;
import dev.embody.loop.Frame;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.loop.Memory;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Headless replay of one recorded episode: every recorded frame goes through the modules and a policy again, in
 * order, with nothing sent anywhere (a {@link RecordingActuator} keeps what would have been). What the replayed
 * modules remember as having happened is what was recorded: the recorded command (the operator's where they corrected
 * it), what it sent and whether it was cut short. So each step is judged in the situation the recorded agent was in,
 * and one disagreement does not change the next step's state.
 */
public final class Replay {

    /** Thumbnails kept per episode, at most: corrections and disagreements first come, first kept. */
    private static final int MAX_THUMBNAILS = 48;
    public static final List<String> MODULES = List.of("scene", "reflection", "task", "candidates");

    private Replay() {
    }

    /** The modules for one episode (fresh each time: modules keep state across steps) and the skills they plan over. */
    public record Agent(Modules modules, SkillLibrary library) {
    }

    /** Told after every replayed step (a progress bar). */
    public interface Progress {
        void step(RecordedEpisode episode, int done);
    }

    /**
     * One replayed step beside its recording.
     *
     * @param agrees           the replayed decision equals the recorded one; null where the operator overrode it
     * @param correctionAgrees the replayed decision equals the operator's correction; null where there was none
     * @param modules          per module ({@link #MODULES}), whether the replay produced what was recorded
     */
    public record StepReplay(RecordedStep recorded, String scene, String reflection, String task, List<String> candidates,
                             SkillCall replayed, String by, String why, List<String> wouldSend, Boolean agrees,
                             Boolean correctionAgrees, Map<String, Boolean> modules, Latency latency) {

        public boolean flagged() {
            return Boolean.FALSE.equals(agrees) || recorded.corrected() || modules.containsValue(false);
        }
    }

    /** An episode's replay: its steps, a warning where it stopped short, its wall time and the thumbnails it kept. */
    public record Result(RecordedEpisode episode, String policy, List<StepReplay> steps, String warning, double wallSeconds,
                         Map<Long, Frame> thumbnails) {

        public int agreeing() {
            return (int) steps.stream().filter(s -> Boolean.TRUE.equals(s.agrees())).count();
        }

        public int decided() {
            return (int) steps.stream().filter(s -> s.agrees() != null).count();
        }

        public int correctionsAgreeing() {
            return (int) steps.stream().filter(s -> Boolean.TRUE.equals(s.correctionAgrees())).count();
        }

        public int corrections() {
            return (int) steps.stream().filter(s -> s.correctionAgrees() != null).count();
        }

        /** Agreement with the recorded decisions (NaN when none). */
        public double agreement() {
            return decided() == 0 ? Double.NaN : agreeing() / (double) decided();
        }

        public double correctionAgreement() {
            return corrections() == 0 ? Double.NaN : correctionsAgreeing() / (double) corrections();
        }

        public double moduleAgreement(String module) {
            return steps.isEmpty() ? Double.NaN : steps.stream().filter(s -> s.modules().get(module)).count() / (double) steps.size();
        }

        /** The recorded steps that failed part way: replayed (and compared) where a command had been decided, else passed over. */
        public List<RecordedStep> failed() {
            return episode.failedSteps();
        }

        /** Failed steps that were replayed and compared: a command had been decided before the step failed. */
        public int failedCompared() {
            return (int) steps.stream().filter(s -> s.recorded().failed()).count();
        }

        public List<Latency> latencies() {
            return steps.stream().map(StepReplay::latency).toList();
        }

        public double stepsPerSecond() {
            return wallSeconds <= 0 ? Double.NaN : steps.size() / wallSeconds;
        }
    }

    /**
     * Replays one episode through the loop's own step: the recorded frames are its frame source, a recording actuator
     * its actuator, and what it remembers as having happened is what was recorded. The operator's recorded goals, notes
     * and taught skills are applied again at the steps they took effect. A step that failed when it was recorded is
     * replayed, and a sample of agreement, only where a command had been decided before it failed (a refusal, a skill
     * that failed as it ran); one that failed before a decision is passed over (its modules never finished live). Like
     * live, no failed step is carried forward as what happened. An episode trimmed with {@code episodes edit --trim}
     * is replayed up to the trim's last step, and only the steps inside it are compared.
     *
     * @param memory the memory as it stood when the episode began (recollections come from it), or an empty one
     * @throws BadFileException where its video cannot be replayed at all (unreadable, no frame, more frames than steps):
     *                          the same verdict {@code episodes check} gives
     */
    public static Result run(RecordedEpisode episode, Agent agent, Memory memory, boolean realtime, Progress progress)
            throws IOException, InterruptedException, BadFileException {
        if (memory instanceof EpisodicMemory em) {
            em.beginEpisode(episode.id());
        }
        Goal goal = new Goal(episode.meta().path("goal").asText(""));
        RecordingActuator actuator = new RecordingActuator();
        List<StepReplay> out = new ArrayList<>();
        Map<Long, Frame> thumbs = new LinkedHashMap<>();
        long start = System.nanoTime();
        OperatorInbox inbox = new OperatorInbox();
        // the loop's i-th step replays replayed.get(i): a step that saw a frame and, if it failed, had decided
        List<RecordedStep> replayed = new ArrayList<>();
        List<RecordedStep> all = episode.steps();
        try (RecordedFrames frames = new RecordedFrames(episode, realtime)) {
            int[] observedNext = {0};
            List<RecordedStep> observed = all.stream().filter(RecordedStep::observed).toList();
            FrameSource source = () -> {
                while (true) {
                    Observation obs = frames.next();
                    RecordedStep rec = observed.get(observedNext[0]++);
                    if (episode.trim() != null && rec.step() > episode.trim().to()) {
                        // the steps after the trim are not the episode's any more (episodes edit --trim)
                        throw new java.io.EOFException("past the trim " + episode.trim());
                    }
                    if (!rec.failed() || rec.decided()) {
                        replayed.add(rec);
                        return obs;
                    }
                    // failed before a decision when recorded: its modules never finished, so they do not run here either
                    later(all, rec).forEach(inbox::submit);
                }
            };
            Target target = new Target() {
                @Override
                public String name() {
                    return episode.meta().path("target").asText();
                }

                @Override
                public FrameSource frames() {
                    return source;
                }

                @Override
                public Actuator actuator() {
                    return actuator;
                }
            };
            AgentLoop.History asRecorded = decided -> {
                RecordedStep rec = replayed.get((int) decided.index());
                if (rec.failed()) {
                    return null; // live carries no failed step forward
                }
                return decided.happened(new Decision(rec.command(), Map.of(), rec.by(), rec.why()), rec.correction(), rec.sent(),
                        rec.interrupted(), outcome(rec.outcome()));
            };
            StepListener compare = new StepListener() {
                @Override
                public void onStep(Step step, Observation obs) {
                    RecordedStep rec = replayed.get((int) step.index());
                    // steps before a trim run (the modules see what they saw live) but are not compared
                    if (episode.keeps(rec)) {
                        StepReplay sr = compare(rec, step, agent.library());
                        out.add(sr);
                        if ((sr.flagged() || out.size() == 1) && thumbs.size() < MAX_THUMBNAILS) {
                            thumbs.put(rec.step(), ReplayReport.thumbnail(obs.frame(), 240));
                        }
                    }
                    actuator.clear();
                    later(all, rec).forEach(inbox::submit);
                    if (progress != null) {
                        progress.step(episode, out.size());
                    }
                }
            };
            if (!all.isEmpty()) {
                all.get(0).applied().forEach(inbox::submit);
            }
            EpisodeRunner.Result r = EpisodeRunner.of(target, agent.library(), agent.modules())
                    .skillFolder(dev.embody.skill.SkillFolder.inMemory())
                    .memory(memory).goal(goal).inbox(inbox).history(asRecorded).listener(compare).maxSteps(all.size())
                    .run();
            String warning = episode.cut();
            if (frames.videoEnded()) {
                String cut = EpisodeCheck.video(episode, frames.delivered(), frames.unreadable(), false);
                warning = (warning == null ? "" : warning + "; ") + (cut != null ? cut : frames.videoEnd()) + ": replayed steps 0.."
                        + (out.isEmpty() ? -1 : out.get(out.size() - 1).recorded().step());
            } else if (frames.moreFramesThanSteps()) {
                EpisodeCheck.video(episode, frames.delivered(), null, true);
            }
            if (r.outcome() == Outcome.ERROR) {
                throw new IllegalStateException(episode.id() + " step " + out.size() + " (" + episode.dir().resolve(Episode.STEPS)
                        + (out.size() < replayed.size() ? ":" + replayed.get(out.size()).line() : "") + "): " + r.reason());
            }
            return new Result(episode, agent.modules().policy().name(), List.copyOf(out), warning, (System.nanoTime() - start) / 1e9, thumbs);
        } finally {
            actuator.releaseAll();
        }
    }

    /** What the operator gave that took effect as the step after {@code rec} began. */
    private static List<dev.embody.loop.Intervention> later(List<RecordedStep> all, RecordedStep rec) {
        int i = (int) rec.step() + 1;
        return i < all.size() ? all.get(i).applied() : List.of();
    }

    /** One replayed step beside its recording: did each module produce what was recorded, and the policy what was chosen. */
    private static StepReplay compare(RecordedStep rec, Step step, SkillLibrary library) {
        StepRecord line = StepRecord.of(step, null);
        Map<String, Boolean> modules = new LinkedHashMap<>();
        modules.put("scene", rec.scene().equals(line.scene()) && Objects.equals(rec.entities(), line.entities()));
        modules.put("reflection", sameFields(rec.reflection(), line.reflection()));
        modules.put("task", sameFields(rec.task(), line.task()));
        modules.put("candidates", rec.candidates().equals(step.candidates().stream().map(Object::toString).toList()));
        SkillCall replayed = step.command();
        Boolean agrees = rec.corrected() ? null : same(library, replayed, rec.command());
        Boolean correctionAgrees = rec.corrected() ? same(library, replayed, rec.command()) : null;
        return new StepReplay(rec, step.scene().summary(), step.reflection().reason(), step.task().subtask(),
                step.candidates().stream().map(Object::toString).toList(), replayed, step.decision().by(), step.decision().why(),
                step.sent(), agrees, correctionAgrees, modules, step.latency());
    }

    /** Compares the fields the recording has (an older recording may have fewer). */
    private static boolean sameFields(StepRecord.Reflection recorded, StepRecord.Reflection replayed) {
        return recorded == null || replayed != null && recorded(recorded.moved(), replayed.moved()) && recorded(recorded.stuck(), replayed.stuck())
                && recorded(recorded.progress(), replayed.progress()) && recorded(recorded.danger(), replayed.danger())
                && recorded(recorded.reason(), replayed.reason());
    }

    private static boolean sameFields(StepRecord.Task recorded, StepRecord.Task replayed) {
        return recorded == null || replayed != null && recorded(recorded.kind(), replayed.kind()) && recorded(recorded.subtask(), replayed.subtask())
                && recorded(recorded.target(), replayed.target());
    }

    /** A field the recording lacks agrees with anything. */
    private static boolean recorded(Object recorded, Object replayed) {
        return recorded == null || recorded.equals(replayed);
    }

    /** Two commands are the same once defaults are filled in. */
    static boolean same(SkillLibrary library, SkillCall a, SkillCall b) {
        if (a == null || b == null) {
            return false;
        }
        try {
            return library.normalize(a).equals(library.normalize(b));
        } catch (RuntimeException e) {
            return a.toString().equals(b.toString());
        }
    }

    private static Outcome outcome(String label) {
        try {
            return Outcome.valueOf(label.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Outcome.RUNNING;
        }
    }
}
