package dev.embody.episode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.loop.BadFileException;
import dev.embody.loop.Intervention;
import dev.embody.loop.Latency;
import dev.embody.loop.TextFile;
import dev.embody.skill.SkillCall;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An episode read back and checked: its meta, every whole step line, and where it was cut if the session never
 * closed it (killed, crashed). Only the last line of a cut episode may be partial; anywhere else a bad line is an error
 * naming the file and line.
 */
public final class RecordedEpisode {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WANTED = "(policy wanted ";

    private final Episode episode;
    private final List<RecordedStep> steps;
    private final String cut;
    private final String mark;
    private final EpisodeEdit.Trim trim;

    private RecordedEpisode(Episode episode, List<RecordedStep> steps, String cut, String mark, EpisodeEdit.Trim trim) {
        this.episode = episode;
        this.steps = List.copyOf(steps);
        this.cut = cut;
        this.mark = mark;
        this.trim = trim;
    }

    /** Reads and checks meta.json and steps.jsonl, and that the video is there; the video's frames are checked as they are read. */
    public static RecordedEpisode read(Path dir) throws BadFileException {
        Episode e = Episode.open(dir);
        checkMeta(e);
        Path video = videoOf(e);
        if (!Files.isRegularFile(video)) {
            throw new BadFileException(video, 0, "missing: an episode needs its frames (frame n is step n's observation)");
        }
        Path file = dir.resolve(Episode.STEPS);
        if (!Files.isRegularFile(file)) {
            throw new BadFileException(file, 0, "missing: an episode needs its steps, one JSON line a step");
        }
        boolean ended = e.meta().has("ended");
        List<TextFile.Line> lines = TextFile.lines(file);
        Commands commands = Commands.of(e);
        List<RecordedStep> steps = new ArrayList<>();
        String cut = null;
        for (TextFile.Line l : lines) {
            boolean last = l.number() == lines.size();
            if (last && l.ended() && l.readable() && l.text().isEmpty()) {
                break;
            }
            try {
                if (!l.readable()) {
                    throw new BadFileException(file, l.number(), l.problem());
                }
                steps.add(parse(file, l.number(), l.text(), steps.size(), commands));
            } catch (BadFileException ex) {
                if (!ended && last) {
                    cut = String.format("cut off at %s:%d (%s); the session never closed the episode (meta.json has no 'ended')",
                            file, l.number(), ex.reason());
                    break;
                }
                throw ex;
            }
        }
        if (!ended && cut == null) {
            cut = String.format("cut off after %s:%d (step %d); the session never closed the episode (meta.json has no 'ended')",
                    file, steps.size(), steps.size() - 1);
        }
        if (ended && e.meta().has("steps") && e.meta().path("steps").asLong() != steps.size()) {
            throw new BadFileException(file, steps.size() + 1, "ends after " + steps.size() + " steps but " + Episode.META
                    + " says steps=" + e.meta().path("steps").asLong());
        }
        Path metaFile = dir.resolve(Episode.META);
        return new RecordedEpisode(e, steps, cut, EpisodeEdit.mark(metaFile, e.meta()), EpisodeEdit.trim(metaFile, e.meta(), steps.size()));
    }

    private static void checkMeta(Episode e) throws BadFileException {
        Path meta = e.dir().resolve(Episode.META);
        JsonNode m = e.meta();
        if (m.has("format") && (m.path("format").asInt(-1) < 1 || m.path("format").asInt(-1) > Episode.FORMAT)) {
            throw new BadFileException(meta, 0, "field 'format' is " + m.get("format") + ": this build reads formats 1 to " + Episode.FORMAT);
        }
        if (!m.path("target").isTextual() || m.path("target").asText().isBlank()) {
            throw new BadFileException(meta, 0, "field 'target' must name the target (sim-game, desktop, robot...), got " + m.get("target"));
        }
        for (String f : List.of("seed", "difficulty", "steps")) {
            if (m.has(f) && !m.get(f).isIntegralNumber()) {
                throw new BadFileException(meta, 0, "field '" + f + "' must be a whole number, got " + m.get(f));
            }
        }
        if (m.has("goal") && !m.get("goal").isTextual()) {
            throw new BadFileException(meta, 0, "field 'goal' must be text such as \"collect all coins\", got " + m.get("goal"));
        }
    }

    static Path videoOf(Episode e) {
        return e.dir().resolve(e.meta().path("video").asText(Episode.VIDEO));
    }

