package dev.embody.profile;

import dev.embody.actuation.DesktopTarget;
import dev.embody.correction.StickMapping;
import dev.embody.curation.FitCuration;
import dev.embody.file.BadFileException;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.perception.DeclaredEnding;
import dev.embody.perception.DesktopGathering;
import dev.embody.perception.GameSceneParser;
import dev.embody.perception.ProgramTraits;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.TemplateFinder;
import dev.embody.planning.WaitingPolicy;
import dev.embody.reflection.PixelChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import dev.embody.task.GoalWordsTaskInference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program on the real X desktop, seen through screen capture and driven by real key and mouse events, as its
 * calibration file describes it ({@code calibrate screen} writes one). The calibration names the program's parser:
 * {@code sim-game} (the embedded game in a window) brings the grid game's modules; {@code none}, the usual case for a
 * program nobody wrote for embody, brings the generic ones: task inference from the goal's and skills' words,
 * reflection from the pixels, curation by fit, and a policy that waits and asks rather than acting blindly. What such
 * a program needs beyond them is declared in its calibration ({@link ProgramTraits}): the policy's input and choice
 * rules, the stick's skills, the scene's words, its ready screen, its endings and score ({@link DeclaredEnding}).
 */
public final class DesktopProfile implements Profile {

    public static final String NAME = "desktop";
    public static final Path DEFAULT_CALIBRATION = Path.of("calibration", "desktop", "sim-window.yaml");
    /** How long an episode waits for its window to appear (the program may still be starting). */
    static final Duration WINDOW_WAIT = Duration.ofSeconds(30);

    /**
     * @param calibrationFile where the calibration was read from (meta.json records it)
     * @param skills          the skills folder: the calibration's, unless overridden
     */
    public record Config(Path calibrationFile, ScreenCalibration calibration, Path skills) {
        public static Config of(TargetOptions o) throws BadFileException {
            Path file = o.calibration() != null ? o.calibration() : DEFAULT_CALIBRATION;
            ScreenCalibration cal = ScreenCalibration.load(file);
            return new Config(file, cal, o.skills() != null ? o.skills() : cal.skills());
        }
    }

    private final Config config;

