package dev.embody.skill;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command: one skill with a value for each of its parameters, e.g. {@code move(direction=left, amount=small)}. The
 * library enumerates every command; the policy chooses among them; corrections are parsed into them. Its text form
 * (the skill's parameter order) is stable and is what episodes and datasets store.
 */
public record SkillCall(String skill, Map<String, String> args) {

    private static final Pattern TEXT = Pattern.compile("\\s*([a-z][a-z0-9_]*)\\s*(?:\\((.*)\\))?\\s*");

    public SkillCall {
        args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    public static SkillCall of(String skill) {
        return new SkillCall(skill, Map.of());
    }

    public static SkillCall of(String skill, String... keyValues) {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            args.put(keyValues[i], keyValues[i + 1]);
        }
        return new SkillCall(skill, args);
    }

    /** Parses the text form, e.g. {@code move(direction=left, amount=small)} or {@code stop}. */
    public static SkillCall parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a command: '" + text + "' (expected name(param=value, ...))");
        }
        Map<String, String> args = new LinkedHashMap<>();
        String inner = m.group(2);
        if (inner != null && !inner.isBlank()) {
            for (String pair : inner.split(",")) {
                String[] kv = pair.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                    throw new IllegalArgumentException("not a command: '" + text + "' ('" + pair.strip() + "' is not param=value)");
                }
                args.put(kv[0].strip(), kv[1].strip());
            }
        }
        return new SkillCall(m.group(1), args);
    }

    public String arg(String name) {
        return args.get(name);
    }

    @Override
    public String toString() {
        if (args.isEmpty()) {
            return skill;
        }
        StringBuilder sb = new StringBuilder(skill).append('(');
        args.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(k).append('=').append(v));
        return sb.append(')').toString();
    }
}