    private static RecordedStep parse(Path file, int lineNo, String line, int expected, Commands commands) throws BadFileException {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException ex) {
            throw new BadFileException(file, lineNo, "not a whole JSON line (truncated?): " + ex.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadFileException(file, lineNo, "expected a JSON object, one step a line");
        }
        long step = whole(file, lineNo, n, "step");
        if (step != expected) {
            throw new BadFileException(file, lineNo, "field 'step' is " + step + ", expected " + expected + " (steps are numbered from 0, one a line)");
        }
        if (n.has("failed") && !n.get("failed").isBoolean()) {
            throw new BadFileException(file, lineNo, "field 'failed' must be true or false, got " + n.get("failed"));
        }
        String failedAt = null, error = null;
        if (n.path("failed").asBoolean(false)) {
            failedAt = text(file, lineNo, n, "failed_at");
            if (!List.of(Latency.PARTS).contains(failedAt)) {
                throw new BadFileException(file, lineNo, "field 'failed_at' is '" + failedAt + "', expected one of " + String.join(", ", Latency.PARTS));
            }
            error = text(file, lineNo, n, "error");
        }
        boolean observed = !"capture".equals(failedAt);
        long targetNanos = -1, frame = -1;
        if (observed) {
            if (!n.path("target_ms").isNumber()) {
                throw new BadFileException(file, lineNo, "field 'target_ms' must be a number (the frame's time on the target's clock), got " + n.get("target_ms"));
            }
            targetNanos = Math.round(n.get("target_ms").asDouble() * 1e6);
            frame = n.path("frame").asLong(step);
        }
        // a step that failed before its decision has none; any other names what was executed
        boolean decided = failedAt == null || n.hasNonNull("command");
        SkillCall command = decided ? command(file, lineNo, n, "command") : null;
        List<Intervention> applied = applied(file, lineNo, n);
        commands.taught(applied);
        if (command != null) {
            commands.check(file, lineNo, command);
        }
        String by = decided ? text(file, lineNo, n, "by") : null;
        String why = n.path("why").asText("");
        String correction = n.hasNonNull("correction") ? n.get("correction").asText() : null;
        if (!decided && correction != null) {
            throw new BadFileException(file, lineNo, "has a 'correction' but no 'command': a correction is the command the operator gave");
        }
        SkillCall wanted = command;
        if (correction != null || "operator".equals(by)) {
            wanted = null;
            int at = why.lastIndexOf(WANTED);
            if (at >= 0 && why.endsWith(")")) {
                try {
                    wanted = SkillCall.parse(why.substring(at + WANTED.length(), why.length() - 1));
                } catch (IllegalArgumentException ignored) {
                    // an override that did not say what the policy wanted
                }
            }
        }
        Map<String, Double> latency = new LinkedHashMap<>();
        n.path("latency_ms").fields().forEachRemaining(f -> latency.put(f.getKey(), f.getValue().asDouble()));
        List<String> candidates = failedAt != null && !n.has("candidates") ? List.of() : strings(file, lineNo, n, "candidates");
        List<String> sent = failedAt != null && !n.has("sent") ? List.of() : strings(file, lineNo, n, "sent");
        return new RecordedStep(lineNo, step, n.path("wall_ms").asLong(), targetNanos, frame, n.path("scene").asText(""),
                n.path("entities"), n.path("reflection"), n.path("task"), candidates, command, by, why, wanted, correction, sent,
                n.path("interrupted").asBoolean(false), n.path("outcome").asText(""), latency, failedAt, error, applied,
                input(file, lineNo, n), state(file, lineNo, n));
    }

