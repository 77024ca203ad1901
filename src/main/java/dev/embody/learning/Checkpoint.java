package dev.embody.learning;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One saved policy: {@code checkpoints/<target>/vNNNN/} with {@code params.ndlist} (the network) and
 * {@code checkpoint.json} (version, parent, created, device, the profile and input spec it was trained for, commands,
 * skills version, metrics).
 */
public record Checkpoint(String version, Path dir, JsonNode meta) {

    /** The network's parameters (DJL's block parameter format); the name is kept from the first checkpoints. */
    public static final String PARAMS = "params.ndlist";
    public static final String META = "checkpoint.json";

    public List<String> commands() {
        List<String> out = new ArrayList<>();
        meta.path("commands").forEach(n -> out.add(n.asText()));
        return out;
    }

    public String parent() {
        return meta.path("parent").isNull() ? null : meta.path("parent").asText(null);
    }

    public String skillsVersion() {
        return meta.path("skills_version").asText("");
    }

    public JsonNode metrics() {
        return meta.path("metrics");
    }

    /**
     * The input it was trained to read; null for a checkpoint from before input specs were recorded.
     *
     * @throws IllegalArgumentException its spec is not one (a normalisation of another channel count, a size out of range)
     */
    public dev.embody.planning.InputSpec spec() {
        JsonNode s = meta.path("input_spec");
        if (!s.isObject()) {
            return null;
        }
        List<String> features = new ArrayList<>();
        s.path("features").forEach(f -> features.add(f.asText()));
        JsonNode c = s.path("crop");
        var crop = c.isObject() ? new dev.embody.planning.InputSpec.Crop(c.path("x").asDouble(), c.path("y").asDouble(),
                c.path("width").asDouble(), c.path("height").asDouble()) : null;
        return new dev.embody.planning.InputSpec(s.path("width").asInt(), s.path("height").asInt(), s.path("frames").asInt(1),
                s.path("words").asInt(32), features, crop, normalisation(s.path("normalisation")));
    }

    /** The statistics its input is centred and scaled by; null where it has none (read as levels over 255, as before them). */
    static dev.embody.planning.InputSpec.Normalisation normalisation(JsonNode n) {
        if (!n.isObject()) {
            return null;
        }
        List<Double> mean = new ArrayList<>(), std = new ArrayList<>();
        n.path("mean").forEach(v -> mean.add(v.asDouble(Double.NaN)));
        n.path("std").forEach(v -> std.add(v.asDouble(Double.NaN)));
        return new dev.embody.planning.InputSpec.Normalisation(mean, std);
    }

    /** Whether it was chosen to play greedy (true) or sampled (false); null where it recorded no rules. */
    public Boolean greedy() {
        JsonNode c = meta.path("rules").path("choice");
        return c.isTextual() ? "greedy".equals(c.asText()) : null;
    }

    /** Whether it was chosen to break loops; null where it recorded no rules. */
    public Boolean loopBreaking() {
        JsonNode l = meta.path("rules").path("loop_breaking");
        return l.isBoolean() ? l.booleanValue() : null;
    }

    /** Whether it was chosen to skip moves that changed nothing on a still screen; false where it recorded none (before the rule). */
    public boolean stillScreen() {
        return meta.path("rules").path("still_screen").asBoolean(false);
    }

    /** The profile it was trained for, or "" for an old checkpoint. */
    public String profile() {
        return meta.path("profile").asText("");
    }

    public int number() {
        return Integer.parseInt(version.substring(1));
    }
}
