package dev.embody.profile;

import dev.embody.correction.StickMapping;
import dev.embody.curation.TagCuration;
import dev.embody.learning.Gate;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.Oracle;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.sim.SimulatedOperator;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * The embedded grid game, headless in simulated time (or on the wall clock, in a window). Its modules are the grid
 * game's: HSV parsing of walls, lava, coins, the flag and the blue player; reflection by the player's motion; coins
 * and flags as goals; A* on the perceived grid as the baseline. Its simulator scores a learned policy on held-out
 * seeds, so it has a gate.
 */
public final class SimGameProfile implements Profile {

    public static final String NAME = "sim-game";
    /** Held-out seeds for evaluation and the gate start here; training seeds count up from 1. */
    public static final long HELD_OUT_SEEDS = 100_000;

    /**
     * @param skills   the skills folder (default skills/sim-game)
     * @param waypoint the learned policy is told where the path to its target first turns (A* on the perceived grid);
     *                 without it, it is told the target itself
     */
    public record Config(Path skills, boolean waypoint) {
        public static Config of(TargetOptions o) {
            return new Config(o.skills() != null ? o.skills() : Path.of("skills", NAME), true);
        }

        public Config withoutWaypoint() {
            return new Config(skills, false);
        }
    }

    /** The grid game's learned-policy input: one pixel a cell, the player's planes, the target's or the waypoint's. */
    static dev.embody.planning.InputSpec gridInput(boolean waypoint) {
        return new dev.embody.planning.InputSpec(32, 18, 1, 32, List.of(waypoint ? "waypoint" : "target", "player"));
    }

    /** Sampling from the squared distribution, and the lava shield. */
    static dev.embody.planning.PolicyRules gridRules() {
        return dev.embody.planning.PolicyRules.defaults().withVetoes(List.of(new dev.embody.sim.LavaShield()));
    }

    @Override
    public dev.embody.planning.InputSpec inputSpec() {
        return gridInput(config.waypoint());
    }

    @Override
    public dev.embody.planning.PolicyRules policyRules() {
        return gridRules();
    }

    @Override
    public boolean reads(dev.embody.planning.InputSpec spec) {
        return gridInput(true).equals(spec) || gridInput(false).equals(spec);
    }

    private final Config config;

    public SimGameProfile(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** The embedded game with its own skills folder (skills/sim-game). */
    public static SimGameProfile standard() {
        return new SimGameProfile(Config.of(TargetOptions.defaults()));
    }

    /** The grid game's modules, over whatever frames show it: the embedded game, or its window on a desktop. */
    static Modules gridModules(dev.embody.loop.InformationGathering gathering, SkillLibrary library) {
        return new Modules(gathering, new SceneChangeReflection(), new GoalTaskInference(), new TagCuration(), new ScenePlannerPolicy(library));
    }

    /** The stick moves the player a little each step. */
    static StickMapping gridStick(SkillLibrary library) {
        Map<String, SkillCall> m = new LinkedHashMap<>();
        for (String d : StickMapping.DIRECTIONS) {
            m.put(d, SkillCall.of("move", "direction", d, "amount", "small"));
        }
        return StickMapping.of(library, m);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Path skillsDir() {
        return config.skills();
    }

    @Override
    public Modules modules(SkillLibrary library) {
        return gridModules(GameSceneParser.forSimGame(), library);
    }

    @Override
    public dev.embody.loop.Policy baseline(SkillLibrary library) {
        return new ScenePlannerPolicy(library);
    }

    @Override
    public java.util.function.Consumer<dev.embody.loop.Frame> window(String title) {
        return dev.embody.sim.SimWindow.view(title);
    }

    @Override
    public boolean hasOracle() {
        return true;
    }

    @Override
    public Optional<dev.embody.loop.Policy> oracle(Target target, SkillLibrary library) {
        return target instanceof SimGameTarget s ? Optional.of(new Oracle(library).asPolicy(s.game())) : Optional.empty();
    }

    /** One oracle playing each episode's game from its truth, as one demonstrator plays on (its planner's motion gain carries over). */
    public Arena.Cast demonstrator(SkillLibrary library) {
        Oracle oracle = new Oracle(library);
        return t -> oracle.asPolicy(((SimGameTarget) t).game());
    }

    @Override
    public Optional<dev.embody.correction.SimulatedCorrector> simulatedOperator(Target target, SkillLibrary library,
            dev.embody.correction.CorrectionParser parser, dev.embody.loop.OperatorInbox inbox, long seed) {
        return target instanceof SimGameTarget s
                ? Optional.of(new SimulatedOperator(s.game(), new Oracle(library), parser, inbox, SimulatedOperator.Settings.defaults(), seed))
                : Optional.empty();
    }

    @Override
    public Target open(EpisodeSpec spec) {
        return new SimGameTarget(SimGame.of(spec.seed(), spec.difficulty(), spec.goal(), spec.timeLimit()), spec.realtime(), spec.view());
    }

    /** The game in a window the person plays at the keyboard (as {@code ./run play}); the window's keys are the input. */
    @Override
    public PlayedTarget play(EpisodeSpec spec, dev.embody.loop.InputLog input) {
        var played = dev.embody.sim.PlayedSimGame.open(SimGame.of(spec.seed(), spec.difficulty(), spec.goal(), spec.timeLimit()),
                "embody record: sim-game seed " + spec.seed(), input);
        return new PlayedTarget(played, () -> { }, "the game window's keys", () -> -1);
    }

    @Override
    public Goal defaultGoal() {
        return SimGame.COLLECT_COINS;
    }

    @Override
    public java.util.Set<String> words() {
        return java.util.Set.of("wall", "walls", "lava", "coin", "coins", "flag", "flags", "player", "arena", "level");
    }

    @Override
    public StickMapping stick(SkillLibrary library) {
        return gridStick(library);
    }

    /** The game's clock moves only while the agent acts (headless or in real time), so it waits for a model unharmed. */
    @Override
    public Optional<String> stillWhileThinking() {
        return Optional.of("the game's clock moves only while a skill runs");
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", NAME);
        m.put("skills", config.skills().toString());
        return m;
    }

    @Override
    public boolean holdsOutEpisodes() {
        return false;
    }

    /** The game played headless through this profile's modules, for demonstrations, corrections and scoring. */
    public Arena arena(SkillLibrary library, int difficulty, long maxSteps, Duration timeLimit) {
        return new Arena(this, library, difficulty, maxSteps, timeLimit, false, Duration.ZERO);
    }

    /** The gate: success with nobody correcting, on {@code episodes} held-out seeds at difficulty 1, not below the incumbent's. */
    @Override
    public Optional<Gate> gate(SkillLibrary library, int episodes, Path episodesDir, Gate.Progress progress) {
        if (episodes <= 0) {
            return Optional.empty();
        }
        Arena arena = arena(library, 1, 250, Duration.ofSeconds(90));
        List<Long> seeds = LongStream.range(HELD_OUT_SEEDS, HELD_OUT_SEEDS + episodes).boxed().toList();
        return Optional.of(Gate.notBelow(new Gate.Scorer() {
            @Override
            public dev.embody.loop.Rate score(dev.embody.loop.Policy p) throws Exception {
                return arena.evaluate(g -> p, SimGame.COLLECT_COINS, seeds, progress).success();
            }

            @Override
            public String what() {
                return "success on " + seeds.size() + " held-out seeds";
            }
        }));
    }
}
