package dev.embody.learning;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One saved policy: {@code checkpoints/<target>/vNNNN/} with {@code params.ndlist} (the network) and
 * {@code checkpoint.json} (version, parent, created, device, commands, skills version, metrics).
 */
public record Checkpoint(String version, Path dir, JsonNode meta) {

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

    public int number() {
        return Integer.parseInt(version.substring(1));
    }
}
