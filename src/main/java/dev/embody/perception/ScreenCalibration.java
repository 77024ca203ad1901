package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.embody.file.BadFileException;
import dev.embody.file.YamlDocument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a desktop program is on the screen and how to see and touch it: {@code calibration/desktop/<name>.yaml}.
 *
 * @param name          the calibration's name (the file's)
 * @param title         the window's exact title; when set the region is looked up through the X server at start
 * @param focus         how the window gets the keyboard at start: "click" (its centre, as a person would), "xdotool" (XSetInputFocus), "none"
 * @param offset        where the picture starts inside the titled window (x, y), for windows with their own frame
 * @param region        the screen rectangle last found (used as is when there is no title)
 * @param sceneWidth    the width frames are handed on at (the program's own resolution; the scene's units)
 * @param sceneHeight   the height frames are handed on at
 * @param source        "x11grab" (FFmpeg through JavaCV) or "robot" (java.awt.Robot)
 * @param resize        how a larger region is shrunk to the scene: "area" (averages) or "nearest" (picks pixels; fast)
 * @param framerate     x11grab's pacing; set above the loop's rate so a grab never waits
 * @param mouseGain     screen pixels the pointer moves per scene unit of a relative move
 * @param captureMillis capture latency measured at calibration, p50
 * @param templates     UI templates by name -> image file, relative to the calibration file's folder
 * @param threshold     normalised correlation a template match needs (0..1)
 * @param scales        template scales tried
 * @param endSuccess    a template whose appearance means the program says "won" (ends the episode); may be null
 * @param endFailure    a template whose appearance means "lost"; may be null
 * @param skills        the skills folder this program is driven with
 * @param parser        the embedded game's own scene parser ("sim-game", embody's own program), or "none": a third-party program is declared, not parsed
 * @param watchdogSeconds keys are released if no step starts for this long
 * @param checkMillis   how often the window's place is checked
 * @param denied        key chords refused, e.g. ALT+F4
 * @param captures      when, where and how well each listed template matched when it was captured ({@code template_captures})
 * @param goals         goals the program's modules can pursue, in words (beside "follow the operator"); the first is the default
 * @param launch        how to start the program afresh for every episode (and stop it after), or null: it is already running
 * @param traits        what else is declared about the program: the policy's input and choice, stick, words, ready screen, endings, score
 */
