package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.file.BadFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person's verdict on a recorded episode, kept in its meta.json and never in its steps or frames: a mark ("good",
 * "bad": a bad one is left out of training and replay) and a trim (only steps FROM..TO count). Non-destructive: the
 * recording stays whole, an edit can be changed or cleared, and meta.json is replaced atomically as the recorder does.
 */
public final class EpisodeEdit {

    /** The meta.json fields an edit owns; the recorder keeps them when it rewrites meta.json. */
    public static final List<String> FIELDS = List.of("mark", "trim", "split", "edited");
    public static final List<String> MARKS = List.of("good", "bad");
    /** Held out (only the gate scores on it) or for training; unset, learning.HeldOutEpisodes holds out one in five (at least one from three on) by id. */
    public static final List<String> SPLITS = List.of("heldout", "train");
    private static final Pattern RANGE = Pattern.compile("\\s*(\\d{0,18})\\s*\\.\\.\\s*(\\d{0,18})\\s*");

    private EpisodeEdit() {
    }

    /** Steps FROM..TO, both kept. */
    public record Trim(long from, long to) {
        public boolean keeps(long step) {
            return step >= from && step <= to;
        }

        @Override
        public String toString() {
            return from + ".." + to;
        }
    }

    /**
     * A range as typed: {@code FROM..TO}, {@code FROM..} (to the last step) or {@code ..TO}, against an episode of
     * {@code steps} steps.
     *
     * @throws IllegalArgumentException what is wrong with it (a command-line error)
     */
    public static Trim parseTrim(String text, long steps) {
        Matcher m = RANGE.matcher(text == null ? "" : text);
        String expected = "expected FROM..TO, step numbers of the episode (0.." + (steps - 1) + "; FROM.. and ..TO also work)";
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            throw new IllegalArgumentException("--trim: " + expected + ", got '" + text + "'");
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("--trim: the episode has no steps to keep");
        }
        long from = m.group(1).isEmpty() ? 0 : Long.parseLong(m.group(1));
        long to = m.group(2).isEmpty() ? steps - 1 : Long.parseLong(m.group(2));
        if (from > to) {
            throw new IllegalArgumentException("--trim: FROM (" + from + ") is after TO (" + to + "); " + expected);
        }
        if (to >= steps) {
            throw new IllegalArgumentException("--trim: the episode has steps 0.." + (steps - 1) + ", so TO (" + to + ") is past its end; " + expected);
        }
        return new Trim(from, to);
    }

    /** What meta.json says now, after an edit. */
    public record Result(Path meta, String mark, Trim trim, long steps) {
    }

    /**
     * Writes the edit into the episode's meta.json (replaced atomically); a null mark or trim leaves it as it was.
     *
     * @param clearTrim drop a trim given earlier (every step counts again)
     * @throws BadFileException the episode does not read
     */
    public static Result apply(Path dir, String mark, String trim, boolean clearTrim) throws BadFileException, IOException {
        return apply(dir, mark, trim, clearTrim, null);
    }

    /** As {@link #apply(Path, String, String, boolean)}, and puts the episode in a split ({@link #SPLITS}) when one is given. */
    public static Result apply(Path dir, String mark, String trim, boolean clearTrim, String split) throws BadFileException, IOException {
        if (split != null && !SPLITS.contains(split)) {
            throw new IllegalArgumentException("--split must be heldout or train, got '" + split + "'");
        }
        RecordedEpisode e = RecordedEpisode.read(dir);
        long steps = e.steps().size();
        if (mark != null && !MARKS.contains(mark.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--mark must be good or bad, got '" + mark + "'");
        }
        Trim t = trim == null ? null : parseTrim(trim, steps);
        Path file = dir.resolve(Episode.META);
        ObjectNode meta = (ObjectNode) EpisodeRecorder.JSON.readTree(file.toFile());
        if (mark != null) {
            meta.put("mark", mark.toLowerCase(Locale.ROOT));
        }
        if (split != null) {
            meta.put("split", split);
        }
        if (clearTrim) {
            meta.remove("trim");
        }
        if (t != null) {
            meta.putObject("trim").put("from", t.from()).put("to", t.to());
        }
        meta.put("edited", Instant.now().toString());
        Path tmp = dir.resolve(Episode.META + ".edit.tmp");
        EpisodeRecorder.JSON.writeValue(tmp.toFile(), meta);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        RecordedEpisode after = RecordedEpisode.read(dir);
        return new Result(file, after.mark(), after.trim(), steps);
    }

    /** The mark and trim in a meta.json, checked: a field that is not what an edit writes is a bad file. */
    static String mark(Path file, JsonNode meta) throws BadFileException {
        JsonNode m = meta.get("mark");
        if (m == null || m.isNull()) {
            return null;
        }
        if (!m.isTextual() || !MARKS.contains(m.asText())) {
            throw new BadFileException(file, 0, "field 'mark' must be \"good\" or \"bad\" (./run episodes edit ID --mark good|bad), got " + m);
        }
        return m.asText();
    }

    static Trim trim(Path file, JsonNode meta, long steps) throws BadFileException {
        JsonNode t = meta.get("trim");
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isObject() || !t.path("from").isIntegralNumber() || !t.path("to").isIntegralNumber()) {
            throw new BadFileException(file, 0, "field 'trim' must be {\"from\": FROM, \"to\": TO}, step numbers (./run episodes edit ID --trim FROM..TO), got " + t);
        }
        long from = t.get("from").asLong(), to = t.get("to").asLong();
        if (from < 0 || from > to || to >= steps) {
            throw new BadFileException(file, 0, "field 'trim' keeps steps " + from + ".." + to + ", but the episode has steps 0.." + (steps - 1));
        }
        return new Trim(from, to);
    }
}
