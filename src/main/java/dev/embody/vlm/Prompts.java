package dev.embody.vlm;

import dev.embody.file.BadFileException;
import dev.embody.file.TextFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompts, as files a person edits: {@code prompts/<module>.md}, plain text with {@code {{slot}}} places that are
 * filled at each ask from what the module knows now (the skills' commands and descriptions, memory's recent steps and
 * notes, the last reflection...). A slot the file names that no module fills is refused when the prompts are read,
 * with its file and line, before a session starts.
 *
 * <pre>{@code
 * Prompts p = Prompts.load(Path.of("prompts"), List.of("plan"));
 * String text = p.fill("plan", Map.of("goal", "collect all coins", "commands", "- move(direction=left): ..."));
 * }</pre>
 */
public final class Prompts {

    /** A prompt is a page a model reads each call: more than this is no prompt (and would not fit a model's context). */
    public static final long MAX_BYTES = 256L << 10;

    /** The modules a model can back, by the name of their prompt file. */
    public static final List<String> MODULES = List.of("gathering", "reflection", "task", "curation", "plan");
    /** Every slot a prompt may hold; a module fills those it knows and leaves "(none)" in the rest. */
    public static final Set<String> SLOTS = new TreeSet<>(List.of("goal", "subtask", "target", "reflection", "commands",
            "skills", "recent_steps", "notes", "scene", "image", "previous", "primitives", "last_command"));
    private static final Pattern SLOT = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");

    private final Map<String, String> templates;
    private final Path dir;

    private Prompts(Path dir, Map<String, String> templates) {
        this.dir = dir;
        this.templates = templates;
    }

    /**
     * Reads the prompt of each module named.
     *
     * @throws BadFileException a prompt file that is missing, not UTF-8, or names a slot no module fills
     */
    public static Prompts load(Path dir, Collection<String> modules) throws BadFileException {
        Map<String, String> t = new LinkedHashMap<>();
        for (String m : modules) {
            if (!MODULES.contains(m)) {
                throw new IllegalArgumentException("no module '" + m + "' (expected one of " + String.join(", ", MODULES) + ")");
            }
            Path file = dir.resolve(m + ".md");
            if (!Files.isRegularFile(file)) {
                throw new BadFileException(file, 0, "no prompt for the " + m + " module (the project's prompts/ folder has one for each: "
                        + String.join(", ", MODULES) + ")");
            }
            List<TextFile.Line> lines = TextFile.lines(file, MAX_BYTES, "a prompt file");
            StringBuilder text = new StringBuilder();
            for (TextFile.Line l : lines) {
                if (!l.readable()) {
                    throw new BadFileException(file, l.number(), l.problem());
                }
                Matcher s = SLOT.matcher(l.text());
                while (s.find()) {
                    if (!SLOTS.contains(s.group(1))) {
                        throw new BadFileException(file, l.number(), "unknown slot {{" + s.group(1) + "}} (the slots are: {{"
                                + String.join("}}, {{", SLOTS) + "}})");
                    }
                }
                text.append(l.text()).append('\n');
            }
            t.put(m, text.toString().strip());
        }
        return new Prompts(dir, t);
    }

    public Path dir() {
        return dir;
    }

    public boolean has(String module) {
        return templates.containsKey(module);
    }

    /** The module's prompt with its slots filled; a slot with no value reads "(none)". */
    public String fill(String module, Map<String, String> values) {
        String t = templates.get(module);
        if (t == null) {
            throw new IllegalStateException("the " + module + " prompt was not loaded");
        }
        Matcher s = SLOT.matcher(t);
        StringBuilder out = new StringBuilder();
        while (s.find()) {
            String v = values.get(s.group(1));
            s.appendReplacement(out, Matcher.quoteReplacement(v == null || v.isBlank() ? "(none)" : v));
        }
        s.appendTail(out);
        return out.toString();
    }
}
