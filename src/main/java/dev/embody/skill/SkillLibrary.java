package dev.embody.skill;

import dev.embody.file.BadFileException;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The skills of one target and every command they make: each (skill, parameter values) pair. The high-level policy
 * chooses among {@link #commands()}; corrections are parsed onto them. Immutable: {@link #with(Skill)} makes a larger one.
 */
public final class SkillLibrary {

    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s)?\\s*");

    private final Map<String, Skill> skills;
    private final List<SkillCall> commands;
    private final Map<SkillCall, Integer> index;
    /** What its target can do and refuses: a skill added later is checked against it too. */
    private final TargetPrimitives can;

    private SkillLibrary(Map<String, Skill> skills, TargetPrimitives can) {
        this.skills = Collections.unmodifiableMap(skills);
        this.can = can;
        List<SkillCall> all = new ArrayList<>();
        for (Skill s : skills.values()) {
            enumerate(s, 0, new LinkedHashMap<>(), all);
        }
        this.commands = List.copyOf(all);
        Map<SkillCall, Integer> idx = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            idx.put(all.get(i), i);
        }
        this.index = idx;
    }

    /** Loads and checks every skill file of a directory: names unique, calls resolvable and acyclic, every command's durations valid. */
    public static SkillLibrary load(Path dir) throws BadFileException {
        return load(dir, TargetPrimitives.ANY);
    }

    /**
     * Loads a skills folder for a target: as {@link #load(Path)}, and every primitive must be one its actuator can do.
     *
     * @throws BadFileException the first problem, saying how many more there are
     */
    public static SkillLibrary load(Path dir, TargetPrimitives can) throws BadFileException {
        Checked c = check(dir, can);
        if (!c.problems().isEmpty()) {
            BadFileException first = c.problems().get(0);
            int more = c.problems().size() - 1;
            throw more == 0 ? first : new BadFileException(first.file(), first.line(), first.reason() + " (and " + more
                    + " more problem" + (more == 1 ? "" : "s") + ": ./run skills check " + dir + ")");
        }
        return c.library();
    }

    /**
     * A skills folder checked whole.
     *
     * @param library  the library, where nothing is wrong; else null
     * @param problems every bad file (file, line, reason), in file order
     */
    public record Checked(SkillLibrary library, List<BadFileException> problems) {
    }

    /**
     * Checks every file of a skills folder and reports every problem, not only the first: each file on its own, each
     * primitive against what the target can do, then (when every file loads) the library as a whole.
     *
     * @throws BadFileException where the folder itself is not one of skill files
     */
    public static Checked check(Path dir, TargetPrimitives can) throws BadFileException {
        List<BadFileException> problems = new ArrayList<>();
        List<Skill> skills = SkillLoader.loadEach(dir, problems);
        for (Skill s : skills) {
            for (Primitive p : s.body()) {
                if (!can.allows(p.kind())) {
                    problems.add(new BadFileException(s.source(), p.line(), can.refusal(p.kind())));
                }
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(java.util.Comparator.comparing((BadFileException e) -> e.file().toString()).thenComparingInt(BadFileException::line));
            return new Checked(null, List.copyOf(problems));
        }
        Map<String, Skill> byName = new LinkedHashMap<>();
        for (Skill s : skills) {
            Skill before = byName.put(s.name(), s);
            if (before != null) {
                problems.add(new BadFileException(s.source(), 1, "skill '" + s.name() + "' is also defined in " + before.source()));
            }
        }
        if (!problems.isEmpty()) {
            return new Checked(null, List.copyOf(problems));
        }
        SkillLibrary library = new SkillLibrary(byName, can);
        problems.addAll(library.problems());
        return new Checked(problems.isEmpty() ? library : null, List.copyOf(problems));
    }

    public static SkillLibrary of(List<Skill> skillList) throws BadFileException {
        return of(skillList, TargetPrimitives.ANY);
    }

    /** A library of these skills for a target: each checked as {@link #check} checks a folder; the first problem is the error. */
    public static SkillLibrary of(List<Skill> skillList, TargetPrimitives can) throws BadFileException {
        for (Skill s : skillList) {
            for (Primitive p : s.body()) {
                if (!can.allows(p.kind())) {
                    throw new BadFileException(s.source(), p.line(), can.refusal(p.kind()));
                }
            }
        }
        Map<String, Skill> byName = new LinkedHashMap<>();
        for (Skill s : skillList) {
            Skill before = byName.put(s.name(), s);
            if (before != null) {
                throw new BadFileException(s.source(), 1, "skill '" + s.name() + "' is also defined in " + before.source());
            }
        }
        SkillLibrary library = new SkillLibrary(byName, can);
        List<BadFileException> problems = library.problems();
        if (!problems.isEmpty()) {
            throw problems.get(0);
        }
        return library;
    }

    /**
     * A library with one more skill (taught or proposed at run time), checked against the same target as this one (its
     * primitives, deny-list and watchdog); commands of the old skills keep their order.
     */
    public SkillLibrary with(Skill skill) throws BadFileException {
        List<Skill> list = new ArrayList<>(skills.values());
        list.removeIf(s -> s.name().equals(skill.name()));
        list.add(skill);
        return of(list, can);
    }

    /** The target its skills were checked against. */
    public TargetPrimitives target() {
        return can;
    }

    public List<Skill> skills() {
        return List.copyOf(skills.values());
    }

    public Optional<Skill> skill(String name) {
        return Optional.ofNullable(skills.get(name));
    }

    public List<SkillCall> commands() {
        return commands;
    }

    /** The command's position in {@link #commands()}, or -1. */
    public int indexOf(SkillCall call) {
        return index.getOrDefault(call, -1);
    }

    /** A short hash of every skill's content: episodes and checkpoints record it. */
    public String version() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (SkillCall c : commands) {
                md.update(c.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            for (Skill s : skills.values()) {
                md.update(s.body().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The command with defaults filled in and arguments in the skill's order.
     *
     * @throws IllegalArgumentException naming the unknown skill, parameter or value
     */
    public SkillCall normalize(SkillCall call) {
        Skill s = skills.get(call.skill());
        if (s == null) {
            throw new IllegalArgumentException("no skill '" + call.skill() + "' (have " + String.join(", ", skills.keySet()) + ")");
        }
        for (String given : call.args().keySet()) {
            if (s.parameter(given).isEmpty()) {
                throw new IllegalArgumentException("skill '" + s.name() + "' has no parameter '" + given + "'");
            }
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (Skill.Parameter p : s.parameters()) {
            String v = call.args().getOrDefault(p.name(), p.defaultValue());
            if (v == null) {
                throw new IllegalArgumentException("skill '" + s.name() + "' needs '" + p.name() + "', one of " + p.valueNames());
            }
            if (p.value(v).isEmpty()) {
                throw new IllegalArgumentException("'" + v + "' is not a value of " + s.name() + "." + p.name() + " " + p.valueNames());
            }
            args.put(p.name(), v);
        }
        return new SkillCall(s.name(), args);
    }

    /** What the command's slots resolve to: {param} and {param.attribute}. */
    public Map<String, String> bindings(SkillCall call) {
        SkillCall c = normalize(call);
        Skill s = skills.get(c.skill());
        Map<String, String> b = new HashMap<>();
        for (Skill.Parameter p : s.parameters()) {
            String v = c.arg(p.name());
            b.put(p.name(), v);
            p.value(v).orElseThrow().attributes().forEach((k, a) -> b.put(p.name() + "." + k, a));
        }
        return b;
    }

    /**
     * The entity kinds the command points at ({@code click: {at: template:save}}, {@code mouse_move: {to: ...}}), its
     * called skills' included: it cannot run on a scene without them.
     */
    public Set<String> entitiesNeeded(SkillCall call) {
        Set<String> out = new HashSet<>();
        entitiesNeeded(normalize(call), out, 0);
        return out;
    }

    private void entitiesNeeded(SkillCall c, Set<String> out, int depth) {
        if (depth > 8) {
            return;
        }
        Map<String, String> b = bindings(c);
        for (Primitive p : skills.get(c.skill()).body()) {
            if (p instanceof Primitive.Click k && k.entity() != null) {
                out.add(fill(k.entity(), b));
            } else if (p instanceof Primitive.MouseMove m && m.entity() != null) {
                out.add(fill(m.entity(), b));
            } else if (p instanceof Primitive.Call call) {
                Map<String, String> args = new LinkedHashMap<>();
                call.args().forEach((k, v) -> args.put(k, fill(v, b)));
                entitiesNeeded(normalize(new SkillCall(call.skill(), args)), out, depth + 1);
            }
        }
    }

    /** Fills {param} and {param.attribute} slots. */
    public static String fill(String template, Map<String, String> bindings) {
        if (template == null) {
            return null;
        }
        Matcher m = SkillLoader.SLOT.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
            m.appendReplacement(sb, Matcher.quoteReplacement(bindings.getOrDefault(key, m.group(0))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** "200ms", "1.5s", "250" (milliseconds). */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 200ms, 1.5s)");
        }
        double v = Double.parseDouble(m.group(1));
        return Duration.ofNanos(Math.round(v * ("s".equals(m.group(2)) ? 1e9 : 1e6)));
    }

    private void enumerate(Skill s, int i, Map<String, String> args, List<SkillCall> out) {
        if (i == s.parameters().size()) {
            out.add(new SkillCall(s.name(), args));
            return;
        }
        Skill.Parameter p = s.parameters().get(i);
        for (Skill.Value v : p.values()) {
            args.put(p.name(), v.name());
            enumerate(s, i + 1, args, out);
        }
        args.remove(p.name());
    }

    /** What is wrong with the library as a whole: calls to unknown skills, cycles, durations and keys of each command. */
    private List<BadFileException> problems() {
        List<BadFileException> out = new ArrayList<>();
        Set<String> broken = new HashSet<>();
        for (Skill s : skills.values()) {
            for (Primitive p : s.body()) {
                if (p instanceof Primitive.Call c) {
                    Skill callee = skills.get(c.skill());
                    if (callee == null) {
                        out.add(new BadFileException(s.source(), c.line(), "calls unknown skill '" + c.skill() + "'"));
                        broken.add(s.name());
                        continue;
                    }
                    for (String a : c.args().keySet()) {
                        if (callee.parameter(a).isEmpty()) {
                            out.add(new BadFileException(s.source(), c.line(), "'" + c.skill() + "' has no parameter '" + a + "'"));
                            broken.add(s.name());
                        }
                    }
                }
            }
            try {
                checkCycle(s, new HashSet<>());
            } catch (BadFileException e) {
                out.add(e);
                broken.add(s.name());
            }
        }
        if (!broken.isEmpty()) {
            return out;
        }
        for (Skill s : skills.values()) {
            // one problem per skill: its commands share the body, so the first names the line
            commands:
            for (SkillCall c : commands) {
                if (!c.skill().equals(s.name())) {
                    continue;
                }
                Map<String, String> b = bindings(c);
                for (Primitive p : s.body()) {
                    try {
                        if (p instanceof Primitive.Hold h) {
                            Duration d = parseDuration(fill(h.duration(), b));
                            String key = fill(h.key(), b);
                            requireKey(key);
                            refuse(can.holdRefusal(key, d));
                        } else if (p instanceof Primitive.Wait w) {
                            parseDuration(fill(w.duration(), b));
                        } else if (p instanceof Primitive.Press pr) {
                            List<String> keys = pr.keys().stream().map(k -> fill(k, b)).toList();
                            keys.forEach(SkillLibrary::requireKey);
                            refuse(can.chordRefusal(keys));
                        } else if (p instanceof Primitive.Publish pub) {
                            refuse(TargetPrimitives.topicRefusal(fill(pub.topic(), b)));
                        } else if (p instanceof Primitive.Call call) {
                            Map<String, String> args = new LinkedHashMap<>();
                            call.args().forEach((k, v) -> args.put(k, fill(v, b)));
                            normalize(new SkillCall(call.skill(), args));
                        }
                    } catch (IllegalArgumentException e) {
                        out.add(new BadFileException(s.source(), p.line(), "for " + c + ": " + e.getMessage()));
                        break commands;
                    }
                }
            }
        }
        return out;
    }

    private static void refuse(String why) {
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
    }

    private static void requireKey(String key) {
        if (!SkillLoader.isKey(key)) {
            throw new IllegalArgumentException("unknown key '" + key + "'");
        }
    }

    private void checkCycle(Skill s, Set<String> path) throws BadFileException {
        if (!path.add(s.name())) {
            throw new BadFileException(s.source(), 1, "skill '" + s.name() + "' calls itself through " + path);
        }
        for (Primitive p : s.body()) {
            if (p instanceof Primitive.Call c && skills.containsKey(c.skill())) {
                checkCycle(skills.get(c.skill()), path);
            }
        }
        path.remove(s.name());
    }
}
