package dev.embody.perception;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;
import dev.embody.file.YamlDocument;
import dev.embody.loop.Spelling;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A calibration file's fields read by type and range: a field that is missing takes its default only when it has one,
 * any other value that is not what is expected is refused as {@code file:line: field 'x': expected ..., got ...}, and
 * a key nobody reads is refused too (with the known key it is likely a typo of), so nothing is silently defaulted.
 * Fields are named by JSON pointer ({@code /safety/watchdog_s}) and told to the user dotted ({@code safety.watchdog_s}).
 */
final class CalibrationFields {

    private final YamlDocument doc;

    CalibrationFields(YamlDocument doc) {
        this.doc = doc;
    }

    JsonNode node(String ptr) {
        JsonNode n = doc.root().at(ptr);
        return n.isMissingNode() ? null : n;
    }

    boolean has(String ptr) {
        return node(ptr) != null;
    }

    /** The mapping at ptr (null when absent), whose keys must all be among {@code keys}. */
    JsonNode mapping(String ptr, String example, List<String> keys) throws BadFileException {
        JsonNode n = node(ptr);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw expected(ptr, "a mapping such as " + example, n);
        }
        onlyKeys(ptr, n, keys);
        return n;
    }

    void onlyKeys(String ptr, JsonNode n, List<String> keys) throws BadFileException {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                String near = closest(k, keys);
                throw doc.error(ptr + "/" + k, "field '" + name(ptr + "/" + k) + "': expected one of " + String.join(", ", keys)
                        + ", got an unknown field" + (near == null ? "" : " (did you mean '" + near + "'?)"));
            }
        }
    }

    /** A scalar written as text (a name, a title, a path): numbers are taken as written. */
    String text(String ptr, String what, String def) throws BadFileException {
        JsonNode n = node(ptr);
        if (n == null || n.isNull()) {
            return def;
        }
        if (!n.isValueNode()) {
            throw expected(ptr, what, n);
        }
        return n.asText();
    }

    /** One of a fixed set of words. */
    String choice(String ptr, List<String> allowed, String def) throws BadFileException {
        JsonNode n = node(ptr);
        if (n == null || n.isNull()) {
            return def;
        }
        if (n.isTextual() && allowed.contains(n.asText())) {
            return n.asText();
        }
        String near = n.isValueNode() ? closest(n.asText(), allowed) : null;
        throw doc.error(ptr, "field '" + name(ptr) + "': expected one of " + String.join(", ", allowed) + ", got " + shown(n)
                + (near == null ? "" : " (did you mean '" + near + "'?)"));
    }

    /** A whole number in [min, max]; def null means the field is required. */
    int integer(String ptr, int min, int max, String unit, Integer def) throws BadFileException {
        JsonNode n = node(ptr);
        String what = "an integer from " + min + " to " + max + (unit == null ? "" : " (" + unit + ")");
        if (n == null || n.isNull()) {
            if (def == null) {
                throw expected(ptr, what, n);
            }
            return def;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw expected(ptr, what, n);
        }
        return n.intValue();
    }

    /**
     * A finite number: at least {@code min} (above it when {@code aboveMin}) and at most {@code max}.
     */
    double number(String ptr, double min, boolean aboveMin, double max, String unit, double def) throws BadFileException {
        JsonNode n = node(ptr);
        if (n == null || n.isNull()) {
            return def;
        }
        return number(ptr, n, min, aboveMin, max, unit);
    }

    double number(String ptr, JsonNode n, double min, boolean aboveMin, double max, String unit) throws BadFileException {
        String what = (aboveMin ? "a number above " + plain(min) + " and at most " + plain(max) : "a number from " + plain(min) + " to " + plain(max))
                + (unit == null ? "" : " (" + unit + ")");
        if (!n.isNumber()) {
            throw expected(ptr, what, n);
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v) || (aboveMin ? v <= min : v < min) || v > max) {
            throw expected(ptr, what, n);
        }
        return v;
    }

    /** A list at ptr (null when absent). */
    JsonNode list(String ptr, String what) throws BadFileException {
        JsonNode n = node(ptr);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray() || n.isEmpty()) {
            throw expected(ptr, what, n);
        }
        return n;
    }

    BadFileException expected(String ptr, String what, JsonNode got) {
        return doc.error(ptr, "field '" + name(ptr) + "': expected " + what + ", got " + shown(got));
    }

    BadFileException error(String ptr, String reason) {
        return doc.error(ptr, reason);
    }

    int lineOf(String ptr) {
        return doc.lineOf(ptr);
    }

    /** "/safety/deny/1" as the user reads it: "safety.deny[1]". */
    static String name(String ptr) {
        StringBuilder b = new StringBuilder();
        for (String part : ptr.substring(1).split("/")) {
            if (part.matches("\\d+")) {
                b.append('[').append(part).append(']');
            } else {
                b.append(b.length() == 0 ? "" : ".").append(part);
            }
        }
        return b.toString();
    }

    /** A value as it was written: text in quotes, numbers as they are, containers by kind. */
    static String shown(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "nothing";
        }
        if (n.isArray()) {
            return n.isEmpty() ? "an empty list" : "a list";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isTextual()) {
            String t = n.asText();
            return "'" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "'";
        }
        return n.asText();
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The known word a typo most likely meant: at most a third of its letters off (and at least one allowed). */
    static String closest(String word, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String k : known) {
            int d = Spelling.distance(w, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, Math.min(w.length(), best.length()) / 3) ? best : null;
    }
}
