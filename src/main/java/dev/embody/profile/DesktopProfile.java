package dev.embody.profile;

import dev.embody.sim.SimGame;
import dev.embody.actuation.DesktopTarget;
import dev.embody.correction.StickMapping;
import dev.embody.loop.BadFileException;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.perception.DesktopGathering;
import dev.embody.perception.GameSceneParser;
import dev.embody.perception.MoonBuggyEnding;
import dev.embody.perception.MoonBuggyGathering;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.TemplateFinder;
import dev.embody.planning.WaitingPolicy;
import dev.embody.reflection.PixelChangeReflection;
import dev.embody.skill.FitCuration;
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
 * reflection from the pixels, curation by fit, and a policy that waits and asks rather than acting blindly.
 * {@code moon-buggy} (Debian's game in an xterm) brings those generic modules too, with its own reader of the screen
 * for the scene and for how an episode ends and is scored (a crash, the time survived): target-specific knowledge in
 * its own classes ({@link MoonBuggyGathering}, {@link MoonBuggyEnding}), chosen here by the calibration's parser.
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

    private boolean moonBuggy() {
        return "moon-buggy".equals(config.calibration().parser());
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
        return new Modules(new DesktopGathering(moonBuggy() ? new MoonBuggyGathering() : null, templates, cal.captures()), new PixelChangeReflection(),
                new GoalWordsTaskInference(goals()),
                new FitCuration(), new WaitingPolicy(library, (moonBuggy() ? "no trained policy for '" : "no scene parser and no trained policy for '") + cal.name()
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

    /** How the program's own screen ends an episode: moon-buggy's crash fails it, surviving the time limit succeeds; else templates only. */
    private dev.embody.perception.ScreenEnding ending(EpisodeSpec spec) {
        ScreenCalibration cal = config.calibration();
        return moonBuggy() ? new MoonBuggyEnding(cal.sceneWidth(), cal.sceneHeight(), spec.timeLimit()) : null;
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
        // moon-buggy is decided on the rows of the buggy and the ground: one pixel a terminal column there, three frames
        return moonBuggy() ? new dev.embody.planning.InputSpec(80, 6, 3, 32, java.util.List.of("position"), new dev.embody.planning.InputSpec.Crop(0, 0.73, 1, 0.17))
                : Profile.super.inputSpec();
    }

    @Override
    public boolean reads(dev.embody.planning.InputSpec spec) {
        return gridGame() ? SimGameProfile.gridInput(true).equals(spec) || SimGameProfile.gridInput(false).equals(spec) : inputSpec().equals(spec);
    }

    @Override
    public dev.embody.planning.PolicyRules policyRules() {
        if (gridGame()) {
            return SimGameProfile.gridRules();
        }
        // a reflex game: a command drawn at random is a jump at the wrong moment, and waiting again is most of the play
        // (with loops broken, every wait after a wait became the next likeliest command: a stray jump or fire)
        return moonBuggy() ? Profile.super.policyRules().greedy().withoutLoopBreaking() : Profile.super.policyRules();
    }

    @Override
    public dev.embody.skill.TargetPrimitives primitives() {
        ScreenCalibration cal = config.calibration();
        return new dev.embody.skill.TargetPrimitives(name(), dev.embody.actuation.DesktopActuator.PRIMITIVES,
                cal.denied().stream().map(d -> java.util.Set.copyOf(d.stream().map(dev.embody.actuation.Keys::canonical).toList())).toList(),
                java.time.Duration.ofMillis(Math.round(cal.watchdogSeconds() * 1000)));
    }

    @Override
    public String memoryName() {
        return NAME + "-" + config.calibration().name();
    }

    @Override
    public java.util.Set<String> words() {
        java.util.Set<String> w = new java.util.HashSet<>(gridGame() ? java.util.Set.of("wall", "walls", "lava", "coin", "coins", "flag", "flags")
                : moonBuggy() ? java.util.Set.of("buggy", "crater", "craters", "stone", "stones", "ground") : java.util.Set.of());
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
        if (moonBuggy()) {
            // the stick up jumps, forward (right, the way the buggy drives) fires
            m.put("up", SkillCall.of("jump"));
            m.put("right", SkillCall.of("fire"));
            return StickMapping.of(library, m);
        }
        for (String d : StickMapping.DIRECTIONS) {
            m.put(d, SkillCall.of("press_key", "key", d));
        }
        return StickMapping.of(library, m);
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
