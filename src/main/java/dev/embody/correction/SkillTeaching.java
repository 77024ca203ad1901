package dev.embody.correction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.embody.file.BadFileException;
import dev.embody.skill.SkillLoader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A skill taught in one sentence: "teach jump: press SPACE", "teach fire: hold CONTROL for 200ms", "teach greet: type
 * hello, then press ENTER". The sentence becomes a skill file's YAML over the same primitives as any skill (never
 * code), checked like a skill file; the name becomes its phrase, so "jump" commands it at once.
 */
public final class SkillTeaching {

    private static final Pattern TEACH = Pattern.compile("(?is)^\\s*teach\\s+(?:a\\s+skill\\s+)?([a-z][a-z0-9_ ]*?)\\s*(?::|=|\\bis\\b|\\bas\\b)\\s*(.+?)\\s*[.!]?\\s*$");
    private static final Pattern SPLIT = Pattern.compile("(?i)\\s*(?:,\\s*and then|,\\s*then|\\band then\\b|\\bthen\\b|;|,)\\s*");
    private static final Pattern PRESS = Pattern.compile("(?i)^(?:press|hit|tap)\\s+(.+)$");
    private static final Pattern HOLD = Pattern.compile("(?i)^hold\\s+(.+?)\\s+(?:for\\s+)?(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|secs?|seconds?)$");
    private static final Pattern TYPE = Pattern.compile("(?is)^type\\s+(.+)$");
    private static final Pattern WAIT = Pattern.compile("(?i)^(?:wait|pause)\\s+(?:for\\s+)?(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|secs?|seconds?)$");
    private static final Pattern CLICK = Pattern.compile("(?i)^(?:(double)\\s+)?click(?:\\s+(left|right|middle))?(?:\\s+at\\s+(-?\\d+)\\s*[, ]\\s*(-?\\d+))?$");
    private static final Pattern SCROLL = Pattern.compile("(?i)^scroll\\s+(up|down)(?:\\s+(\\d+))?$");
    private static final Pattern MOUSE = Pattern.compile("(?i)^(?:move\\s+the\\s+mouse|mouse)\\s+to\\s+(-?\\d+)\\s*[, ]\\s*(-?\\d+)$");
    private static final Map<String, String> KEY_WORDS = Map.ofEntries(Map.entry("CTRL", "CONTROL"), Map.entry("ESC", "ESCAPE"),
            Map.entry("RETURN", "ENTER"), Map.entry("DEL", "DELETE"), Map.entry("BACKSPACE", "BACK_SPACE"), Map.entry("SPACEBAR", "SPACE"),
            Map.entry("PGUP", "PAGE_UP"), Map.entry("PGDN", "PAGE_DOWN"), Map.entry("CMD", "META"), Map.entry("SUPER", "WINDOWS"));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private SkillTeaching() {
    }

    /** Whether the sentence is an attempt to teach a skill at all ("teach ..."). */
    static boolean isTeaching(String text) {
        return text != null && text.strip().toLowerCase(Locale.ROOT).startsWith("teach ");
    }

    /**
     * The taught skill's YAML, checked like a skill file.
     *
     * @throws IllegalArgumentException what is wrong with the sentence, in words
     */
    public static String yaml(String sentence) {
        return yaml(sentence, null);
    }

