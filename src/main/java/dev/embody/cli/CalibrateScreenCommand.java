package dev.embody.cli;

import dev.embody.file.BadFileException;
import dev.embody.loop.Frame;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.ScreenCapture;
import dev.embody.perception.ScreenRegion;
import dev.embody.perception.TemplateCapture;
import dev.embody.perception.TemplateFinder;
import dev.embody.perception.XWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.awt.MouseInfo;
import java.awt.Point;
import java.awt.Robot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Finds a program on the screen and writes calibration/desktop/NAME.yaml: the region (by window title through the
 * X server, by a given geometry, or by a template image of part of it), the capture latency measured with the chosen
 * source, and the pointer's gain. Nothing is written unless every step succeeded.
 */
@Command(name = "screen", mixinStandardHelpOptions = true,
        description = "Find a program's window on the X screen and write calibration/desktop/NAME.yaml.")
final class CalibrateScreenCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(CalibrateScreenCommand.class);
    private static final Pattern GEOMETRY = Pattern.compile("(\\d+)x(\\d+)\\+(\\d+)\\+(\\d+)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)x(\\d+)");

    @Spec
    CommandSpec spec;
    @Option(names = "--name", description = "Calibration name: writes calibration/desktop/NAME.yaml (default: the --from file's name).")
    String name;
    @Option(names = "--from", description = "Start from an existing calibration file (keeps its templates, skills, safety) and re-find its window.")
    Path from;
    @Option(names = "--title", description = "Find the window by its exact title through the X server.")
    String title;
    @Option(names = "--geometry", description = "The region as WxH+X+Y in screen pixels.")
    String geometry;
    @Option(names = "--template", description = "Find the region by an image of its top-left part (PNG); the region starts where it matches.")
    Path template;
    @Option(names = "--size", description = "Region size WxH when found by --template (default: the template's size).")
    String size;
    @Option(names = "--scene", description = "Resolution frames are handed on at, WxH (default: the region's size).")
    String scene;
    @Option(names = "--source", description = "x11grab or robot (default: x11grab, or the --from file's).")
    String source;
    @Option(names = "--skills", description = "Skills folder the program is driven with (default: skills/desktop).")
    Path skills;
    @Option(names = "--parser", defaultValue = "none", description = "none or sim-game (default: ${DEFAULT-VALUE}).")
    String parser;
    @Option(names = "--dir", defaultValue = "calibration/desktop", description = "Where calibration files go (default: ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--template-image", paramLabel = "NAME=IMAGE", description = "A UI template to list (repeatable): copied to DIR/templates/NAME.png; found on screen as template:NAME.")
    Map<String, Path> templateImages = new java.util.LinkedHashMap<>();
    @Option(names = "--goal", paramLabel = "WORDS", description = "A goal the program's modules can pursue, in words (repeatable; the first is the default goal).")
    List<String> goals = new ArrayList<>();
    @Option(names = "--launch", paramLabel = "COMMAND", description = "How to start the program (words split at spaces, quotes keep a word whole): "
            + "it is started now to be calibrated, and afresh for every episode; the window is found by --title.")
    String launch;
    @Option(names = "--launch-key", paramLabel = "KEY", description = "A key to press once the launched program's window is up, until it is ready (repeatable, e.g. RETURN).")
    List<String> launchKeys = new ArrayList<>();
    @Option(names = "--read", paramLabel = "X,Y,W,H", description = "With --from: show what OCR reads in this region of the program's scene now "
            + "(where a declared text, number or score region reads); writes nothing.")
    String readRegion;
    @Option(names = "--capture-template", paramLabel = "NAME=X,Y,W,H", description = "With --from: save this region of the program's scene as it is now "
            + "(its end screen, say) as templates/NAME.png beside the calibration, and show how to declare it as an ending.")
    String captureTemplate;
    @Option(names = "--frames", defaultValue = "60", description = "Frames grabbed to measure capture latency (default: ${DEFAULT-VALUE}).")
    int frames;

    @Override
    public Integer call() throws Exception {
        Options o = Options.of(spec);
        // the name becomes DIR/NAME.yaml: a path in it would write outside DIR
        o.plainName("--name", name);
        o.whole("--frames", frames, 1, 100_000);
        o.oneOf("--source", source, ScreenCalibration.SOURCES);
        o.oneOf("--parser", parser, ScreenCalibration.PARSERS);
        int ways = (title != null ? 1 : 0) + (geometry != null ? 1 : 0) + (template != null ? 1 : 0);
        if (ways > 1) {
            throw new ParameterException(spec.commandLine(), "give one of --title, --geometry or --template, not several");
        }
        if (ways == 0 && from == null) {
            throw new ParameterException(spec.commandLine(), "say where the program is: --title TITLE, --geometry WxH+X+Y, --template IMAGE, or --from FILE");
        }
        if (name == null && from == null) {
            throw new ParameterException(spec.commandLine(), "--name is needed (the file is calibration/desktop/NAME.yaml)");
        }
        for (String g : goals) {
            o.text("--goal", g);
        }
        List<String> launchCommand;
        try {
            launchCommand = launch == null ? null : words(launch);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (launch != null && launchCommand.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--launch needs a command, got '" + launch + "'");
        }
        if (launch != null && title == null) {
            throw new ParameterException(spec.commandLine(), "--launch needs --title: the launched program's window is found by its title");
        }
        if (!launchKeys.isEmpty() && launch == null) {
            throw new ParameterException(spec.commandLine(), "--launch-key needs --launch (the keys are pressed after launching the program)");
        }
        for (String k : launchKeys) {
            try {
                dev.embody.skill.Keys.code(k);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--launch-key: " + e.getMessage());
            }
        }
        if (System.getenv("DISPLAY") == null) {
            throw new IllegalStateException("no X display: set DISPLAY (e.g. Xvfb :41 & export DISPLAY=:41)");
        }
        for (var e : templateImages.entrySet()) {
            if (!e.getKey().matches("[a-z0-9_-]+")) {
                throw new ParameterException(spec.commandLine(), "--template-image name '" + e.getKey() + "' must be lower-case letters, digits, - or _");
            }
            if (!Files.isRegularFile(e.getValue())) {
                throw new ParameterException(spec.commandLine(), "--template-image " + e.getKey() + "=" + e.getValue() + ": no such file");
            }
            if (ImageIO.read(e.getValue().toFile()) == null) {
                throw new BadFileException(e.getValue(), 0, "not an image (expected a PNG of the button or icon); nothing written");
            }
        }
        ScreenCalibration base = from != null ? ScreenCalibration.load(from) : null;
        if (readRegion != null || captureTemplate != null) {
            return look(base);
        }
        String n = name != null ? name : base.name();
        Path out = dir.resolve(n + ".yaml");
        String t = title != null ? title : (ways == 0 && base != null ? base.title() : null);
        try (dev.embody.actuation.LaunchedProgram launched = launchCommand == null ? null : launchAndWait(launchCommand, t)) {
            return calibrate(base, n, out, t, launchCommand);
        }
    }

    /**
     * Looks at the calibrated program's scene as it is now: what OCR reads in a region, or a region saved as a template
     * (an end screen to declare). Writes no calibration.
     */
    private int look(ScreenCalibration cal) throws Exception {
        if (cal == null) {
            throw new ParameterException(spec.commandLine(), (readRegion != null ? "--read" : "--capture-template")
                    + " needs --from FILE: the calibration of the program to look at");
        }
        String templateName = null;
        String at = readRegion;
        if (captureTemplate != null) {
            int eq = captureTemplate.indexOf('=');
            templateName = eq < 0 ? "" : captureTemplate.substring(0, eq);
            if (!templateName.matches("[a-z0-9_-]+")) {
                throw new ParameterException(spec.commandLine(), "--capture-template: expected NAME=X,Y,W,H with a name of lower-case letters, digits, - or _, got '"
                        + captureTemplate + "'");
            }
            at = captureTemplate.substring(eq + 1);
        }
        String option = readRegion != null ? "--read" : "--capture-template";
        ScreenRegion where = sceneRegion(option, at, cal);
        ScreenRegion screenRegion;
        if (cal.title() != null) {
            XWindows.Window w = XWindows.find(cal.title()).orElseThrow(() -> new IllegalStateException(
                    "no visible window titled '" + cal.title() + "' on display " + System.getenv("DISPLAY") + ": start the program first"));
            int ox = cal.offset()[0], oy = cal.offset()[1];
            screenRegion = new ScreenRegion(w.region().x() + ox, w.region().y() + oy,
                    cal.region() != null ? cal.region().width() : w.region().width() - ox, cal.region() != null ? cal.region().height() : w.region().height() - oy);
        } else {
            screenRegion = cal.region();
        }
        dev.embody.loop.Frame scene;
        try (dev.embody.perception.ScreenCapture c = dev.embody.perception.ScreenCapture.open(cal.source(), screenRegion, cal.sceneWidth(), cal.sceneHeight(),
                cal.framerate())) {
            scene = c.next().frame();
        }
        String xywh = where.x() + "," + where.y() + "," + where.width() + "," + where.height();
        if (readRegion != null) {
            String read;
            try (dev.embody.perception.TextReader reader = new dev.embody.perception.TextReader()) {
                read = reader.text(scene, where);
            }
            System.out.printf(Locale.ROOT, "read %s: %s number=%s%n", xywh, read.isEmpty() ? "nothing legible" : "'" + read + "'",
                    dev.embody.perception.TextReader.number(read).map(v -> v == Math.rint(v) ? Long.toString(v.longValue()) : v.toString()).orElse("-"));
            System.out.printf(Locale.ROOT, "declare it: {kind: text, text: WORDS, region: {x: %d, \"y\": %d, width: %d, height: %d}, outcome: failure}%n",
                    where.x(), where.y(), where.width(), where.height());
        }
        if (templateName != null) {
            Path png = cal.file().toAbsolutePath().getParent().resolve("templates").resolve(templateName + ".png");
            if (Files.exists(png)) {
                throw new ParameterException(spec.commandLine(), "--capture-template: " + png + " already exists (a template in use is not overwritten): choose another name");
            }
            java.awt.image.BufferedImage img = scene.toImage().getSubimage(where.x(), where.y(), where.width(), where.height());
            Files.createDirectories(png.getParent());
            ImageIO.write(img, "png", png.toFile());
            System.out.printf(Locale.ROOT, "template '%s' saved: %s (%dx%d at %s of the scene)%n", templateName, png, where.width(), where.height(), xywh);
            System.out.printf(Locale.ROOT, "declare it in %s:%n  templates: {%s: templates/%s.png}%n  ending:%n  - {kind: template, template: %s, outcome: failure}%n",
                    cal.file(), templateName, templateName, templateName);
        }
        return Main.OK;
    }

    /** X,Y,W,H inside the calibration's scene, or a usage error saying what is expected. */
    private ScreenRegion sceneRegion(String option, String text, ScreenCalibration cal) {
        String[] p = text.split(",");
        int[] v = new int[4];
        try {
            if (p.length != 4) {
                throw new NumberFormatException();
            }
            for (int i = 0; i < 4; i++) {
                v[i] = Integer.parseInt(p[i].strip());
            }
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + ": expected X,Y,W,H in the scene's pixels (such as 2,376,400,17), got '" + text + "'");
        }
        if (v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] <= 0 || v[0] + v[2] > cal.sceneWidth() || v[1] + v[3] > cal.sceneHeight()) {
            throw new ParameterException(spec.commandLine(), option + ": expected a region inside the scene (" + cal.sceneWidth() + "x" + cal.sceneHeight()
                    + " in " + cal.file() + "), got " + text);
        }
        return new ScreenRegion(v[0], v[1], v[2], v[3]);
    }

    /** Starts the program and waits (up to 30 s) for its window, so it can be calibrated; it ends when calibration does. */
    private static dev.embody.actuation.LaunchedProgram launchAndWait(List<String> command, String title) throws Exception {
        java.util.Set<Long> before = java.util.Set.copyOf(XWindows.byTitle(title));
        dev.embody.actuation.LaunchedProgram p = dev.embody.actuation.LaunchedProgram.start(command);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (XWindows.byTitle(title).stream().allMatch(before::contains)
                || XWindows.find(title).isEmpty()) {
            if (!p.alive() || System.nanoTime() > deadline) {
                p.close();
                throw new IllegalStateException("launched '" + String.join(" ", command) + "' but no window titled '" + title + "' appeared"
                        + (p.alive() ? " within 30 s" : ": " + p.describe()) + "; nothing written");
            }
            Thread.sleep(50);
        }
        Thread.sleep(300);  // let it draw its first picture before it is measured
        return p;
    }

    private int calibrate(ScreenCalibration base, String n, Path out, String t, List<String> launchCommand) throws Exception {
        int ways = (title != null ? 1 : 0) + (geometry != null ? 1 : 0) + (template != null ? 1 : 0);
        ScreenRegion region;
        if (t != null) {
            XWindows.Window w = XWindows.find(t).orElseThrow(() -> new IllegalStateException(
                    "no visible window titled '" + t + "' on display " + System.getenv("DISPLAY") + "; nothing written"));
            int ox = base != null ? base.offset()[0] : 0, oy = base != null ? base.offset()[1] : 0;
            int rw = base != null && base.region() != null ? base.region().width() : w.region().width() - ox;
            int rh = base != null && base.region() != null ? base.region().height() : w.region().height() - oy;
            region = new ScreenRegion(w.region().x() + ox, w.region().y() + oy, rw, rh);
            System.out.printf("window '%s' (X id %d) at %s%n", t, w.id(), w.region());
        } else if (geometry != null) {
            region = geometry(geometry, "--geometry");
        } else if (template != null) {
            region = byTemplate();
        } else {
            region = base.region();
        }
        ScreenRegion screen = XWindows.root();
        if (region.x() < 0 || region.y() < 0 || region.x() + region.width() > screen.width() || region.y() + region.height() > screen.height()) {
            throw new IllegalStateException("region " + region + " is not inside the " + screen.width() + "x" + screen.height() + " screen; nothing written");
        }
        int[] sceneSize = scene != null ? size(scene, "--scene") : base != null ? new int[]{base.sceneWidth(), base.sceneHeight()}
                : new int[]{region.width(), region.height()};
        String src = source != null ? source : base != null ? base.source() : "x11grab";
        double[] latency;
        try {
            latency = measure(src, region, sceneSize);
        } catch (IOException e) {
            if (!src.equals("x11grab")) {
                throw e;
            }
            System.out.println("x11grab could not read the screen (" + e.getMessage() + "); falling back to the robot source");
            src = "robot";
            latency = measure(src, region, sceneSize);
        }
        double gain = mouseGain(region);
        ScreenCalibration cal = base != null
                ? base.withRegion(region).withSource(src)
                : new ScreenCalibration(out, n, t, t != null ? "xdotool" : "none", new int[]{0, 0}, region, sceneSize[0], sceneSize[1], src, "area", 240,
                1.0, 0, Map.of(), 0.9, List.of(1.0, 0.75, 1.25, 0.5, 1.5), null, null, skills != null ? skills : Path.of("skills", "desktop"),
                parser, 3.0, 250, List.of(List.of("ALT", "F4"), List.of("CONTROL", "ALT", "DELETE"), List.of("CONTROL", "ALT", "BACK_SPACE")),
                Map.of(), List.of(), null, dev.embody.perception.ProgramTraits.none());
        if (base != null && base.title() == null && t != null) {
            log.info("the calibration now finds its window by title '{}'", t);
        }
        cal = cal.withMeasured(latency[0], gain);
        if (base != null && !out.toAbsolutePath().getParent().equals(base.file().toAbsolutePath().getParent()) && !cal.templates().isEmpty()) {
            // templates are stored relative to the file: copy them beside the new one
            Map<String, Path> copied = new java.util.LinkedHashMap<>();
            for (var e : cal.templates().entrySet()) {
                Path rel = base.file().toAbsolutePath().getParent().relativize(e.getValue().toAbsolutePath());
                Path dst = out.toAbsolutePath().getParent().resolve(rel);
                Files.createDirectories(dst.getParent());
                Files.copy(e.getValue(), dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                copied.put(e.getKey(), dst);
            }
            cal = cal.withTemplates(copied, cal.captures());
        }
        Map<String, TemplateCapture> captures = new java.util.LinkedHashMap<>(cal.captures());
        if (!templateImages.isEmpty() || !captures.isEmpty()) {
            // how well each template matches this screen now: recorded for a new one, compared for one captured before
            Frame whole = wholeScreen();
            for (var e : templateImages.entrySet()) {
                double score = bestScore(e.getValue(), whole, cal.scales());
                TemplateCapture c = new TemplateCapture(java.time.Instant.ofEpochMilli(Files.getLastModifiedTime(e.getValue()).toMillis())
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), host(), System.getenv("DISPLAY"), score);
                captures.put(e.getKey(), c);
                System.out.printf(Locale.ROOT, "template %s: best match on this screen %.3f%n", e.getKey(), score);
                if (!c.seenAtCapture(cal.threshold())) {
                    System.out.printf(Locale.ROOT, "warning: template %s matches this screen at most %.3f (threshold %.2f): if the program shows it now, "
                            + "it was captured elsewhere or the program has changed; capture it from this screen%n", e.getKey(), score, cal.threshold());
                }
            }
            for (var e : cal.captures().entrySet()) {
                if (templateImages.containsKey(e.getKey()) || !e.getValue().seenAtCapture(cal.threshold())) {
                    continue;
                }
                double now = bestScore(cal.template(e.getKey()), whole, cal.scales());
                if (e.getValue().weaker(now)) {
                    System.out.printf(Locale.ROOT, "warning: template %s matches this screen at most %.3f, against %s: if the program shows it now, "
                            + "capture it again here (--template-image %s=IMAGE)%n", e.getKey(), now, e.getValue().describe(), e.getKey());
                }
            }
        }
        if (!templateImages.isEmpty()) {
            Map<String, Path> all = new java.util.LinkedHashMap<>(cal.templates());
            Path tdir = out.toAbsolutePath().getParent().resolve("templates");
            Files.createDirectories(tdir);
            for (var e : templateImages.entrySet()) {
                Path dst = tdir.resolve(e.getKey() + ".png");
                if (!dst.toAbsolutePath().equals(e.getValue().toAbsolutePath())) {
                    Files.copy(e.getValue(), dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                all.put(e.getKey(), dst);
            }
            cal = cal.withTemplates(all, captures);
        }
        if (!goals.isEmpty() || launchCommand != null) {
            cal = cal.withProgram(goals.isEmpty() ? cal.goals() : goals,
                    launchCommand != null ? new ScreenCalibration.Launch(launchCommand, launchKeys) : cal.launch());
        }
        cal.save(out);
        System.out.printf(Locale.ROOT, "region %s, frames %dx%d by %s: capture p50 %.2f ms p99 %.2f ms, mouse gain %.3f%n",
                region, sceneSize[0], sceneSize[1], src, latency[0], latency[1], gain);
        System.out.println("wrote " + out);
        return Main.OK;
    }

    /** A command line's words: split at spaces, a quoted part ("DejaVu Sans Mono") kept whole, quotes dropped. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || w.length() > 0) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("--launch: a quote is not closed in '" + line + "'");
        }
        if (any || w.length() > 0) {
            out.add(w.toString());
        }
        return out;
    }

    private ScreenRegion byTemplate() throws Exception {
        if (!Files.isRegularFile(template)) {
            throw new ParameterException(spec.commandLine(), "--template " + template + ": no such file");
        }
        java.awt.image.BufferedImage img;
        try {
            img = ImageIO.read(template.toFile());
        } catch (IOException e) {
            img = null;
        }
        if (img == null) {
            throw new BadFileException(template, 0, "not an image (expected a PNG of part of the program's window); nothing written");
        }
        ScreenRegion screen = XWindows.root();
        Frame whole;
        try (ScreenCapture cap = ScreenCapture.open("robot", screen, screen.width(), screen.height(), 30)) {
            whole = cap.next().frame();
        }
        try (TemplateFinder finder = new TemplateFinder(Map.of("window", template), List.of(1.0), 0.9)) {
            var m = finder.best("window", whole, List.of(1.0)).filter(b -> b.score() >= finder.threshold())
                    .orElseThrow(() -> new IllegalStateException("template " + template + " is not on the screen (best match below "
                            + finder.threshold() + "); nothing written"));
            int[] wh = size != null ? size(size, "--size") : new int[]{m.width(), m.height()};
            System.out.printf(Locale.ROOT, "template %s found at (%d, %d), score %.3f%n", template, m.x(), m.y(), m.score());
            return new ScreenRegion(m.x(), m.y(), wh[0], wh[1]);
        }
    }

    private static Frame wholeScreen() throws IOException {
        ScreenRegion screen = XWindows.root();
        try (ScreenCapture cap = ScreenCapture.open("robot", screen, screen.width(), screen.height(), 30)) {
            return cap.next().frame();
        }
    }

    private static double bestScore(Path image, Frame frame, List<Double> scales) {
        try (TemplateFinder finder = new TemplateFinder(Map.of("t", image), scales, 0)) {
            return finder.best("t", frame, scales).map(TemplateFinder.Match::score).orElse(0.0);
        }
    }

    /** This machine's name, as a capture record keeps it. */
    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "unknown host";
            }
        }
        return h;
    }

    /** Capture latency p50 and p99 in ms over {@code frames} grabs of the region. */
    private double[] measure(String src, ScreenRegion region, int[] sceneSize) throws IOException {
        try (ScreenCapture cap = ScreenCapture.open(src, region, sceneSize[0], sceneSize[1], 240)) {
            for (int i = 0; i < 5; i++) {
                cap.next();
            }
            double[] ms = new double[Math.max(1, frames)];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                cap.next();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return new double[]{ms[ms.length / 2], ms[Math.min(ms.length - 1, (int) Math.ceil(ms.length * 0.99) - 1)]};
        }
    }

    /**
     * Screen pixels the pointer moves per unit of a relative move, measured by moving it and reading it back. On X the
     * pointer follows XTest exactly (1.0); a game that reads raw motion and turns a camera needs its own figure, which
     * can be written into the file's mouse.gain.
     */
    private static double mouseGain(ScreenRegion region) {
        try {
            Robot robot = new Robot();
            int x0 = region.x() + region.width() / 4, y0 = region.y() + region.height() / 2, d = Math.max(1, region.width() / 4);
            robot.mouseMove(x0, y0);
            robot.waitForIdle();
            Point a = MouseInfo.getPointerInfo().getLocation();
            robot.mouseMove(x0 + d, y0);
            robot.waitForIdle();
            Point b = MouseInfo.getPointerInfo().getLocation();
            double moved = b.x - a.x;
            return moved > 0 ? moved / d : 1.0;
        } catch (Exception e) {
            log.warn("could not measure the mouse gain ({}); using 1.0", e.toString());
            return 1.0;
        }
    }

    private ScreenRegion geometry(String text, String option) {
        Matcher m = GEOMETRY.matcher(text.strip());
        if (!m.matches()) {
            throw new ParameterException(spec.commandLine(), option + " must be WxH+X+Y (e.g. 640x360+0+0), got '" + text + "'");
        }
        int w = Integer.parseInt(m.group(1)), h = Integer.parseInt(m.group(2));
        if (w <= 0 || h <= 0) {
            throw new ParameterException(spec.commandLine(), option + " needs a positive width and height, got '" + text + "'");
        }
        return new ScreenRegion(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), w, h);
    }

    private int[] size(String text, String option) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches() || Integer.parseInt(m.group(1)) <= 0 || Integer.parseInt(m.group(2)) <= 0) {
            throw new ParameterException(spec.commandLine(), option + " must be WxH with positive sides (e.g. 640x360), got '" + text + "'");
        }
        return new int[]{Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
}
