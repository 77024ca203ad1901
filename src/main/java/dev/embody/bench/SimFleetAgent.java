package dev.embody.bench;

import dev.embody.fleet.FleetAgent;
import dev.embody.correction.CorrectionParser;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.episode.EpisodeRunner;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Policy;
import dev.embody.loop.Step;
import dev.embody.loop.Target;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.Oracle;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.sim.SimulatedOperator;
import dev.embody.skill.SkillLibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A sim-game agent of a fleet with a simulated operator at its keyboard, in this process: it plays episodes of the
 * embedded game through the one loop with the fleet's policy (or the oracle's, as a demonstrator), the operator
 * correcting it in words (as in {@code ./run improve}), and its {@link FleetAgent} publishing every example and
 * swapping in what the fleet announces. What {@code fleet demo} and {@code bench fleet} run N of.
 */
public final class SimFleetAgent {

    /**
     * @param policy fleet (the announced policy, swapped in as it changes) or oracle (plays from the truth: a demonstrator)
     * @param period the loop's period (zero: simulated time, as fast as it goes)
     */
    public record Settings(int episodes, long firstSeed, int difficulty, long maxSteps, String policy, boolean operator,
                           SimulatedOperator.Settings operatorSettings, Duration period, Path episodesDir) {
        public static Settings of(int episodes, long firstSeed) {
            return new Settings(episodes, firstSeed, 1, 150, "fleet", true, SimulatedOperator.Settings.defaults(), Duration.ZERO, null);
        }

        public Settings recordingTo(Path dir) {
            return new Settings(episodes, firstSeed, difficulty, maxSteps, policy, operator, operatorSettings, period, dir);
        }

        public Settings withPolicy(String p) {
            return new Settings(episodes, firstSeed, difficulty, maxSteps, p, operator, operatorSettings, period, episodesDir);
        }

        public Settings withPeriod(Duration p) {
            return new Settings(episodes, firstSeed, difficulty, maxSteps, policy, operator, operatorSettings, p, episodesDir);
        }

        /** Without the simulated operator: only what a caller says corrects it. */
        public Settings withoutOperator() {
            return new Settings(episodes, firstSeed, difficulty, maxSteps, policy, false, operatorSettings, period, episodesDir);
        }

        public Settings withMaxSteps(long n) {
            return new Settings(episodes, firstSeed, difficulty, n, policy, operator, operatorSettings, period, episodesDir);
        }
    }

    /**
     * One episode as it went: the policy it started with, which versions decided its steps (how many each), its outcome
     * and corrections, and where it was recorded.
     */
    public record Played(String agent, long seed, String startedWith, Map<String, Integer> decidedBy, Outcome outcome, long steps,
                         int corrections, String episodeId, List<dev.embody.loop.Latency> latencies, long overruns) {
        public boolean success() {
            return outcome == Outcome.SUCCESS;
        }
    }

    private final FleetAgent fleet;
    private final SimGameProfile profile;
    private final SkillLibrary library;
    private final Oracle oracle;
    private final CorrectionParser parser;
    private final AtomicReference<AgentLoop> running = new AtomicReference<>();
    private volatile boolean stopped;

    public SimFleetAgent(FleetAgent fleet, SimGameProfile profile, SkillLibrary library) {
        this.fleet = fleet;
        this.profile = profile;
        this.library = library;
        this.oracle = new Oracle(library);
        this.parser = new CorrectionParser(library, profile.words());
    }

    public FleetAgent fleet() {
        return fleet;
    }

    /** Ends the episode in progress at its next step, and plays no more. */
    public void stop() {
        stopped = true;
        AgentLoop l = running.get();
        if (l != null) {
            l.requestStop();
        }
    }

    /** Plays its episodes one after another; returns them. */
    public List<Played> run(Settings s) throws Exception {
        List<Played> out = new ArrayList<>();
        for (int i = 0; i < s.episodes() && !stopped; i++) {
            out.add(episode(s, s.firstSeed() + i, null));
        }
        return out;
    }

    /** A caller's own operator: told each step, with the episode's inbox to say a correction into for the next step. */
    @FunctionalInterface
    public interface Operator {
        void onStep(Step step, OperatorInbox inbox);
    }

    /**
     * One episode; {@code said} (when not null) is told each step with the operator inbox, so a caller can say a
     * correction of its own at a step it chooses.
     */
    public Played episode(Settings s, long seed, Operator said) throws Exception {
        Goal goal = SimGame.COLLECT_COINS;
        String id = fleet.agent() + "-s" + seed + "-" + System.currentTimeMillis() % 100_000_000;
        try (Target t = profile.open(new EpisodeSpec(seed, s.difficulty(), goal, Duration.ofSeconds(90), false, null))) {
            SimGame game = ((SimGameTarget) t).game();
            Policy policy;
            if ("oracle".equals(s.policy())) {
                policy = oracle.asPolicy(game);
            } else {
                LearnedPolicy p = fleet.current();
                if (p == null) {
                    throw new IllegalStateException("agent " + fleet.agent() + " has no fleet policy yet");
                }
                policy = p.adapt(library);
            }
            String started = policy.name();
            OperatorInbox inbox = new OperatorInbox();
            try (Modules modules = profile.modules(library).withPolicy(policy);
                 EpisodeRecorder recorder = s.episodesDir() == null ? null
                         : EpisodeRecorder.start(s.episodesDir(), id, t, facts(modules, goal, s))) {
                if (recorder != null) {
                    recorder.put("time_limit_s", 90.0);
                }
                SimulatedOperator operator = s.operator()
                        ? new SimulatedOperator(game, oracle, parser, inbox, s.operatorSettings(), seed) : null;
                EpisodeRunner run = EpisodeRunner.of(t, library, modules).goal(goal).inbox(inbox).maxSteps(s.maxSteps()).period(s.period())
                        .recorder(recorder).listener(operator);
                if (said != null) {
                    run.listener((step, observation) -> said.onStep(step, inbox));
                }
                EpisodeRunner.Result r = run.started(loop -> {
                    fleet.attach(loop, recorder == null ? id : recorder.id(), c -> c.withTeacherTask(() -> oracle.task(game, goal)));
                    running.set(loop);
                    if (stopped) {
                        loop.requestStop();
                    }
                }).run();
                running.set(null);
                Played p = new Played(fleet.agent(), seed, started, r.by(), r.outcome(), r.steps(), r.corrections(),
                        recorder == null ? id : recorder.id(), r.loop().latencies(), r.loop().overruns());
                return p;
            }
        }
    }

    private Map<String, Object> facts(Modules modules, Goal goal, Settings s) {
        Map<String, Object> m = EpisodeRecorder.facts(profile.describe(), modules, library, goal, s.difficulty());
        m.put("fleet_agent", fleet.agent());
        return m;
    }
}