    /** The target's state at the step's frame, or null where none was recorded. */
    private static double[] state(Path file, int line, JsonNode n) throws BadFileException {
        JsonNode a = n.get("state");
        if (a == null || a.isNull()) {
            return null;
        }
        if (!a.isArray()) {
            throw new BadFileException(file, line, "field 'state' must be a list of numbers (the target's state), got " + a);
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new BadFileException(file, line, "field 'state' must be a list of numbers (the target's state), got " + a);
            }
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static final java.util.Set<String> INPUT_EVENTS = java.util.Set.of("key_down", "key_up", "button_down", "button_up",
            "scroll", "stick", "pad_button_down", "pad_button_up", "command");

    /** A person's raw input beside the command it maps to (a demonstration's step), or null where there is none. */
    private static dev.embody.loop.PersonInput input(Path file, int line, JsonNode n) throws BadFileException {
        JsonNode events = n.get("input");
        if (events == null || events.isNull()) {
            return null;
        }
        if (!events.isArray()) {
            throw new BadFileException(file, line, "field 'input' must be a list of the person's input events, got " + events);
        }
        List<dev.embody.loop.PersonInput.Event> out = new ArrayList<>();
        for (JsonNode e : events) {
            String kind = e.path("event").asText("");
            if (!e.isObject() || !e.path("t_ms").isNumber() || !INPUT_EVENTS.contains(kind)) {
                throw new BadFileException(file, line, "field 'input': each event needs 't_ms' (a number) and 'event' (one of "
                        + String.join(", ", new java.util.TreeSet<>(INPUT_EVENTS)) + "), got " + e);
            }
            if (kind.startsWith("key_") && !e.path("key").isTextual()) {
                throw new BadFileException(file, line, "field 'input': a " + kind + " event needs 'key' (a KeyEvent name), got " + e);
            }
            if (kind.equals("command") && !e.path("command").isTextual()) {
                throw new BadFileException(file, line, "field 'input': a command event needs 'command' (a skill command), got " + e);
            }
            out.add(new dev.embody.loop.PersonInput.Event(e.get("t_ms").asDouble(), kind, textOrNull(e, "key"), textOrNull(e, "button"),
                    e.path("x").isNumber() ? e.get("x").asDouble() : null, e.path("y").isNumber() ? e.get("y").asDouble() : null,
                    e.path("notches").isIntegralNumber() ? e.get("notches").asInt() : null, textOrNull(e, "direction"), textOrNull(e, "command")));
        }
        List<String> unmapped = n.has("unmapped") ? strings(file, line, n, "unmapped") : List.of();
        return new dev.embody.loop.PersonInput(n.path("input_window_ms").asDouble(0), out, unmapped);
    }

    private static String textOrNull(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.get(field).asText() : null;
    }

    /** The goals, notes and taught skills recorded as taking effect at a step. */
    private static List<Intervention> applied(Path file, int line, JsonNode n) throws BadFileException {
        List<Intervention> out = new ArrayList<>();
        for (JsonNode a : n.path("applied")) {
            Intervention.Kind kind;
            try {
                kind = Intervention.Kind.valueOf(a.path("kind").asText("").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadFileException(file, line, "field 'applied': kind '" + a.path("kind").asText() + "' is not goal, note or teach");
            }
            if (kind != Intervention.Kind.GOAL && kind != Intervention.Kind.NOTE && kind != Intervention.Kind.TEACH || !a.path("argument").isTextual()) {
                throw new BadFileException(file, line, "field 'applied' holds goals, notes and taught skills, each with its 'argument' text; got " + a);
            }
            out.add(Intervention.of(kind, a.get("argument").asText(), a.path("text").asText(""), a.path("channel").asText("replay")));
        }
        return out;
    }


    /** The commands the episode's skills made (meta.json 'commands'): a recorded command must be one of them. */
    private record Commands(Path meta, String version, List<SkillCall> all, java.util.Set<String> taughtSkills) {

        static Commands of(Episode e) throws BadFileException {
            Path meta = e.dir().resolve(Episode.META);
            JsonNode list = e.meta().get("commands");
            if (list == null) {
                return new Commands(meta, null, null, new java.util.HashSet<>());
            }
            if (!list.isArray()) {
                throw new BadFileException(meta, 0, "field 'commands' must be a list of the skills' commands, got " + list);
            }
            List<SkillCall> all = new ArrayList<>();
            for (JsonNode c : list) {
                try {
                    all.add(SkillCall.parse(c.asText()));
                } catch (IllegalArgumentException ex) {
                    throw new BadFileException(meta, 0, "field 'commands': " + ex.getMessage());
                }
            }
            return new Commands(meta, e.meta().path("skills_version").asText("?"), all, new java.util.HashSet<>());
        }

        /** A skill taught during the episode is a command from then on, though meta.json (written at its start) lists none. */
        void taught(List<Intervention> applied) {
            for (Intervention i : applied) {
                if (i.kind() == Intervention.Kind.TEACH) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^name:\\s*(\\S+)").matcher(i.argument());
                    if (m.find()) {
                        taughtSkills.add(m.group(1));
                    }
                }
            }
        }

        /** A command is one of the list where a listed one has its skill and every argument it gives (defaults may be left out). */
        void check(Path file, int line, SkillCall c) throws BadFileException {
            if (all == null || taughtSkills.contains(c.skill())) {
                return;
            }
            for (SkillCall known : all) {
                if (known.skill().equals(c.skill()) && known.args().entrySet().containsAll(c.args().entrySet())) {
                    return;
                }
            }
            throw new BadFileException(file, line, "command '" + c + "' is not a command of the episode's skills (version " + version
                    + ": the " + all.size() + " commands " + Episode.META + " lists)");
        }
    }

    private static long whole(Path file, int line, JsonNode n, String field) throws BadFileException {
        if (!n.path(field).isIntegralNumber()) {
            throw new BadFileException(file, line, "field '" + field + "' must be a whole number, got " + n.get(field));
        }
        return n.get(field).asLong();
    }

    private static String text(Path file, int line, JsonNode n, String field) throws BadFileException {
        if (!n.path(field).isTextual()) {
            throw new BadFileException(file, line, "field '" + field + "' must be text, got " + n.get(field));
        }
        return n.get(field).asText();
    }

    private static SkillCall command(Path file, int line, JsonNode n, String field) throws BadFileException {
        String t = text(file, line, n, field);
        try {
            return SkillCall.parse(t);
        } catch (IllegalArgumentException ex) {
            throw new BadFileException(file, line, "field '" + field + "': " + ex.getMessage());
        }
    }

    private static List<String> strings(Path file, int line, JsonNode n, String field) throws BadFileException {
        JsonNode a = n.get(field);
        if (a == null || !a.isArray()) {
            throw new BadFileException(file, line, "field '" + field + "' must be a list of text, got " + a);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : a) {
            out.add(x.asText());
        }
        return out;
    }

    public Episode episode() {
        return episode;
    }

    public String id() {
        return episode.id();
    }

    public JsonNode meta() {
        return episode.meta();
    }

    public Path dir() {
        return episode.dir();
    }

    public Path video() {
        return videoOf(episode);
    }

    public List<RecordedStep> steps() {
        return steps;
    }

    /** Where and why the episode was cut off, or null if the session closed it. */
    public String cut() {
        return cut;
    }

    /** The episode's span on the target's clock, first frame to the end of the last step's command, in seconds. */
    public double targetSeconds() {
        List<RecordedStep> seen = steps.stream().filter(RecordedStep::observed).toList();
        if (seen.isEmpty()) {
            return 0;
        }
        double scored = meta().path("score").path("game_s").asDouble(Double.NaN);
        if (!Double.isNaN(scored) && cut == null) {
            return scored;
        }
        long first = seen.get(0).targetNanos(), last = seen.get(seen.size() - 1).targetNanos();
        // the last step's own command: its holds and waits, as sent
        long tail = 0;
        for (String s : seen.get(seen.size() - 1).sent()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)ms").matcher(s);
            if ((s.startsWith("hold") || s.startsWith("wait")) && m.find()) {
                tail += Long.parseLong(m.group(1)) * 1_000_000L;
            }
        }
        return (last - first + tail) / 1e9;
    }

