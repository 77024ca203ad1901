package dev.embody.perception;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One thing a program's screen (or its process) can say, as its calibration declares it: a template appearing
 * ({@code template}) or going ({@code template_gone}), a region unchanged for some seconds ({@code unchanged}), a colour
 * filling a region ({@code colour}), words or a number read there by OCR ({@code text}, {@code number}), the program's
 * process ending ({@code exited}), the episode's time limit passing ({@code time_limit}).
 *
 * @param region    where it is read, in the scene's pixels (a template's search area; null: the whole frame)
 * @param colour    RGB for {@code colour}; {@code tolerance} levels each channel may differ; {@code fraction} of the region
 * @param below     a {@code number} ending fires when the number read is below this (or above {@code above})
 * @param outcome   success or failure, for an ending (null for the ready screen)
 * @param says      the words an episode's line gives for it (default: what was seen)
 * @param line      the calibration file's line that declares it, for errors found while running
 */
public record ScreenRule(String kind, ScreenRegion region, String template, String text, int[] colour, double tolerance, double fraction,
                         double seconds, Double below, Double above, String outcome, String says, int line) {

    public static final List<String> KINDS = List.of("template", "template_gone", "unchanged", "colour", "text", "number", "exited", "time_limit");
    /** What a ready screen can be: what the screen shows. */
    public static final List<String> SCREEN_KINDS = List.of("template", "template_gone", "unchanged", "colour", "text", "number");
    public static final List<String> OUTCOMES = List.of("success", "failure");

    public boolean reads() {
        return kind.equals("text") || kind.equals("number");
    }

    /** What was seen, in words: "the screen shows 'GAME OVER'". */
    public String seen() {
        return switch (kind) {
            case "template" -> "the screen shows " + TemplateFinder.KIND_PREFIX + template;
            case "template_gone" -> TemplateFinder.KIND_PREFIX + template + " left the screen";
            case "unchanged" -> String.format(Locale.ROOT, "the screen at %s stood still for %.1f s", region, seconds);
            case "colour" -> String.format(Locale.ROOT, "the screen at %s turned #%02x%02x%02x", region, colour[0], colour[1], colour[2]);
            case "text" -> "the screen reads '" + text + "'";
            case "number" -> "the number at " + region + " went " + (below != null ? "below " + plain(below) : "above " + plain(above));
            case "exited" -> "the program ended";
            default -> "the time limit passed";
        };
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    Map<String, Object> toYaml() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        if (template != null) {
            m.put("template", template);
        }
        if (region != null) {
            m.put("region", regionYaml(region));
        }
        if (text != null) {
            m.put("text", text);
        }
        if (colour != null) {
            m.put("colour", String.format(Locale.ROOT, "#%02x%02x%02x", colour[0], colour[1], colour[2]));
            m.put("tolerance", tolerance);
            m.put("fraction", fraction);
        }
        if (kind.equals("unchanged")) {
            m.put("seconds", seconds);
        }
        if (below != null) {
            m.put("below", below);
        }
        if (above != null) {
            m.put("above", above);
        }
        if (outcome != null) {
            m.put("outcome", outcome);
        }
        if (says != null) {
            m.put("says", says);
        }
        return m;
    }

    static Map<String, Object> regionYaml(ScreenRegion r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", r.x());
        m.put("y", r.y());
        m.put("width", r.width());
        m.put("height", r.height());
        return m;
    }
}
