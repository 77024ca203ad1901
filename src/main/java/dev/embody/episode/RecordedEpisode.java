package dev.embody.episode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;
import dev.embody.file.TextFile;
import dev.embody.loop.Intervention;
import dev.embody.loop.Latency;
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
        if (m.has("step_format") && (!m.get("step_format").isIntegralNumber() || m.get("step_format").asInt() < 1
                || m.get("step_format").asInt() > StepRecord.FORMAT)) {
            throw new BadFileException(meta, 0, "field 'step_format' is " + m.get("step_format") + ": this build reads step lines of formats 1 to "
                    + StepRecord.FORMAT + " (a newer build of embody wrote this episode; read it with that build)");
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
            n = StepRecord.JSON.readTree(line);
        } catch (JsonProcessingException ex) {
            throw new BadFileException(file, lineNo, "not a whole JSON line (truncated?): " + ex.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadFileException(file, lineNo, "expected a JSON object, one step a line");
        }
        StepRecord r = record(file, lineNo, n);
        if (r.step() == null) {
            throw expected(file, lineNo, n, "step");
        }
        long step = r.step();
        if (step != expected) {
            throw new BadFileException(file, lineNo, "field 'step' is " + step + ", expected " + expected + " (steps are numbered from 0, one a line)");
        }
        if (n.has("failed") && r.failed() == null) {
            throw expected(file, lineNo, n, "failed");
        }
        String failedAt = null, error = null;
        if (Boolean.TRUE.equals(r.failed())) {
            failedAt = required(file, lineNo, n, "failed_at", r.failedAt());
            if (!List.of(Latency.PARTS).contains(failedAt)) {
                throw new BadFileException(file, lineNo, "field 'failed_at' is '" + failedAt + "', expected one of " + String.join(", ", Latency.PARTS));
            }
            error = required(file, lineNo, n, "error", r.error());
        }
        boolean observed = !"capture".equals(failedAt);
        long targetNanos = -1, frame = -1;
        if (observed) {
            targetNanos = Math.round(required(file, lineNo, n, "target_ms", r.targetMs()) * 1e6);
            frame = r.frame() != null ? r.frame() : step;
        }
        // a step that failed before its decision has none; any other names what was executed
        boolean decided = failedAt == null || r.command() != null;
        SkillCall command = null;
        if (decided) {
            try {
                command = SkillCall.parse(required(file, lineNo, n, "command", r.command()));
            } catch (IllegalArgumentException ex) {
                throw new BadFileException(file, lineNo, "field 'command': " + ex.getMessage());
            }
        }
        List<Intervention> applied = applied(file, lineNo, n, r.applied());
        commands.taught(applied);
        if (command != null) {
            commands.check(file, lineNo, command);
        }
        String by = decided ? required(file, lineNo, n, "by", r.by()) : null;
        String why = r.why() == null ? "" : r.why();
        String correction = r.correction();
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
        if (r.latencyMs() != null) {
            r.latencyMs().forEach((part, ms) -> latency.put(part, ms == null ? 0 : ms));
        }
        List<String> candidates = failedAt != null && !n.has("candidates") ? List.of() : required(file, lineNo, n, "candidates", r.candidates());
        List<String> sent = failedAt != null && !n.has("sent") ? List.of() : required(file, lineNo, n, "sent", r.sent());
        if (r.state() != null && r.state().contains(null)) {
            throw expected(file, lineNo, n, "state");
        }
        return new RecordedStep(lineNo, step, r.wallMs(), targetNanos, frame, r.scene() == null ? "" : r.scene(),
                r.entities(), r.reflection(), r.task(), candidates, command, by, why, wanted, correction, sent,
                r.interrupted(), r.outcome() == null ? "" : r.outcome(), latency, failedAt, error, applied,
                input(file, lineNo, n, r), r.stateArray());
    }

    /** The line as the step record, or what of it is not what the format holds: the field, what it must be, and what it is. */
    private static StepRecord record(Path file, int line, JsonNode n) throws BadFileException {
        try {
            return StepRecord.JSON.treeToValue(n, StepRecord.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException ex) {
            List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path = ex.getPath();
            String field = path.isEmpty() ? null : path.get(0).getFieldName();
            if (field == null || !EXPECTED.containsKey(field)) {
                throw new BadFileException(file, line, "not a step: " + ex.getOriginalMessage());
            }
            int index = path.size() > 1 ? path.get(1).getIndex() : -1;
            JsonNode element = index >= 0 ? n.get(field).get(index) : null;
            if (field.equals("input") && element != null) {
                String part = path.size() > 2 ? path.get(2).getFieldName() : null;
                if (part == null || part.equals("t_ms") || part.equals("event")) {
                    throw new BadFileException(file, line, inputEventExpected(element));
                }
                throw new BadFileException(file, line, "field 'input': an event's '" + part + "' must be "
                        + (List.of("x", "y").contains(part) ? "a number" : part.equals("notches") ? "a whole number" : "text") + ", got " + element);
            }
            if (field.equals("applied") && element != null) {
                throw new BadFileException(file, line, APPLIED_EXPECTED + element);
            }
            throw expected(file, line, n, field);
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            throw new BadFileException(file, line, "not a step: " + ex.getMessage());
        }
    }

    /** What each field of a step line must be, for the messages of a line that is not. */
    private static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("step", "a whole number"), Map.entry("wall_ms", "a whole number"), Map.entry("frame", "a whole number"),
            Map.entry("target_ms", "a number (the frame's time on the target's clock)"),
            Map.entry("failed", "true or false"), Map.entry("interrupted", "true or false"), Map.entry("overran", "true or false"),
            Map.entry("scene", "text"), Map.entry("failed_at", "text"), Map.entry("error", "text"), Map.entry("command", "text"),
            Map.entry("by", "text"), Map.entry("why", "text"), Map.entry("correction", "text"), Map.entry("outcome", "text"),
            Map.entry("candidates", "a list of text"), Map.entry("sent", "a list of text"), Map.entry("unmapped", "a list of text"),
            Map.entry("state", "a list of numbers (the target's state)"),
            Map.entry("input", "a list of the person's input events"), Map.entry("input_window_ms", "a number (ms)"),
            Map.entry("applied", "a list of goals, notes and taught skills"),
            Map.entry("entities", "a list of [kind, x, y]"),
            Map.entry("reflection", "an object {moved, stuck, progress, danger: true or false, reason: text}"),
            Map.entry("task", "an object {kind, subtask: text, target: [x, y]}"),
            Map.entry("scores", "an object of numbers by command"), Map.entry("latency_ms", "an object of milliseconds by part"),
            Map.entry("memory_used", "a list of {module, what}"));

    private static final String APPLIED_EXPECTED = "field 'applied' holds goals, notes and taught skills, each with its 'argument' text; got ";

    private static BadFileException expected(Path file, int line, JsonNode n, String field) {
        return new BadFileException(file, line, "field '" + field + "' must be " + EXPECTED.get(field) + ", got " + n.get(field));
    }

    /** A field the step needs: there, or an error naming it. */
    private static <T> T required(Path file, int line, JsonNode n, String field, T value) throws BadFileException {
        if (value == null) {
            throw expected(file, line, n, field);
        }
        return value;
    }

    private static final java.util.Set<String> INPUT_EVENTS = java.util.Set.of("key_down", "key_up", "button_down", "button_up",
            "scroll", "stick", "pad_button_down", "pad_button_up", "command");

    private static String inputEventExpected(JsonNode e) {
        return "field 'input': each event needs 't_ms' (a number) and 'event' (one of "
                + String.join(", ", new java.util.TreeSet<>(INPUT_EVENTS)) + "), got " + e;
    }

    /** A person's raw input beside the command it maps to (a demonstration's step), or null where there is none. */
    private static dev.embody.loop.PersonInput input(Path file, int line, JsonNode n, StepRecord r) throws BadFileException {
        if (r.input() == null) {
            return null;
        }
        List<dev.embody.loop.PersonInput.Event> out = new ArrayList<>();
        for (int i = 0; i < r.input().size(); i++) {
            StepRecord.InputEvent e = r.input().get(i);
            JsonNode raw = n.get("input").get(i);
            String kind = e == null || e.event() == null ? "" : e.event();
            if (e == null || e.tMs() == null || !INPUT_EVENTS.contains(kind)) {
                throw new BadFileException(file, line, inputEventExpected(raw));
            }
            if (kind.startsWith("key_") && e.key() == null) {
                throw new BadFileException(file, line, "field 'input': a " + kind + " event needs 'key' (a KeyEvent name), got " + raw);
            }
            if (kind.equals("command") && e.command() == null) {
                throw new BadFileException(file, line, "field 'input': a command event needs 'command' (a skill command), got " + raw);
            }
            out.add(e.toEvent());
        }
        return new dev.embody.loop.PersonInput(r.inputWindowMs() == null ? 0 : r.inputWindowMs(), out,
                r.unmapped() == null ? List.of() : r.unmapped());
    }

    /** The goals, notes and taught skills recorded as taking effect at a step. */
    private static List<Intervention> applied(Path file, int line, JsonNode n, List<StepRecord.Applied> recorded) throws BadFileException {
        List<Intervention> out = new ArrayList<>();
        if (recorded == null) {
            return out;
        }
        for (int i = 0; i < recorded.size(); i++) {
            StepRecord.Applied a = recorded.get(i);
            String kindText = a == null || a.kind() == null ? "" : a.kind();
            Intervention.Kind kind;
            try {
                kind = Intervention.Kind.valueOf(kindText.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadFileException(file, line, "field 'applied': kind '" + kindText + "' is not goal, note or teach");
            }
            if (kind != Intervention.Kind.GOAL && kind != Intervention.Kind.NOTE && kind != Intervention.Kind.TEACH || a.argument() == null) {
                throw new BadFileException(file, line, APPLIED_EXPECTED + n.get("applied").get(i));
            }
            out.add(Intervention.of(kind, a.argument(), a.text() == null ? "" : a.text(), a.channel() == null ? "replay" : a.channel()));
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