    public DesktopProfile(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    private boolean gridGame() {
        return "sim-game".equals(config.calibration().parser());
    }

    private ProgramTraits traits() {
        return config.calibration().traits();
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
        ScreenCalibration cal = config.calibration();
        // end-of-episode banners are the target's to read, not the scene's
        Map<String, Path> ui = new LinkedHashMap<>(cal.templates());
        if (cal.endSuccess() != null) {
            ui.remove(cal.endSuccess());
        }
        if (cal.endFailure() != null) {
            ui.remove(cal.endFailure());
        }
        TemplateFinder templates = ui.isEmpty() ? null : new TemplateFinder(ui, cal.scales(), cal.threshold());
        if (gridGame()) {
            return SimGameProfile.gridModules(new DesktopGathering(GameSceneParser.forSimGame(), templates, cal.captures()), library);
        }
        return new Modules(new DesktopGathering(null, templates, cal.captures()), new PixelChangeReflection(),
                new GoalWordsTaskInference(goals()),
                new FitCuration(), new WaitingPolicy(library, "no trained policy for '" + cal.name()
                + "': record a demonstration (./run record), train one (./run train), or command it (type a skill's phrase)"));
    }

    /** Goals the program's calibration declares, beside "follow the operator". */
    List<String> goals() {
        return config.calibration().goals();
    }

    @Override
    public String goalHint() {
        return gridGame() ? "" : " (a calibration may declare more under goals:, in " + config.calibrationFile() + ")";
    }

    @Override
    public Target open(EpisodeSpec spec) throws Exception {
        return DesktopTarget.open(config.calibration(), WINDOW_WAIT, ending(spec));
    }

    /** How the program's screen ends an episode and scores it, as its calibration declares (at least: the time limit). */
    private dev.embody.perception.ScreenEnding ending(EpisodeSpec spec) {
        return new DeclaredEnding(config.calibration(), spec.timeLimit());
    }

    /**
     * The program as it stands, found as {@link #open} finds it but left alone (the person gives it the keyboard), and
     * the X server's input heard globally, what went to the program kept.
     */
    @Override
    public PlayedTarget play(EpisodeSpec spec, dev.embody.loop.InputLog input) throws Exception {
        // a program embody started for the person gets the keyboard, as the person would click into it
        DesktopTarget t = DesktopTarget.open(config.calibration(), WINDOW_WAIT, ending(spec), config.calibration().launch() != null);
        try {
            var area = new dev.embody.correction.XInputCapture.Area(t.region(), config.calibration().sceneWidth(),
                    config.calibration().sceneHeight(), t.windowId());
            var capture = dev.embody.correction.XInputCapture.start(input, area);
            return new PlayedTarget(t, capture, capture.source(), capture::elsewhere);
        } catch (Exception | Error e) {
            t.close();
            throw e;
        }
    }

    @Override
    public Goal defaultGoal() {
        if (gridGame()) {
            return SimGame.COLLECT_COINS;
        }
        return goals().isEmpty() ? GoalWordsTaskInference.FOLLOW : new Goal(goals().get(0));
    }

    /** The grid game in a window reads as the headless game does, so one checkpoint serves both. */
    @Override
    public dev.embody.planning.InputSpec inputSpec() {
        if (gridGame()) {
            return SimGameProfile.gridInput(true);
        }
        ProgramTraits.Input in = traits().input();
        if (in == null) {
            return Profile.super.inputSpec();
        }
        double[] c = in.crop();
        return new dev.embody.planning.InputSpec(in.width(), in.height(), in.frames(), Profile.super.inputSpec().words(),
                in.position() ? java.util.List.of("position") : java.util.List.of(),
                c == null ? null : new dev.embody.planning.InputSpec.Crop(c[0], c[1], c[2], c[3]));
    }

    @Override
    public boolean reads(dev.embody.planning.InputSpec spec) {
        if (gridGame()) {
            return SimGameProfile.gridInput(true).equals(spec) || SimGameProfile.gridInput(false).equals(spec);
        }
        // an input chosen from the demonstrations is any crop and size of the frames, with the planes every program has
        // statistics are the data's, not the calibration's: a declared input reads the same with or without them
        return choosesInput() ? java.util.Set.of("target", "position", "detail", "screen_only").containsAll(spec.features())
                : inputSpec().equals(spec.withNormalisation(null));
    }

    @Override
    public boolean normalisesInput() {
        return !gridGame() && traits().normalise();
    }

    /** A program whose calibration declares no policy input has it chosen from its demonstrations. */
    @Override
    public boolean choosesInput() {
        return !gridGame() && traits().input() == null;
    }

    @Override
    public dev.embody.planning.DeclaredRules declaredRules() {
        if (gridGame()) {
            return null;
        }
        return new dev.embody.planning.DeclaredRules(traits().choice() == null ? null : "greedy".equals(traits().choice()), traits().loopBreaking());
    }

    @Override
    public dev.embody.planning.PolicyRules policyRules() {
        if (gridGame()) {
            return SimGameProfile.gridRules();
        }
        dev.embody.planning.PolicyRules r = Profile.super.policyRules();
        if ("greedy".equals(traits().choice())) {
            r = r.greedy();
        }
        return Boolean.FALSE.equals(traits().loopBreaking()) ? r.withoutLoopBreaking() : r;
    }

    @Override
    public dev.embody.skill.TargetPrimitives primitives() {
        ScreenCalibration cal = config.calibration();
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.DesktopActuator.PRIMITIVES,
                cal.denied().stream().map(d -> java.util.Set.copyOf(d.stream().map(dev.embody.skill.Keys::canonical).toList())).toList(),
                java.time.Duration.ofMillis(Math.round(cal.watchdogSeconds() * 1000)));
    }

    @Override
    public String memoryName() {
        return NAME + "-" + config.calibration().name();
    }

    @Override
    public java.util.Set<String> words() {
        java.util.Set<String> w = new java.util.HashSet<>(gridGame() ? java.util.Set.of("wall", "walls", "lava", "coin", "coins", "flag", "flags")
                : java.util.Set.copyOf(traits().words()));
        config.calibration().templates().keySet().forEach(t -> w.addAll(java.util.List.of(t.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+"))));
        w.remove("");
        return w;
    }

    @Override
    public StickMapping stick(SkillLibrary library) {
        if (gridGame()) {
            return SimGameProfile.gridStick(library);
        }
        Map<String, SkillCall> m = new LinkedHashMap<>();
        if (!traits().stick().isEmpty()) {
            traits().stick().forEach((d, call) -> m.put(d, stickCall(call)));
            return StickMapping.of(library, m);
        }
        for (String d : StickMapping.DIRECTIONS) {
            m.put(d, SkillCall.of("press_key", "key", d));
        }
        return StickMapping.of(library, m);
    }

    /** "press_key key=up" as a skill call: the skill's name, then its arguments as name=value. */
    static SkillCall stickCall(String phrase) {
        String[] words = phrase.trim().split("\\s+");
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            args.put(eq < 0 ? words[i] : words[i].substring(0, eq), eq < 0 ? "" : words[i].substring(eq + 1));
        }
        return new SkillCall(words[0], args);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", NAME);
        m.put("calibration", config.calibrationFile().toString());
        m.put("skills", config.skills().toString());
        m.put("program", config.calibration().name());
        return m;
    }
}
