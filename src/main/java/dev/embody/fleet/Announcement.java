package dev.embody.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.planning.InputSpec;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a trainer says of a checkpoint: its version and parent, the sha256 and size of its package, how many chunks
 * carry it and where, the input it reads, who made it; retained on {@code checkpoints/<profile>/<version>} (its
 * manifest) and, for the version every agent is to run, on {@code policy/<profile>}. A rollback announces an earlier
 * manifest again, saying who did and from which version.
 *
 * @param by           who announced it: the trainer, or "agent a1 (console)", "policy use"
 * @param rollbackFrom the version it replaces when it is a rollback; null otherwise
 */
public record Announcement(String profile, String version, String parent, String sha256, long size, int chunks, int chunkBytes,
                           InputSpec spec, int commands, String trainer, long leaseTerm, String score, String created,
                           String by, String rollbackFrom, long announcedMs) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("v\\d{4}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");
    public static final long MAX_SIZE = 256L * 1024 * 1024;

    /** The same checkpoint announced again by someone else (a rollback, or after a broker restart). */
    public Announcement announcedBy(String who, String from) {
        return new Announcement(profile, version, parent, sha256, size, chunks, chunkBytes, spec, commands, trainer, leaseTerm,
                score, created, who, from, System.currentTimeMillis());
    }

    public byte[] toBytes(FleetTopics topics) {
        ObjectNode n = JSON.createObjectNode();
        n.put("profile", profile);
        n.put("version", version);
        if (parent == null) {
            n.putNull("parent");
        } else {
            n.put("parent", parent);
        }
        n.put("sha256", sha256);
        n.put("size", size);
        n.put("chunks", chunks);
        n.put("chunk_bytes", chunkBytes);
        n.set("input_spec", ExampleMessage.spec(spec));
        n.put("commands", commands);
        n.put("trainer", trainer);
        n.put("lease_term", leaseTerm);
        n.put("score", score);
        n.put("created", created);
        n.putObject("fetch").put("topic", topics.chunks(profile, version)).put("chunks", chunks);
        n.put("announced_by", by);
        if (rollbackFrom != null) {
            n.put("rollback_from", rollbackFrom);
        }
        n.put("announced_ms", announcedMs);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads an announcement (or a manifest), refusing what is not one, naming the field.
     *
     * @param profile the profile its topic names: it must be the one it speaks of
     */
    public static Announcement parse(byte[] payload, FleetTopics topics, String profile) throws BadMessage {
        if (payload == null || payload.length == 0) {
            throw new BadMessage("empty payload (expected a JSON announcement)");
        }
        if (payload.length > 64 * 1024) {
            throw new BadMessage("payload of " + payload.length + " bytes is over the 65536 an announcement may have");
        }
        JsonNode n;
        try {
            n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new BadMessage("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadMessage("expected a JSON object");
        }
        String p = text(n, "profile");
        if (!p.equals(profile)) {
            throw new BadMessage("'profile' is '" + p + "' but it came on " + profile + "'s topic");
        }
        String version = text(n, "version");
        if (!VERSION.matcher(version).matches()) {
            throw new BadMessage("'version' must be a checkpoint version such as v0003, got '" + version + "'");
        }
        JsonNode par = n.get("parent");
        String parent = null;
        if (par != null && !par.isNull()) {
            if (!par.isTextual() || !VERSION.matcher(par.asText()).matches()) {
                throw new BadMessage("'parent' must be null or a version such as v0002, got " + par);
            }
            parent = par.asText();
        }
        String sha = text(n, "sha256");
        if (!SHA.matcher(sha).matches()) {
            throw new BadMessage("'sha256' must be 64 lower-case hex digits, got '" + ExampleMessage.abbreviate(sha) + "'");
        }
        long size = whole(n, "size", 1, MAX_SIZE);
        int chunkBytes = (int) whole(n, "chunk_bytes", 1024, 16 * 1024 * 1024);
        int chunks = (int) whole(n, "chunks", 1, 100_000);
        if (chunks != (size + chunkBytes - 1) / chunkBytes) {
            throw new BadMessage("'chunks' is " + chunks + " but " + size + " bytes in chunks of " + chunkBytes + " make " + (size + chunkBytes - 1) / chunkBytes);
        }
        InputSpec spec = ExampleMessage.spec(n.get("input_spec"), "input_spec");
        JsonNode fetch = n.get("fetch");
        String expected = topics.chunks(profile, version);
        if (fetch == null || !fetch.path("topic").isTextual() || !fetch.path("topic").asText().equals(expected)) {
            throw new BadMessage("'fetch.topic' must be " + expected + " (the fleet's chunks of this version), got " + (fetch == null ? "nothing" : fetch.path("topic")));
        }
        int commands = n.path("commands").isInt() ? n.get("commands").asInt() : -1;
        JsonNode rb = n.get("rollback_from");
        return new Announcement(profile, version, parent, sha, size, chunks, chunkBytes, spec, commands, n.path("trainer").asText(""),
                n.path("lease_term").asLong(0), n.path("score").asText(""), n.path("created").asText(""), n.path("announced_by").asText(""),
                rb != null && rb.isTextual() ? rb.asText() : null, n.path("announced_ms").asLong(0));
    }

    private static String text(JsonNode n, String field) throws BadMessage {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new BadMessage("'" + field + "' must be text, got " + (v == null ? "nothing" : ExampleMessage.abbreviate(v.toString())));
        }
        return v.asText();
    }

    private static long whole(JsonNode n, String field, long min, long max) throws BadMessage {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new BadMessage("'" + field + "' must be a whole number from " + min + " to " + max + ", got " + (v == null ? "nothing" : v));
        }
        return v.asLong();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (parent %s, %d bytes in %d chunk(s), sha256 %s..., by %s%s)", version,
                parent == null ? "none" : parent, size, chunks, sha256.substring(0, 12), by, rollbackFrom == null ? "" : ", rollback from " + rollbackFrom);
    }
}