public record ScreenCalibration(Path file, String name, String title, String focus, int[] offset, ScreenRegion region, int sceneWidth,
                                int sceneHeight, String source, String resize, int framerate, double mouseGain, double captureMillis,
                                Map<String, Path> templates, double threshold, List<Double> scales, String endSuccess,
                                String endFailure, Path skills, String parser, double watchdogSeconds, long checkMillis,
                                List<List<String>> denied, Map<String, TemplateCapture> captures, List<String> goals, Launch launch,
                                ProgramTraits traits) {

    /** A calibration whose templates carry no capture records, with no goals of its own and no launch. */
    public ScreenCalibration(Path file, String name, String title, String focus, int[] offset, ScreenRegion region, int sceneWidth,
                             int sceneHeight, String source, String resize, int framerate, double mouseGain, double captureMillis,
                             Map<String, Path> templates, double threshold, List<Double> scales, String endSuccess,
                             String endFailure, Path skills, String parser, double watchdogSeconds, long checkMillis,
                             List<List<String>> denied) {
        this(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, mouseGain, captureMillis, templates,
                threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, Map.of(), List.of(), null, ProgramTraits.none());
    }

    /**
     * Starting the program for an episode: the command (no shell: its words as given), and the keys to press once its
     * window is up, until the screen says it is ready (a game's title screen wants RETURN).
     */
    public record Launch(List<String> command, List<String> keys) {
        public Launch {
            command = List.copyOf(command);
            keys = List.copyOf(keys);
        }
    }

    public static final List<String> SOURCES = List.of("x11grab", "robot");
    public static final List<String> FOCUS = List.of("click", "xdotool", "none");
    public static final List<String> PARSERS = List.of("none", "sim-game");
    public static final List<String> RESIZE = List.of("area", "nearest");

    public ScreenCalibration withRegion(ScreenRegion r) {
        return new ScreenCalibration(file, name, title, focus, offset, r, sceneWidth, sceneHeight, source, resize, framerate, mouseGain,
                captureMillis, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures, goals, launch, traits);
    }

    public ScreenCalibration withSource(String s) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, s, resize, framerate, mouseGain,
                captureMillis, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures, goals, launch, traits);
    }

    public ScreenCalibration withMeasured(double captureMs, double gain) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, gain,
                captureMs, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures, goals, launch, traits);
    }

    /** The same calibration with these templates and their capture records. */
    public ScreenCalibration withTemplates(Map<String, Path> t, Map<String, TemplateCapture> c) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, mouseGain,
                captureMillis, Map.copyOf(t), threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, Map.copyOf(c), goals, launch, traits);
    }

    /** The same calibration with these goals and launch (what {@code calibrate screen --goal/--launch} sets). */
    public ScreenCalibration withProgram(List<String> g, Launch l) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, mouseGain,
                captureMillis, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures, List.copyOf(g), l, traits);
    }

    /** Where a template's image is. */
    public Path template(String templateName) {
        return templates.get(templateName);
    }

    static final List<String> FIELDS = List.of("name", "window", "region", "scene", "source", "resize", "framerate", "mouse",
            "capture_latency_ms", "templates", "template_threshold", "template_scales", "template_captures", "episode_end", "skills", "parser", "safety",
            "goals", "launch", "policy", "stick", "words", "ready", "ending", "score");
    /** Larger than any X screen a program runs on; a bigger number is a typo, not a screen. */
    static final int MAX_PIXELS = 16384;
    /** A calibration's name is its file's: a plain file name, never a path. */
    public static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
    private static final String CHORD = "[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*";

    /** Reads and checks every field (type, range, known keys); what depends on the screen is {@link #checkOnScreen}. */
    public static ScreenCalibration load(Path file) throws BadFileException {
        YamlDocument doc = YamlDocument.read(file);
        CalibrationFields f = new CalibrationFields(doc);
        f.onlyKeys("", doc.root(), FIELDS);
        Path dir = file.toAbsolutePath().getParent();
        String plainName = "a plain name (letters, digits, '.', '_' and '-', not starting with '.')";
        String name = f.text("/name", plainName, fileName(file));
        if (!PLAIN_NAME.matcher(name).matches()) {
            throw f.expected("/name", plainName, f.node("/name"));
        }
        JsonNode w = f.mapping("/window", "{title: My Program, focus: click}", List.of("title", "focus", "offset"));
        String title = null;
        String focus = "none";
        int[] offset = {0, 0};
        if (w != null) {
            title = f.text("/window/title", "the window's exact title", null);
            if (title != null && title.isEmpty()) {
                throw f.expected("/window/title", "the window's exact title", f.node("/window/title"));
            }
            focus = f.choice("/window/focus", FOCUS, "xdotool");
            if (f.mapping("/window/offset", "{x: 0, y: 0}", List.of("x", "y")) != null) {
                offset = new int[]{f.integer("/window/offset/x", 0, MAX_PIXELS - 1, "pixels", 0),
                        f.integer("/window/offset/y", 0, MAX_PIXELS - 1, "pixels", 0)};
            }
        }
        ScreenRegion region = null;
        if (f.mapping("/region", "{x: 0, y: 0, width: 640, height: 360}", List.of("x", "y", "width", "height")) != null) {
            region = new ScreenRegion(f.integer("/region/x", 0, MAX_PIXELS - 1, "screen pixels", null),
                    f.integer("/region/y", 0, MAX_PIXELS - 1, "screen pixels", null),
                    f.integer("/region/width", 1, MAX_PIXELS, "screen pixels", null),
                    f.integer("/region/height", 1, MAX_PIXELS, "screen pixels", null));
        }
        if (region == null && title == null) {
            throw doc.error("/", "needs 'window: {title: ...}' or 'region: {x, y, width, height}' to know where the program is");
        }
        int sw, sh;
        if (f.mapping("/scene", "{width: 640, height: 360}", List.of("width", "height")) != null) {
            sw = f.integer("/scene/width", 1, MAX_PIXELS, "the program's own pixels", region == null ? null : region.width());
            sh = f.integer("/scene/height", 1, MAX_PIXELS, "the program's own pixels", region == null ? null : region.height());
        } else if (region != null) {
            sw = region.width();
            sh = region.height();
        } else {
            throw f.expected("/scene", "a mapping such as {width: 640, height: 360} (the program's own resolution; there is no region to take it from)", null);
        }
        String source = f.choice("/source", SOURCES, "x11grab");
        String resize = f.choice("/resize", RESIZE, "area");
        int framerate = f.integer("/framerate", 1, 1000, null, 240);
        double gain = 1.0;
        if (f.mapping("/mouse", "{gain: 1.0}", List.of("gain")) != null) {
            gain = f.number("/mouse/gain", 0, true, 100, null, 1.0);
        }
        double captureMs = f.number("/capture_latency_ms", 0, false, 10_000, "milliseconds", 0);
        Map<String, Path> templates = new LinkedHashMap<>();
        JsonNode t = f.node("/templates");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw f.expected("/templates", "a mapping of name to image file such as {save: templates/save.png}", t);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                var e = it.next();
                String ptr = "/templates/" + e.getKey();
                String image = f.text(ptr, "an image file", null);
                if (image == null) {
                    throw f.expected(ptr, "an image file", e.getValue());
                }
                Path img = dir.resolve(image);
                if (!Files.isRegularFile(img)) {
                    throw doc.error(ptr, "field '" + CalibrationFields.name(ptr) + "': expected an image file, got '" + image + "' (no such file: " + img + ")");
                }
                String notImage = TemplateFinder.unreadable(img);
                if (notImage != null) {
                    throw doc.error(ptr, "field '" + CalibrationFields.name(ptr) + "': expected an image file, got '" + image + "' (" + notImage + ")");
                }
                templates.put(e.getKey(), img);
            }
        }
        double threshold = f.number("/template_threshold", 0, true, 1, null, 0.9);
        List<Double> scales = new ArrayList<>();
        JsonNode sc = f.list("/template_scales", "a list of scales such as [1.0, 0.5]");
        if (sc == null) {
            scales.addAll(List.of(1.0, 0.75, 1.25, 0.5, 1.5));
        } else {
            for (int i = 0; i < sc.size(); i++) {
                scales.add(f.number("/template_scales/" + i, sc.get(i), 0, true, 10, null));
            }
        }
        Map<String, TemplateCapture> captures = new LinkedHashMap<>();
        JsonNode caps = f.mapping("/template_captures", "{button: {captured: 2026-12-01T10:00:00Z, host: h, display: ':1', score: 0.99}}", templates.keySet().stream().sorted().toList());
        if (caps != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = caps.fields(); it.hasNext(); ) {
                String key = it.next().getKey();
                String ptr = "/template_captures/" + key;
                if (!templates.containsKey(key)) {
                    throw f.error(ptr, "field 'template_captures." + key + "': names a template that 'templates' does not list ("
                            + (templates.isEmpty() ? "none listed" : String.join(", ", templates.keySet())) + ")");
                }
                f.mapping(ptr, "{captured: 2026-12-01T10:00:00Z, host: h, display: ':1', score: 0.99}", List.of("captured", "host", "display", "score"));
                String captured = f.text(ptr + "/captured", "the time the template was captured", null);
                if (captured == null) {
                    throw f.error(ptr, "field 'template_captures." + key + "': expected captured (a time), host, display and score (0..1)");
                }
                captures.put(key, new TemplateCapture(captured, f.text(ptr + "/host", "a host name", "?"), f.text(ptr + "/display", "a display name", "?"),
                        f.number(ptr + "/score", -1, false, 1, null, 0)));
            }
        }
        String endSuccess = null, endFailure = null;
        if (f.mapping("/episode_end", "{success: level-won, failure: level-lost}", List.of("success", "failure")) != null) {
            List<String> names = List.copyOf(templates.keySet());
            String what = "one of the templates (" + (names.isEmpty() ? "none listed" : String.join(", ", names)) + ")";
            endSuccess = f.text("/episode_end/success", what, null);
            endFailure = f.text("/episode_end/failure", what, null);
            if (endSuccess != null && !templates.containsKey(endSuccess)) {
                throw f.expected("/episode_end/success", what, f.node("/episode_end/success"));
            }
            if (endFailure != null && !templates.containsKey(endFailure)) {
                throw f.expected("/episode_end/failure", what, f.node("/episode_end/failure"));
            }
        }
        Path skills = Path.of(f.text("/skills", "a skills folder", Path.of("skills", "desktop").toString()));
        String parser = f.choice("/parser", PARSERS, "none");
        double watchdog = 3.0;
        long check = 250;
        List<List<String>> denied = new ArrayList<>();
        boolean denyGiven = false;
        if (f.mapping("/safety", "{watchdog_s: 3.0, check_ms: 250, deny: [ALT+F4]}", List.of("watchdog_s", "check_ms", "deny")) != null) {
            // a watchdog shorter than a step would release held keys at every step; longer than minutes would not guard
            watchdog = f.number("/safety/watchdog_s", 0.5, false, 600, "seconds", 3.0);
            check = f.integer("/safety/check_ms", 10, 60_000, "milliseconds", 250);
            JsonNode deny = f.node("/safety/deny");
            if (deny != null && !deny.isNull()) {
                denyGiven = true;
                if (!deny.isArray()) {
                    throw f.expected("/safety/deny", "a list of key chords such as [ALT+F4]", deny);
                }
                for (int i = 0; i < deny.size(); i++) {
                    JsonNode d = deny.get(i);
                    if (!d.isTextual() || !d.asText().matches(CHORD)) {
                        throw f.expected("/safety/deny/" + i, "a key chord such as ALT+F4", d);
                    }
                    List<String> chord = new ArrayList<>();
                    for (String k : d.asText().split("\\+")) {
                        String key = dev.embody.skill.Keys.canonical(k);
                        // a typo would leave the chord it meant allowed
                        if (!dev.embody.skill.SkillLoader.isKey(key)) {
                            throw f.error("/safety/deny/" + i, "field '" + CalibrationFields.name("/safety/deny/" + i) + "': unknown key '" + k + "' in '"
                                    + d.asText() + "' (expected java.awt.event.KeyEvent names without VK_, such as ALT, F4, CONTROL, DELETE)");
                        }
                        chord.add(key);
                    }
                    denied.add(List.copyOf(chord));
                }
            }
        }
        if (!denyGiven) {
            denied.addAll(List.of(List.of("ALT", "F4"), List.of("CONTROL", "ALT", "DELETE"), List.of("CONTROL", "ALT", "BACK_SPACE")));
        }
        List<String> goals = new ArrayList<>();
        JsonNode gl = f.list("/goals", "a list of goals in words such as [drive on without crashing]");
        if (gl != null) {
            for (int i = 0; i < gl.size(); i++) {
                JsonNode g = gl.get(i);
                if (!g.isTextual() || g.asText().isBlank()) {
                    throw f.expected("/goals/" + i, "a goal in words", g);
                }
                goals.add(g.asText().strip());
            }
        }
        Launch launch = null;
        if (f.mapping("/launch", "{command: [xterm, -e, my-program], keys: [RETURN]}", List.of("command", "keys")) != null) {
            JsonNode cmd = f.list("/launch/command", "the program and its arguments as a list such as [xterm, -e, my-program]");
            if (cmd == null) {
                throw f.expected("/launch/command", "the program and its arguments as a list such as [xterm, -e, my-program]", null);
            }
            List<String> words = new ArrayList<>();
            for (int i = 0; i < cmd.size(); i++) {
                JsonNode word = cmd.get(i);
                if (!word.isValueNode() || word.isNull() || word.asText().isEmpty()) {
                    throw f.expected("/launch/command/" + i, "a word of the command", word);
                }
                words.add(word.asText());
            }
            List<String> keys = new ArrayList<>();
            // [] is no keys, as a calibration written without --launch-key says
            JsonNode ks = f.node("/launch/keys") != null && f.node("/launch/keys").isArray() && f.node("/launch/keys").isEmpty() ? null
                    : f.list("/launch/keys", "a list of keys such as [RETURN]");
            if (ks != null) {
                for (int i = 0; i < ks.size(); i++) {
                    JsonNode k = ks.get(i);
                    if (!k.isTextual() || !knownKey(k.asText())) {
                        throw f.expected("/launch/keys/" + i, "a key name such as RETURN, SPACE or Y", k);
                    }
                    keys.add(k.asText());
                }
            }
            launch = new Launch(words, keys);
        }
        ProgramTraits traits = ProgramTraits.read(f, templates.keySet(), sw, sh);
        return new ScreenCalibration(file, name, title, focus, offset, region, sw, sh, source, resize, framerate, gain, captureMs,
                Map.copyOf(templates), threshold, List.copyOf(scales), endSuccess, endFailure, skills, parser, watchdog, check, List.copyOf(denied),
                Map.copyOf(captures), List.copyOf(goals), launch, traits);
    }

    /**
     * The region read from this file must lie on the screen: a region off it would be read as black (or refused by the
     * capture with a less clear reason), one larger than it cannot be read at all. The file is what is wrong.
     *
     * @param region  the region as the episode would read it
     * @param screen  the X screen's size
     * @param display the display's name, for the message
     */
    public void checkOnScreen(ScreenRegion region, ScreenRegion screen, String display) throws BadFileException {
        String problem = offScreen(region, screen);
        if (problem != null) {
            throw fieldError(this.region != null ? "/region" : "/window/offset", "field '" + (this.region != null ? "region" : "window.offset")
                    + "': expected a rectangle on the screen (" + screen.width() + "x" + screen.height() + " on display " + display + "), got "
                    + region + ", " + problem);
        }
    }

    /** A field of this file found wrong after loading (against the screen or the window): its line, read again. */
    public BadFileException fieldError(String pointer, String reason) {
        int line = 0;
        try {
            line = YamlDocument.read(file).lineOf(pointer);
        } catch (BadFileException e) {
            // the file changed since it was loaded: its name is still the best pointer
        }
        return new BadFileException(file, line, reason);
    }

    /** Why a region is not on the screen (larger than it, or reaching past its edge), or null when it is. */
    public static String offScreen(ScreenRegion region, ScreenRegion screen) {
        if (region.width() > screen.width() || region.height() > screen.height()) {
            return "which is larger than the screen";
        }
        if (region.x() < 0 || region.y() < 0 || region.x() + region.width() > screen.width() || region.y() + region.height() > screen.height()) {
            return "which reaches x=" + (region.x() + region.width()) + ", y=" + (region.y() + region.height());
        }
        return null;
    }

    /** Writes the file whole or not at all (a temporary file moved into place). */
    public void save(Path to) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (title != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("title", title);
            w.put("focus", focus);
            if (offset[0] != 0 || offset[1] != 0) {
                w.put("offset", Map.of("x", offset[0], "y", offset[1]));
            }
            m.put("window", w);
        }
        Map<String, Object> reg = new LinkedHashMap<>();
        reg.put("x", region.x());
        reg.put("y", region.y());
        reg.put("width", region.width());
        reg.put("height", region.height());
        m.put("region", reg);
        m.put("scene", Map.of("width", sceneWidth, "height", sceneHeight));
        m.put("source", source);
        m.put("resize", resize);
        m.put("framerate", framerate);
        m.put("mouse", Map.of("gain", Math.round(mouseGain * 1000) / 1000.0));
        m.put("capture_latency_ms", Math.round(captureMillis * 100) / 100.0);
        Path dir = to.toAbsolutePath().getParent();
        if (!templates.isEmpty()) {
            Map<String, Object> t = new LinkedHashMap<>();
            templates.forEach((k, v) -> t.put(k, dir.relativize(v.toAbsolutePath()).toString()));
            m.put("templates", t);
            m.put("template_threshold", threshold);
            if (!captures.isEmpty()) {
                Map<String, Object> c = new LinkedHashMap<>();
                captures.forEach((k, v) -> {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("captured", v.capturedAt());
                    one.put("host", v.host());
                    one.put("display", v.display());
                    one.put("score", Math.round(v.score() * 1000) / 1000.0);
                    c.put(k, one);
                });
                m.put("template_captures", c);
            }
        }
        if (endSuccess != null || endFailure != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            if (endSuccess != null) {
                e.put("success", endSuccess);
            }
            if (endFailure != null) {
                e.put("failure", endFailure);
            }
            m.put("episode_end", e);
        }
        m.put("skills", skills.toString());
        m.put("parser", parser);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("watchdog_s", watchdogSeconds);
        s.put("check_ms", checkMillis);
        s.put("deny", denied.stream().map(d -> String.join("+", d)).toList());
        m.put("safety", s);
        if (!goals.isEmpty()) {
            m.put("goals", goals);
        }
        if (launch != null) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("command", launch.command());
            if (!launch.keys().isEmpty()) {
                l.put("keys", launch.keys());
            }
            m.put("launch", l);
        }
        m.putAll(traits.toYaml());
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + fileName(to), ".tmp");
        try {
            mapper.writeValue(tmp.toFile(), m);
            Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean knownKey(String name) {
        try {
            dev.embody.skill.Keys.code(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String fileName(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n;
    }
}
