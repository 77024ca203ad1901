package dev.embody.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.learning.Example;
import dev.embody.planning.InputSpec;
import dev.embody.planning.PolicyInput;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One training example as it travels from an agent to a trainer, and as both keep it on disk (a line of the agent's
 * spool, a line of the trainer's dataset): the example (the input the policy saw, the command, where the label came
 * from, its weight), the input spec it was read for, and an id that makes it idempotent, {@code agent/episode/step}.
 */
public record ExampleMessage(String agent, String episode, long step, String profile, InputSpec spec, Example example, long madeMs) {

    /** More than any example of any profile (a 256x256 input of 8 frames is 1.5 MB; the default 64x36x3 is 21 KB). */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    private static final Pattern EPISODE = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public ExampleMessage {
        FleetTopics.level("agent", agent);
        if (episode == null || !EPISODE.matcher(episode).matches()) {
            throw new IllegalArgumentException("episode must be 1-128 letters, digits, '.', '_' or '-', got '" + episode + "'");
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }

    /** The id an example is known by everywhere: the same example sent twice has the same id. */
    public String id() {
        return id(agent, episode, step);
    }

    public static String id(String agent, String episode, long step) {
        return agent + "/" + episode + "/" + step;
    }

    /** The example as a JSON object (one line: no newline inside). */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id());
        n.put("agent", agent);
        n.put("episode", episode);
        n.put("step", step);
        n.put("profile", profile);
        n.set("input_spec", spec(spec));
        n.put("label", example.label());
        n.put("source", example.source().name().toLowerCase(Locale.ROOT));
        n.put("weight", example.weight());
        n.put("origin", example.origin());
        PolicyInput in = example.input();
        ObjectNode i = n.putObject("input");
        i.put("width", in.width());
        i.put("height", in.height());
        i.put("frames", in.frames());
        i.put("pixels", Base64.getEncoder().encodeToString(in.pixels()));
        if (in.hasTarget()) {
            i.putArray("target").add(in.targetX()).add(in.targetY());
        } else {
            i.putNull("target");
        }
        i.put("task", in.taskText());
        if (in.previous() == null) {
            i.putNull("previous");
        } else {
            i.put("previous", in.previous());
        }
        n.put("made_ms", madeMs);
        return n;
    }

    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode spec(InputSpec s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("width", s.width());
        n.put("height", s.height());
        n.put("frames", s.frames());
        n.put("words", s.words());
        ArrayNode f = n.putArray("features");
        s.features().forEach(f::add);
        if (s.crop() != null) {
            ObjectNode c = n.putObject("crop");
            c.put("x", s.crop().x());
            c.put("y", s.crop().y());
            c.put("width", s.crop().width());
            c.put("height", s.crop().height());
        }
        if (s.normalisation() != null) {
            n.set("normalisation", JSON.valueToTree(s.normalisation()));
        }
        return n;
    }

    /** An input spec as {@link #spec(InputSpec)} writes it (also a checkpoint's and an announcement's). */
    public static InputSpec spec(JsonNode n, String field) throws BadMessage {
        if (n == null || !n.isObject()) {
            throw new BadMessage("'" + field + "' must be an object {width, height, frames, words, features}");
        }
        List<String> features = new ArrayList<>();
        JsonNode f = n.get("features");
        if (f == null || !f.isArray()) {
            throw new BadMessage("'" + field + ".features' must be an array of names");
        }
        for (JsonNode x : f) {
            if (!x.isTextual()) {
                throw new BadMessage("'" + field + ".features' must be an array of names, got " + x);
            }
            features.add(x.asText());
        }
        JsonNode c = n.get("crop");
        if (c != null && !c.isNull() && !(c.isObject() && c.path("x").isNumber() && c.path("y").isNumber() && c.path("width").isNumber() && c.path("height").isNumber())) {
            throw new BadMessage("'" + field + ".crop' must be an object {x, y, width, height} of fractions of the frame, got " + c);
        }
        try {
            InputSpec.Crop crop = c == null || c.isNull() ? null
                    : new InputSpec.Crop(c.path("x").asDouble(), c.path("y").asDouble(), c.path("width").asDouble(), c.path("height").asDouble());
            JsonNode z = n.get("normalisation");
            InputSpec.Normalisation norm = null;
            if (z != null && !z.isNull()) {
                if (!(z.isObject() && z.path("mean").isArray() && z.path("std").isArray())) {
                    throw new BadMessage("'" + field + ".normalisation' must be an object {mean: [...], std: [...]}, a number each per input channel, got " + z);
                }
                List<Double> mean = new ArrayList<>(), std = new ArrayList<>();
                z.path("mean").forEach(v -> mean.add(v.isNumber() ? v.asDouble() : Double.NaN));
                z.path("std").forEach(v -> std.add(v.isNumber() ? v.asDouble() : Double.NaN));
                norm = new InputSpec.Normalisation(mean, std);
            }
            return new InputSpec(whole(n, field + ".width"), whole(n, field + ".height"), whole(n, field + ".frames"),
                    whole(n, field + ".words"), features, crop, norm);
        } catch (IllegalArgumentException e) {
            throw new BadMessage("'" + field + "': " + e.getMessage());
        }
    }

    /**
     * Reads an example, refusing anything that is not one with the reason (the field and what it must be).
     *
     * @param topicAgent the agent the topic names (examples/&lt;profile&gt;/&lt;agent&gt;), which the id must agree with; null: any
     */
    public static ExampleMessage parse(byte[] payload, String topicAgent) throws BadMessage {
        if (payload == null || payload.length == 0) {
            throw new BadMessage("empty payload (expected a JSON example)");
        }
        if (payload.length > MAX_BYTES) {
            throw new BadMessage("payload of " + payload.length + " bytes is over the " + MAX_BYTES + " an example may have");
        }
        JsonNode n;
        try {
            n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new BadMessage("not JSON: " + e.getOriginalMessage());
        }
        return parse(n, topicAgent);
    }

    public static ExampleMessage parse(JsonNode n, String topicAgent) throws BadMessage {
        if (n == null || !n.isObject()) {
            throw new BadMessage("expected a JSON object, got " + (n == null ? "nothing" : n.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        String agent = text(n, "agent", 64);
        String episode = text(n, "episode", 128);
        long step = whole(n, "step");
        ExampleMessage m;
        String label = text(n, "label", 512);
        String sourceName = text(n, "source", 32);
        Example.Source source;
        try {
            source = Example.Source.valueOf(sourceName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadMessage("'source' must be demonstration, correction or approval, got '" + sourceName + "'");
        }
        JsonNode w = n.get("weight");
        if (w == null || !w.isNumber() || !Double.isFinite(w.asDouble()) || w.asDouble() <= 0 || w.asDouble() > 100) {
            throw new BadMessage("'weight' must be a number above 0 and at most 100, got " + w);
        }
        InputSpec spec = spec(n.get("input_spec"), "input_spec");
        JsonNode in = n.get("input");
        if (in == null || !in.isObject()) {
            throw new BadMessage("'input' must be an object {width, height, frames, pixels, target, task, previous}");
        }
        int width = whole(in, "input.width"), height = whole(in, "input.height"), frames = whole(in, "input.frames");
        if (width != spec.width() || height != spec.height() || frames != spec.frames()) {
            throw new BadMessage("'input' is " + width + "x" + height + " x " + frames + " frame(s), but its input_spec says " + spec);
        }
        JsonNode px = in.get("pixels");
        if (px == null || !px.isTextual()) {
            throw new BadMessage("'input.pixels' must be base64 text");
        }
        byte[] pixels;
        try {
            pixels = Base64.getDecoder().decode(px.asText());
        } catch (IllegalArgumentException e) {
            throw new BadMessage("'input.pixels' is not base64: " + e.getMessage());
        }
        if (pixels.length != 3 * frames * width * height) {
            throw new BadMessage("'input.pixels' has " + pixels.length + " bytes; " + frames + " frame(s) of 3x" + height + "x" + width
                    + " need " + 3 * frames * width * height);
        }
        float tx = Float.NaN, ty = Float.NaN;
        JsonNode t = in.get("target");
        if (t != null && !t.isNull()) {
            if (!t.isArray() || t.size() != 2 || !t.get(0).isNumber() || !t.get(1).isNumber()
                    || !Double.isFinite(t.get(0).asDouble()) || !Double.isFinite(t.get(1).asDouble())) {
                throw new BadMessage("'input.target' must be null or [x, y], two finite numbers (fractions of the frame), got " + t);
            }
            tx = (float) t.get(0).asDouble();
            ty = (float) t.get(1).asDouble();
        }
        String task = text(in, "task", 1024);
        JsonNode prev = in.get("previous");
        if (prev != null && !prev.isNull() && !prev.isTextual()) {
            throw new BadMessage("'input.previous' must be null or a command's text, got " + prev);
        }
        String previous = prev == null || prev.isNull() ? null : prev.asText();
        JsonNode origin = n.get("origin");
        String profile = text(n, "profile", 64);
        long made = n.path("made_ms").isIntegralNumber() ? n.get("made_ms").asLong() : 0;
        try {
            PolicyInput input = new PolicyInput(pixels, width, height, frames, tx, ty, task, previous);
            Example e = new Example(input, label, source, (float) w.asDouble(), origin != null && origin.isTextual() ? origin.asText() : "");
            m = new ExampleMessage(agent, episode, step, profile, spec, e, made);
        } catch (IllegalArgumentException e) {
            throw new BadMessage(e.getMessage());
        }
        JsonNode id = n.get("id");
        if (id == null || !id.isTextual() || !id.asText().equals(m.id())) {
            throw new BadMessage("'id' must be agent/episode/step, here '" + m.id() + "', got " + id);
        }
        if (topicAgent != null && !topicAgent.equals(agent)) {
            throw new BadMessage("'agent' is '" + agent + "' but it came on agent '" + topicAgent + "''s topic");
        }
        return m;
    }

    private static String text(JsonNode n, String field, int max) throws BadMessage {
        JsonNode v = n.get(field.contains(".") ? field.substring(field.lastIndexOf('.') + 1) : field);
        if (v == null || !v.isTextual() || v.asText().isEmpty() || v.asText().length() > max) {
            throw new BadMessage("'" + field + "' must be text of 1-" + max + " characters, got " + (v == null ? "nothing" : abbreviate(v.toString())));
        }
        return v.asText();
    }

    private static int whole(JsonNode n, String field) throws BadMessage {
        JsonNode v = n.get(field.contains(".") ? field.substring(field.lastIndexOf('.') + 1) : field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new BadMessage("'" + field + "' must be a whole number >= 0, got " + (v == null ? "nothing" : abbreviate(v.toString())));
        }
        return v.asInt();
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