    /**
     * The taught skill's YAML, checked like a skill file and against the library it would join: its target's
     * primitives, deny-list and watchdog (a chord such as ALT+F4 in any order, a hold the watchdog would cut).
     *
     * @param library the library it joins, or null for the skill file's own checks alone
     * @throws IllegalArgumentException what is wrong with the sentence, in words
     */
    public static String yaml(String sentence, dev.embody.skill.SkillLibrary library) {
        Matcher m = TEACH.matcher(sentence);
        if (!m.matches()) {
            throw new IllegalArgumentException("say \"teach NAME: WHAT\", e.g. \"teach jump: press SPACE\" or \"teach fire: hold CONTROL for 200ms\"");
        }
        String name = m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "_");
        String what = m.group(2).strip();
        List<Object> body = new ArrayList<>();
        for (String part : SPLIT.split(what)) {
            if (!part.isBlank()) {
                body.add(primitive(part.strip()));
            }
        }
        if (body.isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' needs something to do after the colon, e.g. \"press SPACE\"");
        }
        Map<String, Object> skill = new LinkedHashMap<>();
        skill.put("name", name);
        skill.put("description", "Taught by the operator: " + what + ".");
        skill.put("tags", List.of("taught", "any"));
        skill.put("phrases", List.of(name.replace('_', ' ')));
        skill.put("body", body);
        String yaml;
        try {
            yaml = YAML.writeValueAsString(skill);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            dev.embody.skill.Skill taught = SkillLoader.parse(Path.of(name + ".yaml"), yaml);
            if (library != null && library.skill(name).isEmpty()) {
                library.with(taught);
            }
        } catch (BadFileException e) {
            throw new IllegalArgumentException(e.reason());
        }
        return yaml;
    }

    /** The skill's name, if the sentence teaches one. */
    static Optional<String> name(String sentence) {
        Matcher m = TEACH.matcher(sentence);
        return m.matches() ? Optional.of(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "_")) : Optional.empty();
    }

    private static Object primitive(String part) {
        Matcher m;
        if ((m = HOLD.matcher(part)).matches()) {
            return Map.of("hold", key(m.group(1)), "for", duration(m.group(2), m.group(3)));
        }
        if ((m = PRESS.matcher(part)).matches()) {
            return Map.of("press", chord(m.group(1)));
        }
        if ((m = TYPE.matcher(part)).matches()) {
            return Map.of("type", m.group(1).replaceAll("^[\"']|[\"']$", ""));
        }
        if ((m = WAIT.matcher(part)).matches()) {
            return Map.of("wait", duration(m.group(1), m.group(2)));
        }
        if ((m = CLICK.matcher(part)).matches()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("button", m.group(2) == null ? "left" : m.group(2).toLowerCase(Locale.ROOT));
            if (m.group(3) != null) {
                c.put("x", Integer.parseInt(m.group(3)));
                c.put("y", Integer.parseInt(m.group(4)));
            }
            if (m.group(1) != null) {
                c.put("count", 2);
            }
            return Map.of("click", c);
        }
        if ((m = SCROLL.matcher(part)).matches()) {
            int n = m.group(2) == null ? 3 : Integer.parseInt(m.group(2));
            return Map.of("scroll", m.group(1).equalsIgnoreCase("up") ? -n : n);
        }
        if ((m = MOUSE.matcher(part)).matches()) {
            return Map.of("mouse_move", Map.of("x", Integer.parseInt(m.group(1)), "y", Integer.parseInt(m.group(2))));
        }
        throw new IllegalArgumentException("cannot teach \"" + part + "\": say press KEY, hold KEY for 200ms, type TEXT, wait 500ms, "
                + "click [right] [at X Y], scroll up|down [N] or mouse to X Y, joined by \"then\"");
    }

    private static String chord(String keys) {
        List<String> out = new ArrayList<>();
        for (String k : keys.split("\\s*\\+\\s*")) {
            out.add(key(k));
        }
        return String.join("+", out);
    }

    private static String key(String word) {
        String k = word.strip().replaceAll("(?i)^the\\s+|\\s+(?:key|arrow)$", "").toUpperCase(Locale.ROOT).replace(' ', '_');
        k = KEY_WORDS.getOrDefault(k, k);
        if (!SkillLoader.isKey(k)) {
            throw new IllegalArgumentException("'" + word.strip() + "' is not a key name (java.awt.event.KeyEvent names without VK_: SPACE, ENTER, A, F5, CONTROL...)");
        }
        return k;
    }

    private static String duration(String n, String unit) {
        double v = Double.parseDouble(n);
        long ms = Math.round(unit.toLowerCase(Locale.ROOT).startsWith("m") ? v : v * 1000);
        return ms + "ms";
    }
}
