package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.actuation.RecordingActuator;
import dev.embody.loop.BadFileException;
import dev.embody.loop.Decision;
import dev.embody.loop.Frame;
import dev.embody.loop.Goal;
import dev.embody.loop.InformationGathering;
import dev.embody.loop.Latency;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.SelfReflection;
import dev.embody.loop.SkillCuration;
import dev.embody.loop.Step;
import dev.embody.loop.Task;
import dev.embody.loop.TaskInference;
import dev.embody.memory.EpisodicMemory;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillExecutor;
import dev.embody.skill.SkillLibrary;

import java.io.EOFException;
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

    /** The modules and policy for one episode: fresh ones each time, since modules keep state across steps. */
    public record Agent(InformationGathering gathering, SelfReflection reflection, TaskInference tasks, SkillCuration curation,
                        Policy policy, SkillLibrary library) {
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
     * Replays one episode. A step that failed when it was recorded is replayed, and a sample of agreement, only where a
     * command had been decided before it failed (a refusal, a skill that failed as it ran); one that failed before a
     * decision is passed over (its modules never finished live). Like live, no failed step is carried forward as what
     * happened.
     *
     * @throws BadFileException where its video cannot be replayed at all (unreadable, no frame, more frames than steps):
     *                          the same verdict {@code episodes check} gives
     */
    public static Result run(RecordedEpisode episode, Agent agent, boolean realtime, Progress progress)
            throws IOException, InterruptedException, BadFileException {
        EpisodicMemory memory = EpisodicMemory.inMemory();
        memory.beginEpisode(episode.id());
        Goal goal = new Goal(episode.meta().path("goal").asText(Goal.COLLECT_COINS.text()));
        RecordingActuator actuator = new RecordingActuator();
        SkillExecutor executor = new SkillExecutor(agent.library());
        List<StepReplay> out = new ArrayList<>();
        Map<Long, Frame> thumbs = new LinkedHashMap<>();
        String warning = episode.cut();
        Step history = null;
        SkillCall previous = null;
        boolean videoCut = false;
        long start = System.nanoTime();
        try (RecordedFrames frames = new RecordedFrames(episode, realtime)) {
            for (RecordedStep rec : episode.steps()) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("replay interrupted");
                }
                if (!rec.observed()) {
                    // no frame came when it was recorded: nothing to replay it on
                    continue;
                }
                boolean replayable = !rec.failed() || rec.decided();
                long t0 = System.nanoTime();
                Observation obs;
                try {
                    obs = frames.next();
                } catch (EOFException e) {
                    String cut = EpisodeCheck.video(episode, frames.delivered(), frames.unreadable(), false);
                    warning = (warning == null ? "" : warning + "; ") + (cut != null ? cut : e.getMessage()) + ": replayed steps 0.."
                            + (out.isEmpty() ? -1 : out.get(out.size() - 1).recorded().step());
                    videoCut = true;
                    break;
                }
                if (!replayable) {
                    // it failed before a decision when recorded, so its modules never finished: running them here would
                    // change their state in a way live never did; its frame is passed over
                    continue;
                }
                Step step;
                Latency latency;
                List<String> wouldSend;
                try {
                    long t1 = System.nanoTime();
                    Scene scene = agent.gathering().gather(obs, memory);
                    long t2 = System.nanoTime();
                    Reflection r = agent.reflection().reflect(history, scene);
                    long t3 = System.nanoTime();
                    Task task = agent.tasks().infer(goal, scene, r, memory);
                    long t4 = System.nanoTime();
                    List<SkillCall> candidates = agent.curation().curate(task, scene, agent.library());
                    long t5 = System.nanoTime();
                    Decision d = agent.policy().plan(new PlanningContext(obs, scene, task, r, candidates, previous, memory.notes()));
                    long t6 = System.nanoTime();
                    actuator.clear();
                    wouldSend = executor.run(d.call(), scene, actuator, () -> false).sent();
                    long t7 = System.nanoTime();
                    latency = new Latency(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t7 - t6);
                    step = new Step(rec.step(), rec.wallMillis(), obs.timeNanos(), obs.index(), scene, r, task, candidates, d,
                            null, wouldSend, false, Outcome.RUNNING, latency, false);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(episode.id() + " step " + rec.step() + " (" + episode.dir().resolve(Episode.STEPS)
                            + ":" + rec.line() + "): " + e.getMessage(), e);
                }
                ObjectNode line = EpisodeRecorder.line(step);
                Map<String, Boolean> modules = new LinkedHashMap<>();
                modules.put("scene", rec.scene().equals(line.path("scene").asText()) && rec.entities().equals(line.get("entities")));
                modules.put("reflection", sameFields(rec.reflection(), line.get("reflection")));
                modules.put("task", sameFields(rec.task(), line.get("task")));
                modules.put("candidates", rec.candidates().equals(step.candidates().stream().map(Object::toString).toList()));
                SkillCall replayed = step.command();
                Boolean agrees = rec.corrected() ? null : same(agent.library(), replayed, rec.command());
                Boolean correctionAgrees = rec.corrected() ? same(agent.library(), replayed, rec.command()) : null;
                StepReplay sr = new StepReplay(rec, step.scene().summary(), step.reflection().reason(), step.task().subtask(),
                        step.candidates().stream().map(Object::toString).toList(),
                        replayed, step.decision().by(), step.decision().why(), wouldSend, agrees, correctionAgrees, modules, latency);
                out.add(sr);
                if ((sr.flagged() || out.size() == 1) && thumbs.size() < MAX_THUMBNAILS) {
                    thumbs.put(rec.step(), ReplayReport.thumbnail(obs.frame(), 240));
                }
                if (!rec.failed()) {
                    // what happened, as recorded, over the replayed perception: the next step's context (live carries
                    // no failed step forward either)
                    history = new Step(rec.step(), rec.wallMillis(), obs.timeNanos(), obs.index(), step.scene(), step.reflection(),
                            step.task(), step.candidates(), new Decision(rec.command(), Map.of(), rec.by(), rec.why()), rec.correction(),
                            rec.sent(), rec.interrupted(), outcome(rec.outcome()), latency, false);
                    memory.remember(history);
                    previous = rec.command();
                }
                if (progress != null) {
                    progress.step(episode, out.size());
                }
            }
            if (!videoCut && frames.moreFramesThanSteps()) {
                EpisodeCheck.video(episode, frames.delivered(), null, true);
            }
        } finally {
            actuator.releaseAll();
        }
        return new Result(episode, agent.policy().name(), List.copyOf(out), warning, (System.nanoTime() - start) / 1e9, thumbs);
    }


    /** Compares the fields the recording has (a replayed line may carry more). */
    private static boolean sameFields(JsonNode recorded, JsonNode replayed) {
        if (recorded == null || recorded.isMissingNode()) {
            return true;
        }
        var it = recorded.fields();
        while (it.hasNext()) {
            var f = it.next();
            if (!Objects.equals(f.getValue(), replayed.get(f.getKey()))) {
                return false;
            }
        }
        return true;
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
