package dev.embody.episode;

import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records real episodes for the replay tests: the embedded game, headless, through the six local modules and the
 * episode recorder, as `live` does; optionally with an operator who corrects the agent at given steps.
 */
public final class EpisodeFixtures {

    public static final Path SKILLS = Path.of("skills", "sim-game");

    /** A recorded episode and the frames the agent saw while it was recorded. */
    public record Recorded(Path dir, List<Observation> seen, SimGame game) {
    }

    private EpisodeFixtures() {
    }

    public static SkillLibrary library() throws Exception {
        return SkillLibrary.load(SKILLS);
    }

    public static Recorded record(Path root, long seed, int difficulty) throws Exception {
        return record(root, seed, difficulty, Map.of());
    }

    /**
     * @param corrections step index -> the command the operator gives before that step (text form); it overrides the
     *                    policy at that step, as a typed correction does in live control
     */
    public static Recorded record(Path root, long seed, int difficulty, Map<Integer, String> corrections) throws Exception {
        return record(root, seed, difficulty, corrections, null, 300);
    }

    /** @param policy the recording policy (null: the scene planner), named in meta.json by its name */
    public static Recorded record(Path root, long seed, int difficulty, Map<Integer, String> corrections,
                                  dev.embody.loop.Policy policy, int maxSteps) throws Exception {
        SkillLibrary library = library();
        dev.embody.loop.Policy recording = policy != null ? policy : new ScenePlannerPolicy(library);
        SimGame game = SimGame.of(seed, difficulty, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        SimGameTarget target = new SimGameTarget(game);
        OperatorInbox inbox = new OperatorInbox();
        List<Observation> seen = new ArrayList<>();
        String id = "test-s" + seed + "-d" + difficulty + (corrections.isEmpty() ? "" : "-corrected");
        // what live writes: the profile and modules, goal, difficulty, skills version and commands, policy
        Map<String, Object> facts;
        try (var modules = SimGameProfile.standard().modules(library).withPolicy(recording)) {
            facts = new LinkedHashMap<>(EpisodeRecorder.facts(SimGameProfile.standard().describe(), modules, library, SimGame.COLLECT_COINS, difficulty));
        }
        facts.put("time_limit_s", 90.0);
        Files.createDirectories(root);
        try (GameSceneParser parser = GameSceneParser.forSimGame();
             EpisodeRecorder recorder = EpisodeRecorder.start(root, id, target, facts)) {
            StepListener operator = new StepListener() {
                @Override
                public void onStep(Step step, Observation observation) {
                    seen.add(observation);
                    String next = corrections.get((int) step.index() + 1);
                    if (next != null) {
                        inbox.submit(Intervention.command(SkillCall.parse(next), "operator says " + next, "test"));
                    }
                }
            };
            if (corrections.containsKey(0)) {
                inbox.submit(Intervention.command(SkillCall.parse(corrections.get(0)), "operator says " + corrections.get(0), "test"));
            }
            AgentLoop.builder().target(target).library(library).modules(SimGameProfile.standard().modules(library).withPolicy(recording))
                    .memory(EpisodicMemory.inMemory()).inbox(inbox).goal(SimGame.COLLECT_COINS)
                    // the live default rate: the period's remainder passes in game time, as in `live`
                    .period(Duration.ofMillis(100)).maxSteps(maxSteps)
                    .listener(recorder).listener(operator).build().run();
        }
        return new Recorded(root.resolve(id), seen, game);
    }

    /**
     * A scripted person's keys, by the step before which they come: RIGHT held over steps 0-2, Q (no skill's key) at
     * step 4, DOWN held over steps 5-6; nothing after.
     */
    public static final Map<Integer, List<dev.embody.loop.PersonInput.Event>> KEYS = Map.of(
            0, List.of(dev.embody.loop.PersonInput.Event.keyDown("RIGHT")),
            3, List.of(dev.embody.loop.PersonInput.Event.keyUp("RIGHT")),
            4, List.of(dev.embody.loop.PersonInput.Event.keyDown("Q"), dev.embody.loop.PersonInput.Event.keyUp("Q")),
            5, List.of(dev.embody.loop.PersonInput.Event.keyDown("DOWN")),
            7, List.of(dev.embody.loop.PersonInput.Event.keyUp("DOWN")));

    /**
     * A person's demonstration, headless: a scripted person's input ({@code script}: step -> the events that arrive
     * before it), read by the person's policy and carried out in the game, as a gamepad's or the console's commands are.
     */
    public static Recorded recordDemonstration(Path root, long seed, int maxSteps, Map<Integer, List<dev.embody.loop.PersonInput.Event>> script)
            throws Exception {
        dev.embody.loop.InputLog log = new dev.embody.loop.InputLog();
        dev.embody.planning.PersonPolicy person = new dev.embody.planning.PersonPolicy(library(), Map.of(), log, Duration.ofMillis(100), true);
        int[] n = {0};
        dev.embody.loop.Policy scripted = new dev.embody.loop.Policy() {
            @Override
            public dev.embody.loop.Decision plan(dev.embody.loop.PlanningContext context) {
                script.getOrDefault(n[0]++, List.of()).forEach(log::add);
                return person.plan(context);
            }

            @Override
            public String name() {
                return person.name();
            }
        };
        return record(root, seed, 1, Map.of(), scripted, maxSteps);
    }

    /** The agent the replay tests use: the sim game's profile's modules and its baseline, the scene planner. */
    public static Replay.Agent agent(SkillLibrary library) {
        return new Replay.Agent(SimGameProfile.standard().modules(library), library);
    }

    /**
     * A person's demonstration of a made-up desktop program, headless: a 160x90 screen, dark but for a static title bar,
     * where a 4x4 ball runs to and fro along one band (y 60..63); the person jumps when the ball is in the middle third
     * and waits otherwise. Only the band changes, and what decides the command is where the ball is: the frames a
     * calibration for the program would show, recorded as {@code live}/{@code record} write them.
     *
     * @param calibration a calibration with {@code parser: none}, a 160x90 scene and the moon-buggy skills (jump, wait)
     */
    public static Path recordBall(Path root, Path calibration, String id, int phase, int steps) throws Exception {
        return recordBall(root, calibration, id, phase, steps, false);
    }

    /** As {@link #recordBall(Path, Path, String, int, int)}; {@code light}: every level inverted, a dark ball on white paper. */
    public static Path recordBall(Path root, Path calibration, String id, int phase, int steps, boolean light) throws Exception {
        var profile = new dev.embody.profile.DesktopProfile(new dev.embody.profile.DesktopProfile.Config(calibration,
                dev.embody.perception.ScreenCalibration.load(calibration), Path.of("skills", "moon-buggy")));
        SkillLibrary library = profile.skills();
        int[] step = {0};
        java.util.function.IntUnaryOperator ballX = n -> {
            int t = Math.floorMod(n * 3 + phase, 2 * 136);
            return 4 + (t < 136 ? t : 2 * 136 - t);
        };
        dev.embody.actuation.RecordingActuator keys = new dev.embody.actuation.RecordingActuator();
        dev.embody.loop.Target ball = new dev.embody.loop.Target() {
            @Override
            public String name() {
                return dev.embody.profile.DesktopProfile.NAME;
            }

            @Override
            public dev.embody.loop.FrameSource frames() {
                return () -> {
                    int n = step[0]++;
                    byte[] bgr = new byte[160 * 90 * 3];
                    for (int y = 2; y < 10; y++) {
                        for (int x = 10; x < 150; x += 2) {
                            java.util.Arrays.fill(bgr, (y * 160 + x) * 3, (y * 160 + x) * 3 + 3, (byte) 200); // a title that never changes
                        }
                    }
                    int bx = ballX.applyAsInt(n);
                    for (int y = 60; y < 64; y++) {
                        for (int x = bx; x < bx + 4; x++) {
                            java.util.Arrays.fill(bgr, (y * 160 + x) * 3, (y * 160 + x) * 3 + 3, (byte) 255);
                        }
                    }
                    for (int i = 0; light && i < bgr.length; i++) {
                        bgr[i] = (byte) (255 - (bgr[i] & 0xff));
                    }
                    return new Observation(n, n * 100_000_000L, new dev.embody.loop.Frame(160, 90, bgr));
                };
            }

            @Override
            public dev.embody.loop.Actuator actuator() {
                return keys;
            }
        };
        dev.embody.loop.Policy person = new dev.embody.loop.Policy() {
            @Override
            public dev.embody.loop.Decision plan(dev.embody.loop.PlanningContext context) {
                int x = ballX.applyAsInt((int) context.observation().index());
                String c = x >= 53 && x < 106 ? "jump" : "wait";
                return new dev.embody.loop.Decision(SkillCall.parse(c), Map.of(), "person", "where the ball is");
            }

            @Override
            public String name() {
                return "person";
            }
        };
        Goal goal = profile.defaultGoal();
        Map<String, Object> facts;
        try (var modules = profile.modules(library).withPolicy(person)) {
            facts = new LinkedHashMap<>(EpisodeRecorder.facts(profile.describe(), modules, library, goal, 1));
        }
        Files.createDirectories(root);
        try (EpisodeRecorder recorder = EpisodeRecorder.start(root, id, ball, facts)) {
            AgentLoop.builder().target(ball).library(library).modules(profile.modules(library).withPolicy(person))
                    .memory(EpisodicMemory.inMemory()).goal(goal).period(Duration.ofMillis(100)).maxSteps(steps)
                    .listener(recorder).build().run();
        }
        return root.resolve(id);
    }
}
