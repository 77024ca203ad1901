package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.embody.loop.BadFileException;
import dev.embody.skill.YamlDocument;

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
 * @param parser        the program's own scene parser besides templates: "sim-game", or "none"
 * @param watchdogSeconds keys are released if no step starts for this long
 * @param checkMillis   how often the window's place is checked
 * @param denied        key chords refused, e.g. ALT+F4
 * @param captures      when, where and how well each listed template matched when it was captured ({@code template_captures})
 */
public record ScreenCalibration(Path file, String name, String title, String focus, int[] offset, ScreenRegion region, int sceneWidth,
                                int sceneHeight, String source, String resize, int framerate, double mouseGain, double captureMillis,
                                Map<String, Path> templates, double threshold, List<Double> scales, String endSuccess,
                                String endFailure, Path skills, String parser, double watchdogSeconds, long checkMillis,
                                List<List<String>> denied, Map<String, TemplateCapture> captures) {

    /** A calibration whose templates carry no capture records. */
    public ScreenCalibration(Path file, String name, String title, String focus, int[] offset, ScreenRegion region, int sceneWidth,
                             int sceneHeight, String source, String resize, int framerate, double mouseGain, double captureMillis,
                             Map<String, Path> templates, double threshold, List<Double> scales, String endSuccess,
                             String endFailure, Path skills, String parser, double watchdogSeconds, long checkMillis,
                             List<List<String>> denied) {
        this(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, mouseGain, captureMillis, templates,
                threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, Map.of());
    }

    public static final List<String> SOURCES = List.of("x11grab", "robot");
    public static final List<String> FOCUS = List.of("click", "xdotool", "none");
    public static final List<String> PARSERS = List.of("none", "sim-game");

    public ScreenCalibration withRegion(ScreenRegion r) {
        return new ScreenCalibration(file, name, title, focus, offset, r, sceneWidth, sceneHeight, source, resize, framerate, mouseGain,
                captureMillis, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures);
    }

    public ScreenCalibration withSource(String s) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, s, resize, framerate, mouseGain,
                captureMillis, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures);
    }

    public ScreenCalibration withMeasured(double captureMs, double gain) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, gain,
                captureMs, templates, threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, captures);
    }

    /** The same calibration with these templates and their capture records. */
    public ScreenCalibration withTemplates(Map<String, Path> t, Map<String, TemplateCapture> c) {
        return new ScreenCalibration(file, name, title, focus, offset, region, sceneWidth, sceneHeight, source, resize, framerate, mouseGain,
                captureMillis, Map.copyOf(t), threshold, scales, endSuccess, endFailure, skills, parser, watchdogSeconds, checkMillis, denied, Map.copyOf(c));
    }

    /** Where a template's image is. */
    public Path template(String templateName) {
        return templates.get(templateName);
    }

    public static ScreenCalibration load(Path file) throws BadFileException {
        YamlDocument doc = YamlDocument.read(file);
        JsonNode r = doc.root();
        Path dir = file.toAbsolutePath().getParent();
        String name = text(r, "name", fileName(file));
        JsonNode w = r.path("window");
        String title = w.isMissingNode() ? null : textOrNull(w, "title");
        String focus = w.isMissingNode() ? "none" : text(w, "focus", "xdotool");
        if (!FOCUS.contains(focus)) {
            throw doc.error("/window/focus", "window focus must be one of " + FOCUS + ", got '" + focus + "'");
        }
        int[] offset = {w.path("offset").path("x").asInt(0), w.path("offset").path("y").asInt(0)};
        ScreenRegion region = null;
        JsonNode reg = r.path("region");
        if (!reg.isMissingNode()) {
            for (String k : List.of("x", "y", "width", "height")) {
                if (!reg.path(k).canConvertToInt()) {
                    throw doc.error("/region", "region needs integer x, y, width and height (screen pixels)");
                }
            }
            if (reg.path("width").asInt() <= 0 || reg.path("height").asInt() <= 0) {
                throw doc.error("/region/width", "region width and height must be positive");
            }
            region = new ScreenRegion(reg.path("x").asInt(), reg.path("y").asInt(), reg.path("width").asInt(), reg.path("height").asInt());
        }
        if (region == null && title == null) {
            throw doc.error("/", "needs 'window: {title: ...}' or 'region: {x, y, width, height}' to know where the program is");
        }
        JsonNode scene = r.path("scene");
        int sw = scene.path("width").asInt(region == null ? 0 : region.width());
        int sh = scene.path("height").asInt(region == null ? 0 : region.height());
        if (sw <= 0 || sh <= 0) {
            throw doc.error("/scene", "scene needs a positive width and height (the program's own resolution)");
        }
        String source = text(r, "source", "x11grab").toLowerCase(Locale.ROOT);
        if (!SOURCES.contains(source)) {
            throw doc.error("/source", "source must be one of " + SOURCES + ", got '" + source + "'");
        }
        String resize = text(r, "resize", "area");
        if (!List.of("area", "nearest").contains(resize)) {
            throw doc.error("/resize", "resize must be area or nearest, got '" + resize + "'");
        }
        int framerate = r.path("framerate").asInt(240);
        if (framerate < 1) {
            throw doc.error("/framerate", "framerate must be at least 1");
        }
        double gain = r.path("mouse").path("gain").asDouble(1.0);
        double captureMs = r.path("capture_latency_ms").asDouble(0);
        Map<String, Path> templates = new LinkedHashMap<>();
        JsonNode t = r.path("templates");
        if (!t.isMissingNode()) {
            if (!t.isObject()) {
                throw doc.error("/templates", "templates must map a name to an image file (e.g. save: templates/save.png)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                var e = it.next();
                Path img = dir.resolve(e.getValue().asText());
                if (!Files.isRegularFile(img)) {
                    throw doc.error("/templates/" + e.getKey(), "template '" + e.getKey() + "': no image at " + img);
                }
                templates.put(e.getKey(), img);
            }
        }
        double threshold = r.path("template_threshold").asDouble(0.9);
        List<Double> scales = new ArrayList<>();
        r.path("template_scales").forEach(n -> scales.add(n.asDouble()));
        if (scales.isEmpty()) {
            scales.addAll(List.of(1.0, 0.75, 1.25, 0.5, 1.5));
        }
        Map<String, TemplateCapture> captures = new LinkedHashMap<>();
        JsonNode caps = r.path("template_captures");
        for (Iterator<Map.Entry<String, JsonNode>> it = caps.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode c = e.getValue();
            if (!templates.containsKey(e.getKey())) {
                throw doc.error("/template_captures/" + e.getKey(), "template_captures names template '" + e.getKey() + "' that 'templates' does not list");
            }
            if (!c.path("score").isNumber() || !c.hasNonNull("captured")) {
                throw doc.error("/template_captures/" + e.getKey(), "a template capture needs captured (a time), host, display and score (a number 0..1)");
            }
            captures.put(e.getKey(), new TemplateCapture(c.get("captured").asText(), c.path("host").asText("?"), c.path("display").asText("?"),
                    c.get("score").asDouble()));
        }
        JsonNode end = r.path("episode_end");
        String endSuccess = textOrNull(end, "success"), endFailure = textOrNull(end, "failure");
        for (String k : new String[]{endSuccess, endFailure}) {
            if (k != null && !templates.containsKey(k)) {
                throw doc.error("/episode_end", "episode_end names template '" + k + "' that 'templates' does not list");
            }
        }
        Path skills = r.hasNonNull("skills") ? Path.of(r.get("skills").asText()) : Path.of("skills", "desktop");
        String parser = text(r, "parser", "none");
        if (!PARSERS.contains(parser)) {
            throw doc.error("/parser", "parser must be one of " + PARSERS + ", got '" + parser + "'");
        }
        JsonNode safety = r.path("safety");
        double watchdog = safety.path("watchdog_s").asDouble(3.0);
        long check = safety.path("check_ms").asLong(250);
        List<List<String>> denied = new ArrayList<>();
        JsonNode deny = safety.path("deny");
        if (deny.isMissingNode()) {
            denied.addAll(List.of(List.of("ALT", "F4"), List.of("CONTROL", "ALT", "DELETE"), List.of("CONTROL", "ALT", "BACK_SPACE")));
        } else {
            for (JsonNode d : deny) {
                denied.add(List.of(d.asText().toUpperCase(Locale.ROOT).replace("CTRL", "CONTROL").split("\\+")));
            }
        }
        return new ScreenCalibration(file, name, title, focus, offset, region, sw, sh, source, resize, framerate, gain, captureMs,
                Map.copyOf(templates), threshold, List.copyOf(scales), endSuccess, endFailure, skills, parser, watchdog, check, List.copyOf(denied),
                Map.copyOf(captures));
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

    private static String fileName(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n;
    }

    private static String text(JsonNode n, String field, String def) {
        return n.hasNonNull(field) ? n.get(field).asText() : def;
    }

    private static String textOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
