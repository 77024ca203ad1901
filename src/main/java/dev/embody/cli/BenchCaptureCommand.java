package dev.embody.cli;

import dev.embody.bench.GameWindow;
import dev.embody.episode.EpisodeRunner;
import dev.embody.actuation.KeyTrackingActuator;
import dev.embody.loop.Actuator;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Goal;
import dev.embody.loop.Latency;
import dev.embody.episode.LatencyStats;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.loop.Modules;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.perception.ScreenCapture;
import dev.embody.perception.ScreenRegion;
import dev.embody.perception.XWindows;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Capture + scene-parse latency of both screen sources at full-screen sizes. The game is shown scaled up to fill an
 * X screen of each size (Xvfb, started here unless --display is given); each source grabs the whole screen, hands it
 * on at 640x360, and the six modules run on it as in a live step (keys are not sent).
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "Screen capture + scene parse latency (p50/p99) for x11grab and java.awt.Robot at 1280x720 and 1920x1080.")
final class BenchCaptureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--frames", defaultValue = "300", description = "Steps measured per source and size, after 30 warm-up (default: ${DEFAULT-VALUE}).")
    int frames;
    @Option(names = "--sizes", defaultValue = "1280x720,1920x1080", split = ",", description = "Screen sizes, each a multiple of 640x360 (default: ${DEFAULT-VALUE}).")
    List<String> sizes;
    @Option(names = "--display", description = "Measure on this X display at its own size instead of starting Xvfb servers.")
    String display;
    @Option(names = "--first-display", defaultValue = "141", description = "Xvfb servers started here take the first free display number from this one (default: ${DEFAULT-VALUE}).")
    int firstDisplay;
    @Option(names = "--here", hidden = true, description = "Measure on this process's DISPLAY (used by the outer run).")
    boolean here;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        o.whole("--frames", frames, 1, Integer.MAX_VALUE);
        o.whole("--first-display", firstDisplay, 0, 65_535);
        for (String size : sizes) {
            if (!size.matches("[1-9]\\d{0,4}x[1-9]\\d{0,4}")) {
                throw o.refused("--sizes must be like 1280x720,1920x1080, got '" + size + "'");
            }
        }
        if (here) {
            return measureHere();
        }
        List<String> runs = new ArrayList<>();
        if (display != null) {
            runs.add(display);
        }
        int code = Main.OK;
        List<String> targets = display != null ? List.of("") : sizes;
        for (String size : targets) {
            Process xvfb = null;
            String d = display;
            if (d == null) {
                d = freeDisplay();
                xvfb = new ProcessBuilder("Xvfb", d, "-screen", "0", size + "x24", "-nolisten", "tcp").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                waitForX(d);
            }
            try {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", "capture", "--here",
                        "--frames", Integer.toString(frames)));
                ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
                pb.environment().put("DISPLAY", d);
                int c = pb.start().waitFor();
                if (c != 0) {
                    code = Main.FAILED;
                }
            } finally {
                if (xvfb != null) {
                    xvfb.destroy();
                    xvfb.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
        return code;
    }

    private String freeDisplay() {
        for (int n = firstDisplay; n < firstDisplay + 60; n++) {
            if (!new File("/tmp/.X" + n + "-lock").exists() && !new File("/tmp/.X11-unix/X" + n).exists()) {
                return ":" + n;
            }
        }
        throw new IllegalStateException("no free X display number from :" + firstDisplay);
    }

    private static void waitForX(String d) throws Exception {
        for (int i = 0; i < 100; i++) {
            ProcessBuilder pb = new ProcessBuilder("xdpyinfo").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DISPLAY", d);
            if (pb.start().waitFor() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Xvfb on " + d + " did not come up");
    }

    private int measureHere() throws Exception {
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no DISPLAY to measure on");
        }
        ScreenRegion screen = XWindows.root();
        int scale = Math.max(1, Math.min(screen.width() / GameWindow.WIDTH, screen.height() / GameWindow.HEIGHT));
        SimGameProfile profile = new SimGameProfile(SimGameProfile.Config.of(TargetOptions.defaults()));
        // a still picture of the game, so the window's own repainting does not compete with the capture for the CPU
        GameWindow.showStill(7, 2, profile.defaultGoal(), scale);
        XWindows.Window w = null;
        for (int i = 0; i < 200 && w == null; i++) {
            w = XWindows.find(SimWindowCommand.TITLE).orElse(null);
            Thread.sleep(50);
        }
        if (w == null) {
            throw new IllegalStateException("the game window did not appear");
        }
        ScreenRegion region = w.region();
        SkillLibrary library = profile.skills();
        System.out.printf(Locale.ROOT, "screen %dx%d (DISPLAY %s), game window %s (x%d), frames handed on at 640x360, %d cores%n",
                screen.width(), screen.height(), System.getenv("DISPLAY"), region, scale, Runtime.getRuntime().availableProcessors());
        for (String variant : List.of("x11grab", "x11grab+nearest", "robot", "robot+nearest")) {
            String source = variant.split("\\+")[0];
            boolean nearest = variant.endsWith("+nearest");
            List<Latency> all = new ArrayList<>();
            try (ScreenCapture capture = ScreenCapture.open(source, region, GameWindow.WIDTH, GameWindow.HEIGHT, 1000).nearest(nearest);
                 Modules modules = profile.modules(library)) {
                Target target = new Target() {
                    private final Actuator none = new KeyTrackingActuator() {
                        @Override
                        protected void press(int keyCode) {
                        }

                        @Override
                        protected void release(int keyCode) {
                        }

                        @Override
                        public void elapse(Duration d) {
                        }
                    };

                    @Override
                    public String name() {
                        return "bench";
                    }

                    @Override
                    public FrameSource frames() {
                        return capture;
                    }

                    @Override
                    public Actuator actuator() {
                        return none;
                    }
                };
                EpisodeRunner.Result r = EpisodeRunner.of(target, library, modules)
                        .memory(EpisodicMemory.inMemory()).goal(profile.defaultGoal()).maxSteps(frames + 30).run();
                all.addAll(r.loop().latencies());
            } catch (java.io.IOException e) {
                System.out.printf(Locale.ROOT, "%s: could not capture: %s%n", variant, e.getMessage());
                continue;
            }
            LatencyStats s = new LatencyStats(all.subList(Math.min(30, all.size()), all.size()));
            double c50 = s.percentile("capture", 50), c99 = s.percentile("capture", 99);
            double g50 = s.percentile("gather", 50), g99 = s.percentile("gather", 99);
            double st50 = s.percentile("step", 50), st99 = s.percentile("step", 99);
            String size = screen.width() + "x" + screen.height();
            System.out.printf(Locale.ROOT, "%-16s %-9s capture_ms p50=%6.2f p99=%6.2f  parse_ms p50=%5.2f p99=%5.2f  step_ms p50=%6.2f p99=%6.2f  (n=%d)%n",
                    variant, size, c50, c99, g50, g99, st50, st99, s.count());
            if (screen.height() == 1080) {
                if (source.equals("x11grab")) {
                    System.out.printf(Locale.ROOT, "  target x11grab capture p50 < 10 ms at 1080p (%s): %s (%.2f ms)%n", variant, c50 < 10 ? "MET" : "MISSED", c50);
                }
                System.out.printf(Locale.ROOT, "  target whole step p99 < 33 ms at 1080p (%s): %s (%.2f ms)%n", variant, st99 < 33 ? "MET" : "MISSED", st99);
            }
            Path png = Main.runDir().resolve("capture-" + variant.replace('+', '-') + "-" + size + ".png");
            Files.createDirectories(png.getParent());
            s.writeHistogram(png, "embody step latency, " + variant + " at " + size);
        }
        System.out.println("histograms under " + Main.runDir());
        return Main.OK;
    }
}
