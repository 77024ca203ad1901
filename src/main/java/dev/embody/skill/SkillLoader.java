package dev.embody.skill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.embody.file.BadFileException;
import dev.embody.file.YamlDocument;

import java.awt.event.KeyEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads skill files and rejects a bad one with its path, line and reason. Loading never runs anything. */
public final class SkillLoader {

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    static final Pattern SLOT = Pattern.compile("\\{([a-z][a-z0-9_]*)(?:\\.([a-z][a-z0-9_]*))?}");
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "tags", "parameters", "phrases", "body");
    private static final Set<String> PRIMITIVES = TargetPrimitives.ALL;

    private SkillLoader() {
    }

    /**
     * Every skill file of a directory that loads, in name order; each one that does not adds its problem (file, line,
     * reason), so a check can report them all.
     *
     * @throws BadFileException where the folder itself is not one of skill files
     */
    public static List<Skill> loadEach(Path dir, List<BadFileException> problems) throws BadFileException {
        if (!Files.isDirectory(dir)) {
            throw new BadFileException(dir, 0, "not a directory of skill files");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new BadFileException(dir, 0, "cannot list: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new BadFileException(dir, 0, "holds no skill files (*.yaml)");
        }
        List<Skill> skills = new ArrayList<>();
        for (Path f : files) {
            try {
                skills.add(load(f));
            } catch (BadFileException e) {
                problems.add(e);
            }
        }
        return skills;
    }

    public static Skill load(Path file) throws BadFileException {
        return load(YamlDocument.read(file));
    }

    /** A skill from YAML text (taught at run time, proposed by a model); {@code as} is the file it would be. */
    public static Skill parse(Path as, String yaml) throws BadFileException {
        return load(YamlDocument.parse(as, yaml));
    }

    private static Skill load(YamlDocument doc) throws BadFileException {
        Path file = doc.path();
        JsonNode root = doc.root();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_KEYS.contains(key)) {
                throw doc.error("/" + key, "unknown field '" + key + "' (expected one of " + String.join(", ", new java.util.TreeSet<>(TOP_KEYS)) + ")");
            }
        }
        String name = text(doc, root, "/name", true);
        if (!NAME.matcher(name).matches()) {
            throw doc.error("/name", "skill name '" + name + "' must be lower case letters, digits and _ , starting with a letter");
        }
        String description = text(doc, root, "/description", true);
        Set<String> tags = new LinkedHashSet<>();
        JsonNode tagNode = root.get("tags");
        if (tagNode != null) {
            if (!tagNode.isArray()) {
                throw doc.error("/tags", "'tags' must be a list of words");
            }
            tagNode.forEach(t -> tags.add(t.asText()));
        }
        List<Skill.Parameter> parameters = parameters(doc, root.get("parameters"));
        List<Skill.Phrase> phrases = phrases(doc, root.get("phrases"), parameters);
        JsonNode bodyNode = root.get("body");
        if (bodyNode == null || !bodyNode.isArray() || bodyNode.isEmpty()) {
            throw doc.error("/body", "'body' must be a non-empty list of primitives (" + String.join(", ", new java.util.TreeSet<>(PRIMITIVES)) + ")");
        }
        List<Primitive> body = new ArrayList<>();
        for (int i = 0; i < bodyNode.size(); i++) {
            body.add(primitive(doc, bodyNode.get(i), "/body/" + i, parameters));
        }
        return new Skill(name, description, Set.copyOf(tags), List.copyOf(parameters), List.copyOf(phrases), List.copyOf(body), file);
    }

    private static List<Skill.Parameter> parameters(YamlDocument doc, JsonNode node) throws BadFileException {
        List<Skill.Parameter> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw doc.error("/parameters", "'parameters' must map each parameter name to its values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String pname = e.getKey();
            String ptr = "/parameters/" + pname;
            if (!NAME.matcher(pname).matches()) {
                throw doc.error(ptr, "parameter name '" + pname + "' must be lower case letters, digits and _");
            }
            JsonNode spec = e.getValue();
            JsonNode valuesNode = spec.isObject() ? spec.get("values") : spec;
            List<Skill.Value> values = new ArrayList<>();
            if (valuesNode != null && valuesNode.isArray()) {
                for (JsonNode v : valuesNode) {
                    values.add(new Skill.Value(v.asText(), Map.of(), List.of()));
                }
            } else if (valuesNode != null && valuesNode.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> vi = valuesNode.fields(); vi.hasNext(); ) {
                    Map.Entry<String, JsonNode> ve = vi.next();
                    values.add(value(doc, ptr + "/values/" + ve.getKey(), ve.getKey(), ve.getValue()));
                }
            } else {
                throw doc.error(ptr, "parameter '" + pname + "' needs 'values': a list, or a mapping of value to its attributes");
            }
            if (values.isEmpty()) {
                throw doc.error(ptr, "parameter '" + pname + "' has no values");
            }
            String def = spec.isObject() && spec.has("default") ? spec.get("default").asText() : null;
            Skill.Parameter p = new Skill.Parameter(pname, def, List.copyOf(values));
            if (def != null && p.value(def).isEmpty()) {
                throw doc.error(ptr + "/default", "default '" + def + "' is not one of " + p.valueNames());
            }
            out.add(p);
        }
        return out;
    }

    private static Skill.Value value(YamlDocument doc, String ptr, String name, JsonNode node) throws BadFileException {
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> synonyms = new ArrayList<>();
        List<String> spoken = new ArrayList<>();
        boolean speaks = false;
        if (node != null && node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                if (a.getKey().equals("say")) {
                    if (!a.getValue().isArray()) {
                        throw doc.error(ptr + "/say", "'say' must be a list of words people use for '" + name + "'");
                    }
                    a.getValue().forEach(s -> synonyms.add(s.asText().toLowerCase(Locale.ROOT)));
                } else if (a.getKey().equals("speak")) {
                    if (!a.getValue().isArray()) {
                        throw doc.error(ptr + "/speak", "'speak' must be a list of the words a recogniser listens for for '" + name + "'");
                    }
                    speaks = true;
                    a.getValue().forEach(s -> spoken.add(s.asText().toLowerCase(Locale.ROOT)));
                } else {
                    attributes.put(a.getKey(), a.getValue().asText());
                }
            }
        } else if (node != null && !node.isNull()) {
            throw doc.error(ptr, "value '" + name + "' must map attribute names to values (e.g. {key: LEFT, say: [left]})");
        }
        return new Skill.Value(name, Map.copyOf(attributes), List.copyOf(synonyms), List.copyOf(speaks ? spoken : synonyms));
    }

    private static List<Skill.Phrase> phrases(YamlDocument doc, JsonNode node, List<Skill.Parameter> params) throws BadFileException {
        List<Skill.Phrase> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw doc.error("/phrases", "'phrases' must be a list of what an operator might say");
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode p = node.get(i);
            String ptr = "/phrases/" + i;
            String text;
            Map<String, String> fixed = new LinkedHashMap<>();
            if (p.isTextual()) {
                text = p.asText();
            } else if (p.isObject() && p.has("say")) {
                text = p.get("say").asText();
                for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!f.getKey().equals("say")) {
                        fixed.put(f.getKey(), f.getValue().asText());
                    }
                }
            } else {
                throw doc.error(ptr, "a phrase is a string, or {say: \"...\", param: value}");
            }
            Matcher m = SLOT.matcher(text);
            while (m.find()) {
                if (params.stream().noneMatch(q -> q.name().equals(m.group(1))) || m.group(2) != null) {
                    throw doc.error(ptr, "phrase slot {" + m.group(0).replaceAll("[{}]", "") + "} is not a parameter of this skill");
                }
            }
            for (Map.Entry<String, String> f : fixed.entrySet()) {
                Skill.Parameter q = params.stream().filter(x -> x.name().equals(f.getKey())).findFirst()
                        .orElseThrow(() -> doc.error(ptr + "/" + f.getKey(), "'" + f.getKey() + "' is not a parameter of this skill"));
                if (q.value(f.getValue()).isEmpty()) {
                    throw doc.error(ptr + "/" + f.getKey(), "'" + f.getValue() + "' is not a value of '" + q.name() + "' " + q.valueNames());
                }
            }
            out.add(new Skill.Phrase(text.toLowerCase(Locale.ROOT).strip(), Map.copyOf(fixed)));
        }
        return out;
    }

    private static Primitive primitive(YamlDocument doc, JsonNode node, String ptr, List<Skill.Parameter> params) throws BadFileException {
        if (node == null || !node.isObject()) {
            throw doc.error(ptr, "a body step must be a mapping such as {press: ENTER} or {hold: LEFT, for: 200ms}");
        }
        String kind = null;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (PRIMITIVES.contains(k)) {
                if (kind != null) {
                    throw doc.error(ptr, "one primitive per step, found both '" + kind + "' and '" + k + "'");
                }
                kind = k;
            } else if (!k.equals("for")) {
                throw doc.error(ptr + "/" + k, "unknown primitive '" + k + "' (expected one of " + String.join(", ", new java.util.TreeSet<>(PRIMITIVES)) + ")");
            }
        }
        if (kind == null) {
            throw doc.error(ptr, "no primitive in this step (expected one of " + String.join(", ", new java.util.TreeSet<>(PRIMITIVES)) + ")");
        }
        int line = doc.lineOf(ptr + "/" + kind);
        JsonNode v = node.get(kind);
        String vptr = ptr + "/" + kind;
        Primitive p = switch (kind) {
            case "press" -> {
                List<String> keys = new ArrayList<>();
                if (v.isArray()) {
                    v.forEach(k -> keys.add(k.asText()));
                } else {
                    for (String k : v.asText().split("\\+")) {
                        keys.add(k.strip());
                    }
                }
                for (String k : keys) {
                    checkKey(doc, vptr, k, params);
                }
                yield new Primitive.Press(List.copyOf(keys), line);
            }
            case "hold" -> {
                if (!node.has("for")) {
                    throw doc.error(vptr, "'hold' needs 'for: DURATION' (e.g. for: 200ms)");
                }
                checkKey(doc, vptr, v.asText(), params);
                yield new Primitive.Hold(v.asText(), node.get("for").asText(), line);
            }
            case "type" -> new Primitive.Type(v.asText(), line);
            case "mouse_move" -> {
                if (!v.isObject()) {
                    throw doc.error(vptr, "'mouse_move' needs {x: , y: }, {to: ENTITY} or {dx: , dy: }");
                }
                boolean relative = v.has("dx") || v.has("dy");
                yield new Primitive.MouseMove(str(v, relative ? "dx" : "x"), str(v, relative ? "dy" : "y"), str(v, "to"), relative, line);
            }
            case "click" -> {
                if (v.isObject()) {
                    yield new Primitive.Click(v.has("button") ? v.get("button").asText() : "left", str(v, "x"), str(v, "y"),
                            str(v, "at"), v.has("count") ? v.get("count").asInt(1) : 1, line);
                }
                yield new Primitive.Click(v.asText("left"), null, null, null, 1, line);
            }
            case "scroll" -> new Primitive.Scroll(v.asText(), line);
            case "publish" -> {
                if (!v.isObject() || !v.has("topic")) {
                    throw doc.error(vptr, "'publish' needs {topic: ..., payload: ...}");
                }
                String topic = v.get("topic").asText();
                if (!SLOT.matcher(topic).find() && TargetPrimitives.topicRefusal(topic) != null) {
                    throw doc.error(vptr + "/topic", TargetPrimitives.topicRefusal(topic));
                }
                JsonNode payload = v.get("payload");
                yield new Primitive.Publish(topic, payload == null ? "{}" : payload.isTextual() ? payload.asText() : payload.toString(), line);
            }
            case "wait" -> new Primitive.Wait(v.asText(), line);
            case "call" -> {
                if (v.isTextual()) {
                    yield new Primitive.Call(v.asText(), Map.of(), line);
                }
                if (!v.isObject() || !v.has("skill")) {
                    throw doc.error(vptr, "'call' needs a skill name, or {skill: NAME, args: {...}}");
                }
                Map<String, String> args = new LinkedHashMap<>();
                JsonNode a = v.get("args");
                if (a != null) {
                    a.fields().forEachRemaining(f -> args.put(f.getKey(), f.getValue().asText()));
                }
                yield new Primitive.Call(v.get("skill").asText(), Map.copyOf(args), line);
            }
            case "release_all" -> new Primitive.ReleaseAll(line);
            default -> throw new IllegalStateException(kind);
        };
        checkSlots(doc, ptr, node.toString(), params);
        return p;
    }

    private static String str(JsonNode node, String field) {
        return node.has(field) ? node.get(field).asText() : null;
    }

    private static void checkKey(YamlDocument doc, String ptr, String key, List<Skill.Parameter> params) throws BadFileException {
        if (SLOT.matcher(key).find()) {
            return;
        }
        if (!isKey(key)) {
            throw doc.error(ptr, "unknown key '" + key + "' (use java.awt.event.KeyEvent names without VK_: LEFT, A, ENTER, CONTROL)");
        }
    }

    /** Whether java.awt.event.KeyEvent has VK_NAME. */
    public static boolean isKey(String key) {
        try {
            KeyEvent.class.getField("VK_" + key.toUpperCase(Locale.ROOT));
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static void checkSlots(YamlDocument doc, String ptr, String text, List<Skill.Parameter> params) throws BadFileException {
        Matcher m = SLOT.matcher(text);
        while (m.find()) {
            String pname = m.group(1);
            String attr = m.group(2);
            Skill.Parameter p = params.stream().filter(x -> x.name().equals(pname)).findFirst()
                    .orElseThrow(() -> doc.error(ptr, "slot {" + pname + (attr == null ? "" : "." + attr) + "} names no parameter of this skill"));
            if (attr != null) {
                for (Skill.Value v : p.values()) {
                    if (!v.attributes().containsKey(attr)) {
                        throw doc.error(ptr, "slot {" + pname + "." + attr + "}: value '" + v.name() + "' of '" + pname + "' has no attribute '" + attr + "'");
                    }
                }
            }
        }
    }

    private static String text(YamlDocument doc, JsonNode root, String ptr, boolean required) throws BadFileException {
        JsonNode n = root.at(ptr);
        if (n.isMissingNode() || n.isNull() || n.asText().isBlank()) {
            if (required) {
                throw doc.error(ptr, "missing required field '" + ptr.substring(1) + "'");
            }
            return null;
        }
        if (!n.isValueNode()) {
            throw doc.error(ptr, "'" + ptr.substring(1) + "' must be text");
        }
        return n.asText().strip();
    }
}
