package dev.embody.episode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.file.BadFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A recorded episode on disk: its folder and what meta.json says of it. */
public record Episode(Path dir, JsonNode meta) {

    public static final String META = "meta.json";
    public static final String STEPS = "steps.jsonl";
    public static final String VIDEO = "frames.mp4";
    /**
     * 2: a failed step is a line of its own (failed, failed_at, error); format 1 episodes read as ever. A step line's own
     * fields are versioned apart, by {@link StepRecord#FORMAT} (meta.json's step_format).
     */
    public static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Episode open(Path dir) throws BadFileException {
        Path metaFile = dir.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            throw new BadFileException(metaFile, 0, "missing: not an episode folder");
        }
        try {
            JsonNode meta = JSON.readTree(metaFile.toFile());
            if (meta == null || !meta.isObject() || !meta.has("id") || !meta.has("target")) {
                throw new BadFileException(metaFile, 1, "expected a JSON object with at least 'id' and 'target'");
            }
            return new Episode(dir, meta);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadFileException(metaFile, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadFileException(metaFile, 0, "cannot read: " + e.getMessage());
        }
    }

    /**
     * The folder of the episode {@code id} in {@code root}. An id is a plain name: one with a separator, "." or ".." could
     * name a folder outside root, so it is refused with the reason.
     */
    public static Path inFolder(Path root, String id) {
        if (id == null || id.isBlank() || id.equals(".") || id.equals("..") || id.contains("/") || id.contains("\\")
                || id.indexOf('\0') >= 0 || !root.resolve(id).normalize().startsWith(root.normalize())) {
            throw new IllegalArgumentException("'" + id + "' is not a plain episode id: an id is a folder name in " + root
                    + " (./run episodes list --dir " + root + " lists them), never a path");
        }
        return root.resolve(id);
    }

    /** Whether folder lies in root, links followed: what may be changed through root. */
    public static boolean isIn(Path root, Path folder) {
        try {
            return folder.toRealPath().startsWith(root.toRealPath()) && !folder.toRealPath().equals(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Every episode folder under root, oldest first; folders that are not episodes are skipped. */
    public static List<Episode> list(Path root) throws IOException {
        List<Episode> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.filter(Files::isDirectory).sorted(Comparator.comparing(Path::getFileName)).toList()) {
                try {
                    out.add(open(d));
                } catch (BadFileException e) {
                    // not an episode (or a broken one): `episodes check` reports those
                }
            }
        }
        return out;
    }

    public String id() {
        return meta.path("id").asText();
    }

    public String outcome() {
        return meta.path("outcome").asText("?");
    }

    public long steps() {
        return meta.path("steps").asLong(-1);
    }
}