    /**
     * The skills as they stood when the episode began: the folder's, less skills taught later (in this episode or
     * after it), whose commands its meta.json does not list. Replay teaches the episode's own again where it did.
     */
    public dev.embody.skill.SkillLibrary libraryAsRecorded(dev.embody.skill.SkillLibrary now) throws BadFileException {
        JsonNode recorded = meta().path("commands");
        if (!recorded.isArray() || recorded.isEmpty()) {
            return now;
        }
        java.util.Set<String> had = new java.util.HashSet<>();
        recorded.forEach(c -> had.add(c.asText()));
        List<dev.embody.skill.Skill> kept = now.skills().stream()
                .filter(s -> now.commands().stream().anyMatch(c -> c.skill().equals(s.name()) && had.contains(c.toString())))
                .toList();
        return kept.size() == now.skills().size() || kept.isEmpty() ? now : dev.embody.skill.SkillLibrary.of(kept);
    }

    /** "good", "bad" ({@code episodes edit --mark}), or null where nobody marked it. */
    public String mark() {
        return mark;
    }

    /** Marked bad: training and replay leave it out. */
    public boolean markedBad() {
        return "bad".equals(mark);
    }

    /** The steps kept ({@code episodes edit --trim}), or null: all of them. */
    public EpisodeEdit.Trim trim() {
        return trim;
    }

    /** Whether a step counts: inside the trim, where there is one. */
    public boolean keeps(RecordedStep step) {
        return trim == null || trim.keeps(step.step());
    }

    /** The steps that failed part way (each still a step: numbered, with what it got to). */
    public List<RecordedStep> failedSteps() {
        return steps.stream().filter(RecordedStep::failed).toList();
    }
}
