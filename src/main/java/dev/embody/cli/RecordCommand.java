package dev.embody.cli;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.GamepadChannel;
import dev.embody.episode.EpisodeRecorder;
import dev.embody.episode.EpisodeRunner;
import dev.embody.loop.Goal;
import dev.embody.loop.InputLog;
import dev.embody.loop.Intervention;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.PersonInput;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.planning.PersonPolicy;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.PlayedTarget;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Record demonstrations: a person plays the target through its real input while embody records episodes "
                + "(meta.json, steps.jsonl, frames.mp4) through the same loop and modules as live. Each step's command is the skill "
                + "command the person's input in that step maps to (by: person), with the raw input kept beside it; input that "
                + "maps to no skill is reported at the end.",
                "Input: sim-game, the game's window (its keys); desktop, the X server's keyboard and mouse (xinput), which go "
                        + "to the program; robots, the console's command buttons; any target, --input gamepad."})
final class RecordCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RecordCommand.class);
    static final List<String> INPUTS = List.of("auto", "own", "gamepad", "console");

    @Spec
    CommandSpec spec;

    @Mixin
    TargetSelection targetSelection;
    @Mixin
    RobotConnection robot;
    @Option(names = "--input", defaultValue = "auto",
            description = "Where the person's input is heard: own (the target's own: the game window's keys, the desktop's keyboard and mouse), "
                    + "gamepad, console (the console's command buttons; embody carries the command out), or auto (own where the target has it, "
                    + "else console) (default: ${DEFAULT-VALUE}).")
    String input;
    @Option(names = "--episodes", defaultValue = "1", description = "Episodes to record, one after another (default: ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first level (sim game); episode i plays seed+i (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--difficulty", defaultValue = "1", description = "Difficulty 1..3 of the sim game (default: ${DEFAULT-VALUE}).")
    int difficulty;
    @Option(names = "--goal", description = "What the person is doing (default: the profile's first goal); recorded, and the task modules read it.")
    String goal;
    @Option(names = "--rate", defaultValue = "10", description = "Steps per second: each step's window is 1/rate s of the person's input (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--max-steps", description = "Steps per episode at most (default: no limit).")
    Long maxSteps;
    @Option(names = "--max-seconds", description = "Wall-clock seconds per episode at most (default: no limit; Ctrl-C ends a recording too).")
    Double maxSeconds;
    @Option(names = "--time-limit", defaultValue = "90", description = "Game seconds per episode (sim game) (default: ${DEFAULT-VALUE}).")
    double timeLimit;
    @Option(names = "--episodes-dir", defaultValue = "episodes", description = "Where episodes are written (default: ${DEFAULT-VALUE}).")
    Path episodesDir;
    @Option(names = "--memory", description = "Long-term memory folder (default: memory/<target>, memory/desktop-<program> for a desktop program).")
    Path memoryDir;
    @Option(names = "--console-port", defaultValue = "7070", description = "With --input console: the console's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int consolePort;
    @Option(names = "--console-bind", defaultValue = "127.0.0.1", description = "With --input console: the console's address (default: ${DEFAULT-VALUE}).")
    String consoleBind;
    @Option(names = "--no-progress", description = "No progress line on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        try (Profile profile = targetSelection.profile(spec, robot.addTo(spec, targetSelection.options()))) {
            return run(profile);
        }
    }

    private void checkOptions() {
        Options o = Options.of(spec);
        String target = targetSelection.target;
        o.oneOf("--target", target, dev.embody.profile.Profiles.names());
        o.oneOf("--input", input, INPUTS);
        o.whole("--episodes", episodes, 1, 10_000);
        o.difficulty("--difficulty", difficulty);
        o.text("--goal", goal);
        o.above("--rate", rate, 0, 100, "steps a second");
        if (maxSteps != null) {
            o.whole("--max-steps", maxSteps, 1, Long.MAX_VALUE);
        }
        o.above("--max-seconds", maxSeconds, 0, 86_400, "seconds");
        o.above("--time-limit", timeLimit, 0, 86_400, "seconds");
        o.whole("--console-port", consolePort, 0, 65_535);
        o.needs(robot.broker != null || !target.equals("robot"), "--target robot needs --broker tcp://host:1883 (the broker the robot listens on)");
        boolean robots = target.equals("robot") || target.equals("sim-robot");
        o.needs(!(robots && input.equals("own")), "--input own: a person commands a robot through embody, not through its own input: "
                + "use --input console (the console's command buttons) or --input gamepad");
    }

    private int run(Profile profile) throws Exception {
        SkillLibrary library = profile.skills();
        Goal g = Options.of(spec).goal(goal, profile, library);
        String robotsOwn = profile.name().endsWith("robot") ? "console" : "own";
        String how = input.equals("auto") ? robotsOwn : input;
        boolean own = how.equals("own");
        Duration period = Duration.ofNanos((long) (1e9 / rate));
        Map<String, dev.embody.skill.SkillCall> stick = how.equals("gamepad") ? profile.stick(library).directions() : Map.of();
        try {
            // refuses skills with no idle command before anything opens
            new PersonPolicy(library, stick, new InputLog(), period, !own);
        } catch (IllegalArgumentException e) {
            throw new dev.embody.file.BadFileException(profile.skillsDir(), 0, e.getMessage());
        }

        OperatorInbox inbox = new OperatorInbox();
        AtomicReference<InputLog> current = new AtomicReference<>(new InputLog());
        CtrlC ctrlC = CtrlC.hook();

        OperatorChannels channels = null;
        GamepadChannel gamepad = null;
        OperatorInbox person = new OperatorInbox();
        try {
            if (how.equals("console")) {
                // the console's commands are the person's steps; its stop and pause still stop and pause the recording
                person.observe(i -> {
                    if (i.kind() == Intervention.Kind.COMMAND) {
                        current.get().add(PersonInput.Event.command(i.command().toString()));
                    } else if (i.kind() == Intervention.Kind.STOP || i.kind() == Intervention.Kind.PAUSE
                            || i.kind() == Intervention.Kind.RESUME || i.kind() == Intervention.Kind.STEP) {
                        inbox.submit(i);
                    }
                });
                java.util.function.Supplier<CorrectionParser> parser = CorrectionParser.following(() -> library, profile.words());
                try {
                    channels = OperatorChannels.open(new OperatorChannels.Options(true, consoleBind, consolePort, false, null, false, null,
                            "agent-1", episodesDir), person, parser, () -> PersonPolicy.NAME, profile.stick(library), null);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
                System.err.println("record: the person commands " + profile.name() + " with the console's buttons: " + channels.console().url());
            } else if (how.equals("gamepad")) {
                var controller = GamepadChannel.findController();
                if (controller.isEmpty()) {
                    System.err.println("error: --input gamepad: no gamepad or stick found (JInput lists none)");
                    return Main.FAILED;
                }
                gamepad = GamepadChannel.demonstrating(controller.get(), inbox, e -> current.get().add(e)).start();
            }

            Path memoryFolder = memoryDir != null ? memoryDir : Path.of("memory", profile.memoryName());
            Totals totals = new Totals();
            try (EpisodicMemory memory = EpisodicMemory.open(memoryFolder)) {
                for (int i = 0; i < episodes; i++) {
                    long s = seed + i;
                    InputLog log = new InputLog();
                    current.set(log);
                    var view = own ? null : profile.window("embody record: " + profile.name() + " seed " + s);
                    if (channels != null && channels.console() != null) {
                        view = view == null ? channels.console() : view.andThen(channels.console());
                    }
                    EpisodeSpec es = new EpisodeSpec(s, difficulty, g, Duration.ofMillis((long) (timeLimit * 1000)), true, view);
                    String id = LiveCommand.episodeId(profile.name(), s);
                    memory.beginEpisode(id);
                    PlayedTarget played = own ? profile.play(es, log) : null;
                    if (own && played == null) {
                        throw new ParameterException(spec.commandLine(), "--input own: the " + profile.name() + " target has no input of its own to hear; use --input console or gamepad");
                    }
                    PersonPolicy policy = new PersonPolicy(library, stick, log, period, !own);
                    try (Target t = played != null ? played.target() : profile.open(es);
                         Modules modules = profile.modules(library).withPolicy(policy);
                         EpisodeRecorder recorder = EpisodeRecorder.start(episodesDir, id, t, EpisodeRecorder.facts(profile.describe(), modules, library, g, difficulty))) {
                        String source = played != null ? played.source() : how.equals("console") ? "the console's command buttons" : "a gamepad (JInput)";
                        recorder.put("time_limit_s", timeLimit);
                        recorder.put("memory", memoryFolder.toString());
                        Progress progress = new Progress(policy.counts(), i + 1, episodes, !noProgress);
                        EpisodeRunner run = EpisodeRunner.of(t, library, modules).memory(memory).goal(g)
                                .period(period).inbox(inbox).acting(!own).recorder(recorder)
                                .maxTime(maxSeconds != null ? Duration.ofMillis((long) (maxSeconds * 1000)) : null)
                                .listener(progress)
                                .listener(new StepListener() {
                                    @Override
                                    public void onStep(Step step, Observation observation) {
                                        person.drain(); // what the console said is in the log; the inbox only passes it on
                                    }
                                });
                        if (maxSteps != null) {
                            run.maxSteps(maxSteps);
                        }
                        if (channels != null) {
                            channels.listeners().forEach(run::listener);
                            channels.episode(recorder.id(), recorder::put);
                        }
                        System.err.println("record: recording " + profile.name() + " episode " + (i + 1) + "/" + episodes + " (" + recorder.id()
                                + "), the person's input from " + source + "; " + (maxSeconds != null ? "for " + maxSeconds + " s, " : "")
                                + "Ctrl-C ends it");
                        EpisodeRunner.Result r = run.started(ctrlC::running).run();
                        double seconds = r.seconds();
                        ctrlC.running(null);
                        progress.clear();
                        PersonPolicy.Counts c = policy.counts();
                        long elsewhere = played != null ? played.elsewhere().getAsLong() : -1;
                        Map<String, Object> demo = new LinkedHashMap<>();
                        demo.put("input", source);
                        demo.put("rate", rate);
                        demo.put("embody_sent", !own);
                        demo.put("events", c.events());
                        demo.put("mapped_steps", c.mapped());
                        demo.put("idle_steps", c.idle());
                        demo.put("unmapped", c.unmapped());
                        demo.put("unmapped_input", c.unmappedKinds());
                        // input between a window's end and the next frame: already on that frame, so no part of a command
                        demo.put("before_frame", c.beforeFrame());
                        if (elsewhere >= 0) {
                            demo.put("events_elsewhere", elsewhere);
                        }
                        recorder.put("demonstration", demo);
                        totals.add(c, r.steps(), seconds);
                        System.out.printf(Locale.ROOT, "recorded %d/%d id=%s outcome=%s steps=%d seconds=%.1f mapped=%d idle=%d unmapped=%d%s%s%s%s%n",
                                i + 1, episodes, recorder.id(), r.outcome().label(), r.steps(), seconds, c.mapped(), c.idle(), c.unmapped(),
                                c.unmappedKinds().isEmpty() ? "" : " (" + kinds(c.unmappedKinds()) + ")",
                                c.beforeFrame() > 0 ? " before_frame=" + c.beforeFrame() + " (input between a step's window and the next frame: "
                                        + "on that frame already, its step's command only where its window has none)" : "",
                                elsewhere > 0 ? " elsewhere=" + elsewhere + " (input to other windows, not kept)" : "",
                                r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
                        System.out.println("  commands: " + kinds(c.commands()));
                        if (r.outcome() == dev.embody.loop.Outcome.STOPPED && ctrlC.interrupted()) {
                            break;
                        }
                    } finally {
                        if (played != null) {
                            played.input().close(); // stop hearing the person (the target is closed above)
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "summary: episodes=%d steps=%d seconds=%.1f mapped=%d idle=%d unmapped=%d%s episodes_dir=%s%n",
                    totals.episodes, totals.steps, totals.seconds, totals.mapped, totals.idle, totals.unmapped,
                    totals.unmappedKinds.isEmpty() ? "" : " unmapped_input=[" + kinds(totals.unmappedKinds) + "]", episodesDir);
        } finally {
            if (gamepad != null) {
                gamepad.close();
            }
            if (channels != null) {
                channels.close();
            }
            ctrlC.finished();
        }
        return ctrlC.interrupted() ? Main.INTERRUPTED : Main.OK;
    }

    private static String kinds(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(" x").append(v));
        return sb.toString();
    }

    /** Every episode's figures, added up. */
    private static final class Totals {
        long episodes, steps, mapped, idle, unmapped;
        double seconds;
        final Map<String, Long> unmappedKinds = new LinkedHashMap<>();

        void add(PersonPolicy.Counts c, long episodeSteps, double episodeSeconds) {
            episodes++;
            steps += episodeSteps;
            seconds += episodeSeconds;
            mapped += c.mapped();
            idle += c.idle();
            unmapped += c.unmapped();
            c.unmappedKinds().forEach((k, v) -> unmappedKinds.merge(k, v, Long::sum));
        }
    }

    /** The progress line while recording: steps, steps mapped, idle, input unmapped, seconds. */
    private static final class Progress implements StepListener {
        private final PersonPolicy.Counts counts;
        private final dev.embody.loop.ProgressBar bar;

        Progress(PersonPolicy.Counts counts, int episode, int of, boolean on) {
            this.counts = counts;
            this.bar = on ? dev.embody.loop.ProgressBar.of(System.err, "recording " + episode + "/" + of + ":", "step", 0) : dev.embody.loop.ProgressBar.off();
        }

        @Override
        public void onStep(Step step, Observation observation) {
            bar.update(counts.steps(), String.format(Locale.ROOT, "mapped %d  idle %d  unmapped %d", counts.mapped(), counts.idle(), counts.unmapped()));
        }

        void clear() {
            bar.clear();
        }
    }
}
