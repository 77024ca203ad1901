package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a calibration declares about its program beyond where it is: the learned policy's input and choice rules, the
 * gamepad stick's skills, the scene's words, when the program is ready for an episode, how an episode ends and what it
 * scores. Everything a third-party program needs is written here as data, so no code names a program.
 *
 * @param input        the policy's input (null: the profile's default)
 * @param choice       "sampled" (a draw from the sharpened distribution) or "greedy" (always the likeliest); null: default
 * @param loopBreaking never repeat a command that changed nothing nor stand still twice; null: default (on)
 * @param normalise    the policy's input centred and scaled per channel by its training steps' statistics (a light
 *                     terminal: glyphs are faint dips on 1.0); false: levels over 255
 * @param stick        the gamepad stick's direction to a skill call written as a phrase ("jump", "press_key key=up"); empty: arrow keys
 * @param words        words the program's scene speaks of (for corrections), beside its templates' names
 * @param ready        the screen that says the program is ready for an episode (the launch keys are pressed until then), or null
 * @param ending       what ends an episode, first match wins
 * @param score        what an episode scores
 */
public record ProgramTraits(Input input, String choice, Boolean loopBreaking, boolean normalise, Map<String, String> stick, List<String> words,
                            ScreenRule ready, List<ScreenRule> ending, Score score) {

    /**
     * The policy's input: the frame (cropped first, fractions 0..1) downscaled to width x height, frames stacked, each
     * pixel's place as two extra planes when {@code position}.
     */
    public record Input(int width, int height, int frames, double[] crop, boolean position) {
    }

    /**
     * Where an episode's score comes from: "time_survived" (seconds), or "number" (read by OCR in a region).
     *
     * @param blank the score while the region is still blank (a program that draws its score only once it changes), or
     *              null: the region must show a number from the start
     */
    public record Score(String kind, ScreenRegion region, Double blank) {
        public static final List<String> KINDS = List.of("time_survived", "number");

        public Score(String kind, ScreenRegion region) {
            this(kind, region, null);
        }
    }

    public ProgramTraits {
        stick = Map.copyOf(stick);
        words = List.copyOf(words);
        ending = List.copyOf(ending);
    }

    public static ProgramTraits none() {
        return new ProgramTraits(null, null, null, false, Map.of(), List.of(), null, List.of(), new Score("time_survived", null));
    }

    static final List<String> FIELDS = List.of("policy", "stick", "words", "ready", "ending", "score");
    static final List<String> CHOICES = List.of("sampled", "greedy");
    static final List<String> DIRECTIONS = List.of("up", "down", "left", "right");

    /** Reads the declared fields, each checked against the scene (regions) and the templates listed. */
    static ProgramTraits read(CalibrationFields f, Set<String> templates, int sceneWidth, int sceneHeight) throws BadFileException {
        Input input = null;
        String choice = null;
        Boolean loops = null;
        boolean normalise = false;
        if (f.mapping("/policy", "{input: {width: 80, height: 6, frames: 3}, choice: greedy, loop_breaking: false, normalise: true}",
                List.of("input", "choice", "loop_breaking", "normalise")) != null) {
            if (f.mapping("/policy/input", "{width: 64, height: 36, frames: 3, crop: {x: 0, y: 0.5, width: 1, height: 0.5}, position: true}",
                    List.of("width", "height", "frames", "crop", "position")) != null) {
                double[] crop = null;
                if (f.mapping("/policy/input/crop", "{x: 0, y: 0.5, width: 1, height: 0.5} (fractions of the frame)", List.of("x", "y", "width", "height")) != null) {
                    crop = new double[]{f.number("/policy/input/crop/x", 0, false, 1, "a fraction of the frame's width", 0),
                            f.number("/policy/input/crop/y", 0, false, 1, "a fraction of the frame's height", 0),
                            f.number("/policy/input/crop/width", 0, true, 1, "a fraction of the frame's width", 1),
                            f.number("/policy/input/crop/height", 0, true, 1, "a fraction of the frame's height", 1)};
                    if (crop[0] + crop[2] > 1 + 1e-9 || crop[1] + crop[3] > 1 + 1e-9) {
                        throw f.error("/policy/input/crop", "field 'policy.input.crop': expected a part inside the frame (x + width <= 1, y + height <= 1), got x="
                                + crop[0] + " width=" + crop[2] + ", y=" + crop[1] + " height=" + crop[3] + ", which reaches outside it");
                    }
                }
                input = new Input(f.integer("/policy/input/width", 4, 256, "pixels", 64), f.integer("/policy/input/height", 4, 256, "pixels", 36),
                        f.integer("/policy/input/frames", 1, 8, "frames stacked", 3), crop, flag(f, "/policy/input/position", false));
            }
            choice = f.choice("/policy/choice", CHOICES, null);
            loops = f.has("/policy/loop_breaking") ? flag(f, "/policy/loop_breaking", true) : null;
            normalise = flag(f, "/policy/normalise", false);
        }
        Map<String, String> stick = new LinkedHashMap<>();
        JsonNode st = f.mapping("/stick", "{up: jump, right: fire} (a direction to a skill)", DIRECTIONS);
        if (st != null) {
            for (Iterator<String> it = st.fieldNames(); it.hasNext(); ) {
                String d = it.next();
                String call = f.text("/stick/" + d, "a skill's name, with arguments as name=value (press_key key=up)", null);
                if (call == null || call.isBlank()) {
                    throw f.expected("/stick/" + d, "a skill's name, with arguments as name=value (press_key key=up)", f.node("/stick/" + d));
                }
                stick.put(d, call.strip());
            }
        }
        List<String> words = new ArrayList<>();
        JsonNode wl = f.list("/words", "a list of words such as [ship, asteroid]");
        if (wl != null) {
            for (int i = 0; i < wl.size(); i++) {
                JsonNode w = wl.get(i);
                if (!w.isTextual() || !w.asText().matches("[A-Za-z][A-Za-z-]*")) {
                    throw f.expected("/words/" + i, "a word (letters)", w);
                }
                words.add(w.asText().toLowerCase(Locale.ROOT));
            }
        }
        Ctx c = new Ctx(f, templates, sceneWidth, sceneHeight);
        ScreenRule ready = null;
        if (f.has("/ready")) {
            ready = c.rule("/ready", false);
        }
        List<ScreenRule> ending = new ArrayList<>();
        JsonNode en = f.list("/ending", "a list of endings such as [{kind: text, text: GAME OVER, region: {x: 0, y: 0, width: 200, height: 20}, outcome: failure}]");
        if (en != null) {
            for (int i = 0; i < en.size(); i++) {
                ending.add(c.rule("/ending/" + i, true));
            }
        }
        Score score = new Score("time_survived", null);
        if (f.mapping("/score", "{kind: number, region: {x: 0, y: 0, width: 80, height: 20}} or {kind: time_survived}", List.of("kind", "region", "blank")) != null) {
            String kind = f.choice("/score/kind", Score.KINDS, null);
            if (kind == null) {
                throw f.expected("/score/kind", "one of " + String.join(", ", Score.KINDS), null);
            }
            ScreenRegion region = null;
            Double blank = null;
            if (kind.equals("number")) {
                region = c.region("/score/region", true);
                if (f.has("/score/blank")) {
                    blank = f.number("/score/blank", -1e12, false, 1e12, null, 0);
                }
            } else if (f.has("/score/region") || f.has("/score/blank")) {
                throw f.error(f.has("/score/region") ? "/score/region" : "/score/blank", "field '" + (f.has("/score/region") ? "score.region" : "score.blank")
                        + "': a time survived is read from the clock, not from a region (leave it out)");
            }
            score = new Score(kind, region, blank);
        }
        return new ProgramTraits(input, choice, loops, normalise, stick, words, ready, ending, score);
    }

    private static boolean flag(CalibrationFields f, String ptr, boolean def) throws BadFileException {
        JsonNode n = f.node(ptr);
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isBoolean()) {
            throw f.expected(ptr, "true or false", n);
        }
        return n.booleanValue();
    }

    private record Ctx(CalibrationFields f, Set<String> templates, int sceneWidth, int sceneHeight) {

        static final String EXAMPLE = "{kind: text, text: GAME OVER, region: {x: 0, y: 0, width: 200, height: 20}, outcome: failure}";

        ScreenRule rule(String ptr, boolean ends) throws BadFileException {
            List<String> keys = new ArrayList<>(List.of("kind", "region", "template", "text", "colour", "tolerance", "fraction", "seconds",
                    "below", "above"));
            if (ends) {
                keys.addAll(List.of("outcome", "says"));
            }
            if (f.mapping(ptr, EXAMPLE, keys) == null) {
                throw f.expected(ptr, "a mapping such as " + EXAMPLE, null);
            }
            List<String> kinds = ends ? ScreenRule.KINDS : ScreenRule.SCREEN_KINDS;
            String kind = f.choice(ptr + "/kind", kinds, null);
            if (kind == null) {
                throw f.expected(ptr + "/kind", "one of " + String.join(", ", kinds), null);
            }
            String outcome = ends ? f.choice(ptr + "/outcome", ScreenRule.OUTCOMES, null) : null;
            if (ends && outcome == null) {
                throw f.expected(ptr + "/outcome", "one of " + String.join(", ", ScreenRule.OUTCOMES) + " (what this ending means)", null);
            }
            String says = ends ? f.text(ptr + "/says", "words for the episode's line", null) : null;
            ScreenRegion region = null;
            String template = null, text = null;
            int[] colour = null;
            double tolerance = 0, fraction = 0, seconds = 0;
            Double below = null, above = null;
            switch (kind) {
                case "template", "template_gone" -> {
                    String what = "one of the templates (" + (templates.isEmpty() ? "none listed" : String.join(", ", templates.stream().sorted().toList())) + ")";
                    template = f.text(ptr + "/template", what, null);
                    if (template == null || !templates.contains(template)) {
                        throw f.expected(ptr + "/template", what, f.node(ptr + "/template"));
                    }
                    region = region(ptr + "/region", false);
                }
                case "unchanged" -> {
                    region = region(ptr + "/region", true);
                    seconds = f.number(ptr + "/seconds", 0, true, 3600, "seconds the region stays the same", Double.NaN);
                    if (Double.isNaN(seconds)) {
                        throw f.expected(ptr + "/seconds", "a number above 0 and at most 3600 (seconds the region stays the same)", null);
                    }
                }
                case "colour" -> {
                    region = region(ptr + "/region", true);
                    String hex = f.text(ptr + "/colour", "a colour such as '#ff0000'", null);
                    if (hex == null || !hex.matches("#[0-9A-Fa-f]{6}")) {
                        throw f.expected(ptr + "/colour", "a colour such as '#ff0000' (quoted: YAML reads # as a comment)", f.node(ptr + "/colour"));
                    }
                    int v = Integer.parseInt(hex.substring(1), 16);
                    colour = new int[]{(v >> 16) & 255, (v >> 8) & 255, v & 255};
                    tolerance = f.number(ptr + "/tolerance", 0, false, 255, "levels each channel may differ", 30);
                    fraction = f.number(ptr + "/fraction", 0, true, 1, "of the region's pixels", 0.5);
                }
                case "text" -> {
                    region = region(ptr + "/region", true);
                    text = f.text(ptr + "/text", "the words to read there", null);
                    if (text == null || text.isBlank()) {
                        throw f.expected(ptr + "/text", "the words to read there", f.node(ptr + "/text"));
                    }
                }
                case "number" -> {
                    region = region(ptr + "/region", true);
                    if (f.has(ptr + "/below")) {
                        below = f.number(ptr + "/below", -1e12, false, 1e12, null, 0);
                    }
                    if (f.has(ptr + "/above")) {
                        above = f.number(ptr + "/above", -1e12, false, 1e12, null, 0);
                    }
                    if (below == null && above == null) {
                        throw f.error(ptr, "field '" + CalibrationFields.name(ptr) + "': a number ending needs below: or above: (the number that ends it)");
                    }
                }
                default -> {
                    // exited, time_limit: nothing read from the screen
                }
            }
            for (String k : List.of("template", "text", "colour", "seconds", "below", "above", "region")) {
                boolean used = switch (k) {
                    case "template" -> template != null;
                    case "text" -> text != null;
                    case "colour" -> colour != null;
                    case "seconds" -> kind.equals("unchanged");
                    case "below", "above" -> kind.equals("number");
                    default -> region != null;
                };
                if (!used && f.has(ptr + "/" + k)) {
                    throw f.error(ptr + "/" + k, "field '" + CalibrationFields.name(ptr + "/" + k) + "': a " + kind + " ending does not read '" + k + "' (leave it out)");
                }
            }
            return new ScreenRule(kind, region, template, text, colour, tolerance, fraction, seconds, below, above,
                    outcome == null ? null : outcome, says, f.lineOf(ptr));
        }

        /** A rectangle of the scene (the frames' pixels); it must lie inside it. */
        ScreenRegion region(String ptr, boolean required) throws BadFileException {
            if (f.mapping(ptr, "{x: 0, y: 0, width: 80, height: 20} (pixels of the scene)", List.of("x", "y", "width", "height")) == null) {
                if (required) {
                    throw f.expected(ptr, "a region of the scene such as {x: 0, y: 0, width: 80, height: 20}", null);
                }
                return null;
            }
            ScreenRegion r = new ScreenRegion(f.integer(ptr + "/x", 0, ScreenCalibration.MAX_PIXELS - 1, "scene pixels", null),
                    f.integer(ptr + "/y", 0, ScreenCalibration.MAX_PIXELS - 1, "scene pixels", null),
                    f.integer(ptr + "/width", 1, ScreenCalibration.MAX_PIXELS, "scene pixels", null),
                    f.integer(ptr + "/height", 1, ScreenCalibration.MAX_PIXELS, "scene pixels", null));
            if (r.x() + r.width() > sceneWidth || r.y() + r.height() > sceneHeight) {
                throw f.error(ptr, "field '" + CalibrationFields.name(ptr) + "': expected a region on the screen (inside the scene's "
                        + sceneWidth + "x" + sceneHeight + " pixels), got " + r + ", which reaches x=" + (r.x() + r.width()) + ", y=" + (r.y() + r.height()));
            }
            return r;
        }
    }

    /** The declared fields for {@link ScreenCalibration#save}, in the file's own words. */
    Map<String, Object> toYaml() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (input != null || choice != null || loopBreaking != null || normalise) {
            Map<String, Object> p = new LinkedHashMap<>();
            if (input != null) {
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("width", input.width());
                i.put("height", input.height());
                i.put("frames", input.frames());
                if (input.crop() != null) {
                    i.put("crop", Map.of("x", input.crop()[0], "y", input.crop()[1], "width", input.crop()[2], "height", input.crop()[3]));
                }
                i.put("position", input.position());
                p.put("input", i);
            }
            if (choice != null) {
                p.put("choice", choice);
            }
            if (loopBreaking != null) {
                p.put("loop_breaking", loopBreaking);
            }
            if (normalise) {
                p.put("normalise", true);
            }
            m.put("policy", p);
        }
        if (!stick.isEmpty()) {
            m.put("stick", stick);
        }
        if (!words.isEmpty()) {
            m.put("words", words);
        }
        if (ready != null) {
            m.put("ready", ready.toYaml());
        }
        if (!ending.isEmpty()) {
            m.put("ending", ending.stream().map(ScreenRule::toYaml).toList());
        }
        if (score.region() != null || !score.kind().equals("time_survived")) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("kind", score.kind());
            if (score.region() != null) {
                s.put("region", ScreenRule.regionYaml(score.region()));
            }
            if (score.blank() != null) {
                s.put("blank", score.blank());
            }
            m.put("score", s);
        }
        return m;
    }
}
