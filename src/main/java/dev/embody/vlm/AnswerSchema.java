package dev.embody.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON an answer must be: a JSON schema, sent to the server as {@code response_format} where it takes one (so a
 * constrained decoder can only produce it) and always checked again on arrival, since a server may ignore it. Schemas
 * are written in the strict subset OpenAI's structured outputs accept: every property required, no others allowed,
 * a value that may be absent typed {@code [T, "null"]}. The validator knows exactly the keywords these schemas use and
 * refuses to build a schema with any other, so no rule is silently skipped.
 *
 * <pre>{@code
 * AnswerSchema plan = AnswerSchema.object("embody_plan", Map.of(
 *         "command", AnswerSchema.oneOf(List.of("move(direction=left, amount=small)", "wait")),
 *         "reason", AnswerSchema.text(300)));
 * List<String> problems = plan.problems(answer);   // empty: it is what was asked for
 * }</pre>
 */
public record AnswerSchema(String name, ObjectNode schema) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "enum", "items",
            "minItems", "maxItems", "minimum", "maximum", "minLength", "maxLength", "description", "title");

    public AnswerSchema {
        checkKeywords(schema, "$");
    }

    // ---- building ----

    /** An object whose every property is required and nothing else is allowed (strict structured output). */
    public static AnswerSchema object(String name, Map<String, ObjectNode> properties) {
        ObjectNode s = objectNode(properties);
        s.put("title", name);
        return new AnswerSchema(name, s);
    }

    public static ObjectNode objectNode(Map<String, ObjectNode> properties) {
        ObjectNode s = typed("object");
        ObjectNode props = s.putObject("properties");
        ArrayNode required = s.putArray("required");
        // a stable order: the order the caller listed (LinkedHashMap) or by name
        Map<String, ObjectNode> ordered = properties instanceof java.util.LinkedHashMap ? properties : new java.util.TreeMap<>(properties);
        ordered.forEach((k, v) -> {
            props.set(k, v);
            required.add(k);
        });
        s.put("additionalProperties", false);
        return s;
    }

    public static ObjectNode text(int maxLength) {
        return typed("string").put("maxLength", maxLength);
    }

    public static ObjectNode oneOf(List<String> values) {
        ObjectNode s = typed("string");
        ArrayNode e = s.putArray("enum");
        values.forEach(e::add);
        return s;
    }

    public static ObjectNode bool() {
        return typed("boolean");
    }

    public static ObjectNode number(double min, double max) {
        return typed("number").put("minimum", min).put("maximum", max);
    }

    /** Any finite number: where a bound depends on the image, the module's check says what is wrong. */
    public static ObjectNode number() {
        return typed("number");
    }

    public static ObjectNode list(ObjectNode items, int maxItems) {
        ObjectNode s = typed("array");
        s.set("items", items);
        return s.put("maxItems", maxItems);
    }

    /** A schema of one JSON type, its bounds still to add. */
    private static ObjectNode typed(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /** The same schema, or null. */
    public static ObjectNode orNull(ObjectNode s) {
        ObjectNode copy = s.deepCopy();
        ArrayNode types = JSON.createArrayNode().add(s.path("type").asText()).add("null");
        copy.set("type", types);
        if (copy.has("enum")) {
            ((ArrayNode) copy.get("enum")).addNull();
        }
        return copy;
    }

    /** What response_format carries: {"type": "json_schema", "json_schema": {"name", "strict", "schema"}}. */
    public ObjectNode responseFormat() {
        ObjectNode f = JSON.createObjectNode().put("type", "json_schema");
        ObjectNode js = f.putObject("json_schema");
        js.put("name", name);
        js.put("strict", true);
        js.set("schema", schema);
        return f;
    }

    // ---- checking ----

    /** Where the value differs from the schema, one line a problem ("$.command: 'fly' is not one of ..."); empty: it fits. */
    public List<String> problems(JsonNode value) {
        List<String> out = new ArrayList<>();
        check(schema, value, "$", out);
        return out;
    }

    private static void check(JsonNode s, JsonNode v, String at, List<String> out) {
        if (s.has("type") && !typeFits(s.get("type"), v)) {
            out.add(at + ": expected " + (s.get("type").isArray() ? join(s.get("type")) : s.get("type").asText()) + ", got " + kind(v));
            return;
        }
        if (v == null || v.isNull()) {
            return;
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                out.add(at + ": " + brief(v) + " is not one of the allowed values (" + s.get("enum").size() + " of them)");
            }
        }
        if (v.isTextual()) {
            if (s.has("maxLength") && v.asText().length() > s.get("maxLength").asInt()) {
                out.add(at + ": text of " + v.asText().length() + " characters, at most " + s.get("maxLength").asInt() + " allowed");
            }
            if (s.has("minLength") && v.asText().length() < s.get("minLength").asInt()) {
                out.add(at + ": text of " + v.asText().length() + " characters, at least " + s.get("minLength").asInt() + " needed");
            }
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            if (!Double.isFinite(d) || s.has("minimum") && d < s.get("minimum").asDouble() || s.has("maximum") && d > s.get("maximum").asDouble()) {
                out.add(at + ": " + v + " is outside [" + s.path("minimum").asText("-inf") + ", " + s.path("maximum").asText("inf") + "]");
            }
        }
        if (v.isArray()) {
            if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
                out.add(at + ": " + v.size() + " items, at most " + s.get("maxItems").asInt() + " allowed");
            }
            if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
                out.add(at + ": " + v.size() + " items, at least " + s.get("minItems").asInt() + " needed");
            }
            if (s.has("items")) {
                for (int i = 0; i < v.size() && out.size() < 20; i++) {
                    check(s.get("items"), v.get(i), at + "[" + i + "]", out);
                }
            }
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) {
                    out.add(at + ": '" + r.asText() + "' is missing");
                }
            }
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    check(props.get(f.getKey()), f.getValue(), at + "." + f.getKey(), out);
                } else if (s.has("additionalProperties") && !s.get("additionalProperties").asBoolean(true)) {
                    out.add(at + ": '" + f.getKey() + "' is not a field of the answer");
                }
            }
        }
    }

    private static boolean typeFits(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeFits(t, v)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "null" -> v == null || v.isNull();
            case "string" -> v != null && v.isTextual();
            case "boolean" -> v != null && v.isBoolean();
            case "number" -> v != null && v.isNumber();
            case "integer" -> v != null && (v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "array" -> v != null && v.isArray();
            case "object" -> v != null && v.isObject();
            default -> false;
        };
    }

    private static String kind(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        return v.isTextual() ? "text " + brief(v) : v.isNumber() ? "number " + v : v.isBoolean() ? "boolean" : v.isArray() ? "a list" : "an object";
    }

    private static String brief(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String join(JsonNode types) {
        List<String> t = new ArrayList<>();
        types.forEach(x -> t.add(x.asText()));
        return String.join(" or ", t);
    }

    private static void checkKeywords(JsonNode s, String at) {
        Iterator<String> names = s.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!KEYWORDS.contains(k)) {
                throw new IllegalArgumentException("answer schema " + at + ": keyword '" + k + "' is not one this validator checks " + KEYWORDS);
            }
        }
        s.path("properties").fields().forEachRemaining(e -> checkKeywords(e.getValue(), at + "." + e.getKey()));
        if (s.has("items")) {
            checkKeywords(s.get("items"), at + "[]");
        }
    }
}
