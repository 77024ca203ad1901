package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A trainer's dataset on disk, {@code <fleet folder>/datasets/<trainer>/examples.jsonl}, one example a line, and its
 * view of every other trainer's dataset in the same fleet folder. The trainers of a fleet share that folder (one
 * machine, or a shared volume), as they share the checkpoints: it is how the trainer that trains sees every example,
 * and how a trainer that takes over resumes. An example is appended only if no trainer's dataset has its id yet, under
 * a lock on the folder that every trainer takes, and synced before {@link #store} returns: so an example is in exactly
 * one dataset, once, whichever trainer got it and however often it was sent.
 */
public final class FleetDataset implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetDataset.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE = "examples.jsonl";
    /** File locks are per process; trainers in one process (the demo) also queue on this. */
    private static final Map<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

    /** One stored example: whose dataset holds it, at which record. */
    public record Record(String trainer, int index, ExampleMessage message, long storedMs) {
    }

    /** What {@link #store} did with a batch: stored here, or already in a dataset (whose). */
    public record Outcome(List<ExampleMessage> stored, Map<String, String> duplicates) {
    }

    /** One trainer's file as read so far. */
    private static final class DatasetFile {
        final String trainer;
        final Path path;
        long offset;
        int line;
        final List<Record> records = new ArrayList<>();

        DatasetFile(String trainer, Path path) {
            this.trainer = trainer;
            this.path = path;
        }
    }

    private final Path root;
    private final String trainer;
    private final FileChannel own;
    private final FileChannel lockFile;
    private final FileLock owner;
    private final Object inProcess;
    private final Map<String, DatasetFile> files = new TreeMap<>();
    private final Map<String, String> known = new HashMap<>();

    private FleetDataset(Path root, String trainer, FileChannel own, FileChannel lockFile, FileLock owner) {
        this.root = root;
        this.trainer = trainer;
        this.own = own;
        this.lockFile = lockFile;
        this.owner = owner;
        this.inProcess = IN_PROCESS.computeIfAbsent(root.toAbsolutePath().normalize(), k -> new Object());
    }

    /**
     * Opens trainer {@code trainer}'s dataset under {@code root} (the fleet folder's datasets/); one process per trainer.
     *
     * @throws IOException another process runs this trainer, or the folder cannot be written
     */
    public static FleetDataset open(Path root, String trainer) throws IOException {
        FleetTopics.level("trainer id", trainer);
        Path dir = root.resolve(trainer);
        Files.createDirectories(dir);
        FileLock lock = JsonLines.own(dir, "trainer '" + trainer + "' already runs on " + root + " (give each trainer its own --trainer-id)");
        Path file = dir.resolve(FILE);
        // never acknowledged (that waits for the sync), so its sender sends it again
        JsonLines.cutTornTail(file, log, "");
        FleetDataset d = new FleetDataset(root, trainer, JsonLines.appending(file),
                FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE), lock);
        d.refresh();
        return d;
    }

    public String trainer() {
        return trainer;
    }

    public Path root() {
        return root;
    }

    /**
     * Appends the examples no dataset has yet and syncs them to disk; an id some dataset already has (this one's or
     * another trainer's) is a duplicate and is not written again.
     */
    public Outcome store(List<ExampleMessage> batch) throws IOException {
        synchronized (inProcess) {
            synchronized (this) {
                try (FileLock l = lockFile.lock()) {
                    refresh();
                    List<ExampleMessage> stored = new ArrayList<>();
                    Map<String, String> duplicates = new LinkedHashMap<>();
                    StringBuilder lines = new StringBuilder();
                    long now = System.currentTimeMillis();
                    Set<String> batchIds = new HashSet<>();
                    for (ExampleMessage m : batch) {
                        String holder = known.get(m.id());
                        if (holder != null || !batchIds.add(m.id())) {
                            duplicates.put(m.id(), holder != null ? holder : trainer);
                            continue;
                        }
                        ObjectNode n = m.toJson();
                        n.put("trainer", trainer);
                        n.put("stored_ms", now);
                        lines.append(JSON.writeValueAsString(n)).append('\n');
                        stored.add(m);
                    }
                    if (!stored.isEmpty()) {
                        byte[] b = lines.toString().getBytes(StandardCharsets.UTF_8);
                        JsonLines.append(own, ByteBuffer.wrap(b), true);
                        refresh(); // our own lines, read back as every reader reads them
                    }
                    return new Outcome(stored, duplicates);
                }
            }
        }
    }

    /** Every trainer's records, by trainer, as they are on disk now. */
    public synchronized Map<String, List<Record>> records() throws IOException {
        refresh();
        Map<String, List<Record>> out = new TreeMap<>();
        files.forEach((t, f) -> out.put(t, List.copyOf(f.records)));
        return out;
    }

    /** How many records each trainer's dataset has now. */
    public synchronized Map<String, Integer> counts() throws IOException {
        refresh();
        Map<String, Integer> out = new TreeMap<>();
        files.forEach((t, f) -> out.put(t, f.records.size()));
        return out;
    }

    /** Records in this trainer's own dataset. */
    public synchronized int size() throws IOException {
        refresh();
        DatasetFile f = files.get(trainer);
        return f == null ? 0 : f.records.size();
    }

    /** Reads what every dataset file gained since the last read: complete lines only (a line being written is not yet one). */
    private void refresh() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.filter(Files::isDirectory).toList()) {
                Path file = d.resolve(FILE);
                String t = d.getFileName().toString();
                if (Files.isRegularFile(file) && !files.containsKey(t)) {
                    files.put(t, new DatasetFile(t, file));
                }
            }
        }
        for (DatasetFile f : files.values()) {
            read(f);
        }
    }

    private void read(DatasetFile f) throws IOException {
        long size = Files.size(f.path);
        if (size <= f.offset) {
            return;
        }
        byte[] b;
        try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, size - f.offset));
            while (buf.hasRemaining() && ch.read(buf, f.offset + buf.position()) > 0) {
                // reads until full or the end
            }
            b = java.util.Arrays.copyOf(buf.array(), buf.position());
        }
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] != '\n') {
                continue;
            }
            f.line++;
            String line = new String(b, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                ExampleMessage m = ExampleMessage.parse(n, null);
                String first = known.putIfAbsent(m.id(), f.trainer);
                if (first != null) {
                    log.warn("{}:{}: example {} is already in {}'s dataset", f.path, f.line, m.id(), first);
                }
                f.records.add(new Record(f.trainer, f.records.size(), m, n.path("stored_ms").asLong(0)));
            } catch (IOException | BadMessage e) {
                log.warn("{}:{}: not an example ({}); line skipped", f.path, f.line, e.getMessage());
            }
        }
        f.offset += start;
    }

    @Override
    public synchronized void close() {
        try {
            own.close();
            lockFile.close();
            owner.release();
            owner.channel().close();
        } catch (IOException e) {
            log.debug("closing dataset {}: {}", trainer, e.getMessage());
        }
    }
}
