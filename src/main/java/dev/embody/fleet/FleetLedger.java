package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a fleet's own records say happened to its examples: every id the agents' spools hold (made, kept on disk, sent),
 * every id the trainers' datasets hold, and the checkpoints. Lost: published, not refused, in no dataset. Doubled:
 * an id that is in the datasets more than once (in two trainers', or twice in one). Nothing here is assumed: it reads
 * the files.
 *
 * @param trained      examples the checkpoint in use was trained through (its dataset records)
 * @param unknown      ids in a dataset that no agent's spool holds (an agent whose folder is elsewhere, or a stray)
 * @param checkpoints  checkpoints written (the untrained first one, adopted and rejected rounds)
 */
public record FleetLedger(int agents, int trainers, long published, long stored, long trained, long lost, long doubled, long refused,
                          long unknown, int checkpoints, int adopted, List<String> lostIds, List<String> doubledIds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the records under a fleet folder: agents/&lt;id&gt;/spool, datasets/&lt;trainer&gt;, checkpoints/&lt;profile&gt;. */
    public static FleetLedger count(Path fleetDir, String profile) throws IOException {
        Set<String> published = new LinkedHashSet<>(), refused = new HashSet<>();
        int agents = 0;
        Path agentsDir = fleetDir.resolve("agents");
        for (Path a : folders(agentsDir)) {
            Path spool = a.resolve("spool").resolve(Spool.EXAMPLES);
            if (!Files.isRegularFile(spool)) {
                continue;
            }
            agents++;
            published.addAll(ids(spool));
            Path receipts = a.resolve("spool").resolve(Spool.RECEIPTS);
            if (Files.isRegularFile(receipts)) {
                for (JsonNode n : lines(receipts)) {
                    if (n.has("refused")) {
                        refused.add(n.path("id").asText());
                    }
                }
            }
        }
        Map<String, Integer> occurrences = new HashMap<>();
        int trainers = 0;
        for (Path t : folders(fleetDir.resolve("datasets"))) {
            Path file = t.resolve(FleetDataset.FILE);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            trainers++;
            for (String id : idList(file)) {
                occurrences.merge(id, 1, Integer::sum);
            }
        }
        List<String> lost = new ArrayList<>(), doubled = new ArrayList<>();
        long stored = 0, unknown = 0;
        for (String id : published) {
            if (occurrences.containsKey(id)) {
                stored++;
            } else if (!refused.contains(id)) {
                lost.add(id);
            }
        }
        long doubles = 0;
        for (var e : occurrences.entrySet()) {
            if (e.getValue() > 1) {
                doubles += e.getValue() - 1;
                doubled.add(e.getKey());
            }
            if (!published.contains(e.getKey())) {
                unknown++;
            }
        }
        Checkpoints store = Checkpoints.forTarget(fleetDir.resolve("checkpoints"), profile);
        List<Checkpoint> all = store.list();
        int adopted = (int) all.stream().filter(c -> c.metrics().path("adopted").asBoolean(false)).count();
        long trained = 0;
        Optional<Checkpoint> current;
        try {
            current = store.current();
        } catch (dev.embody.file.BadFileException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (current.isPresent()) {
            for (JsonNode n : current.get().metrics().path("dataset_records")) {
                trained += n.asLong();
            }
        }
        return new FleetLedger(agents, trainers, published.size(), stored, trained, lost.size(), doubles, refused.size(), unknown,
                all.size(), adopted, lost, doubled);
    }

    /** The line {@code fleet demo} ends with. */
    public String summary() {
        return String.format(Locale.ROOT, "summary: agents=%d trainers=%d examples_published=%d examples_trained=%d lost=%d doubled=%d checkpoints=%d",
                agents, trainers, published, trained, lost, doubled, checkpoints);
    }

    private static List<Path> folders(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<String> idList(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode n : lines(file)) {
            String id = n.path("id").asText("");
            if (!id.isEmpty()) {
                out.add(id);
            }
        }
        return out;
    }

    private static Set<String> ids(Path file) throws IOException {
        return new LinkedHashSet<>(idList(file));
    }

    /** Complete lines only: a torn last line (a crash mid-write) was never sent, nor acknowledged. */
    private static List<JsonNode> lines(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        List<JsonNode> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                String line = new String(b, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    // a line that is not JSON holds no id
                }
            }
        }
        return out;
    }
}
