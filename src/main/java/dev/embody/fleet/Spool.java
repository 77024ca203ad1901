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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent's record of every example it made, on disk before it is published: {@code spool.jsonl}, one example a line
 * (the very bytes sent), and {@code receipts.jsonl}, one line per example a trainer said it has on its disk (or refused,
 * with why). An example stays pending until its receipt comes; the pending ones are sent again after a reconnect,
 * after a restart, and when no receipt came for a while. A line torn by a crash mid-write is an example never sent: it
 * is cut off (with a warning) and the rest stands. It is also what {@code fleet demo} counts "published" from.
 */
public final class Spool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String EXAMPLES = "spool.jsonl";
    public static final String RECEIPTS = "receipts.jsonl";

    /** An example not yet on a trainer's disk, and when it was last sent (0: never, since this process started). */
    public static final class Pending {
        final String id;
        final byte[] payload;
        long sentNanos;

        Pending(String id, byte[] payload) {
            this.id = id;
            this.payload = payload;
        }

        public String id() {
            return id;
        }

        public byte[] payload() {
            return payload;
        }
    }

    private final Path dir;
    private final FileChannel examples;
    private final FileChannel receipts;
    private final FileLock owner;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Set<String> all = new LinkedHashSet<>();
    private long stored;
    private long refused;

    private Spool(Path dir, FileChannel examples, FileChannel receipts, FileLock owner) {
        this.dir = dir;
        this.examples = examples;
        this.receipts = receipts;
        this.owner = owner;
    }

    /**
     * Opens (or starts) the spool in {@code dir}; one process at a time.
     *
     * @throws IOException another process has it open (two agents with one id), or it cannot be read
     */
    public static Spool open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileLock lock = JsonLines.own(dir, dir + " is in use by another agent (one spool per agent id: give each agent its own --agent-id)");
        Path ex = dir.resolve(EXAMPLES), rc = dir.resolve(RECEIPTS);
        // a torn line is an example never sent (or a receipt never kept): it goes
        JsonLines.cutTornTail(ex, log, " (what it held was never sent)");
        JsonLines.cutTornTail(rc, log, " (what it held was never sent)");
        Spool s = new Spool(dir, JsonLines.appending(ex), JsonLines.appending(rc), lock);
        s.load(ex, rc);
        return s;
    }

    private void load(Path ex, Path rc) throws IOException {
        int line = 0;
        for (String l : Files.readAllLines(ex, StandardCharsets.UTF_8)) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            try {
                String id = JSON.readTree(l).path("id").asText("");
                if (id.isEmpty()) {
                    log.warn("{}:{}: no 'id'; line skipped", ex, line);
                    continue;
                }
                if (all.add(id)) {
                    pending.put(id, new Pending(id, l.getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                log.warn("{}:{}: not JSON ({}); line skipped", ex, line, e.getMessage());
            }
        }
        line = 0;
        for (String l : Files.readAllLines(rc, StandardCharsets.UTF_8)) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(l);
                String id = n.path("id").asText("");
                if (pending.remove(id) != null) {
                    if (n.has("refused")) {
                        refused++;
                    } else {
                        stored++;
                    }
                }
            } catch (IOException e) {
                log.warn("{}:{}: not JSON ({}); line skipped", rc, line, e.getMessage());
            }
        }
        if (!all.isEmpty()) {
            log.info("spool {}: {} example(s) made, {} on a trainer's disk, {} refused, {} to send again", dir, all.size(), stored, refused, pending.size());
        }
    }

    public Path dir() {
        return dir;
    }

    /** Keeps an example on disk (synced) before anyone sends it; false if this id is already in the spool. */
    public synchronized boolean add(ExampleMessage m) throws IOException {
        String id = m.id();
        if (all.contains(id)) {
            return false;
        }
        byte[] b = m.toBytes();
        ByteBuffer buf = ByteBuffer.allocate(b.length + 1).put(b).put((byte) '\n');
        buf.flip();
        JsonLines.append(examples, buf, true);
        all.add(id);
        pending.put(id, new Pending(id, b));
        return true;
    }

    /** A trainer has these examples on its disk (or already had them). */
    public synchronized int stored(List<String> ids, String trainer) throws IOException {
        return receipt(ids, trainer, null);
    }

    /** A trainer refused these examples, and why: they will not be sent again. */
    public synchronized int refused(List<String> ids, String trainer, String reason) throws IOException {
        return receipt(ids, trainer, reason);
    }

    private int receipt(List<String> ids, String trainer, String reason) throws IOException {
        StringBuilder lines = new StringBuilder();
        int n = 0;
        for (String id : ids) {
            if (pending.remove(id) == null) {
                continue;
            }
            n++;
            if (reason == null) {
                stored++;
            } else {
                refused++;
            }
            ObjectNode r = JSON.createObjectNode().put("id", id).put("trainer", trainer).put("t_ms", System.currentTimeMillis());
            if (reason != null) {
                r.put("refused", reason);
            }
            lines.append(JSON.writeValueAsString(r)).append('\n');
        }
        if (n > 0) {
            JsonLines.append(receipts, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)), false);
        }
        return n;
    }

    /**
     * The pending examples due to be sent: never sent since this process started, or sent longer than
     * {@code resendNanos} ago (0: all of them); each is marked sent now.
     */
    public synchronized List<Pending> due(long resendNanos, int max) {
        long now = System.nanoTime();
        List<Pending> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (out.size() >= max) {
                break;
            }
            if (p.sentNanos == 0 || resendNanos == 0 || now - p.sentNanos >= resendNanos) {
                out.add(p);
            }
        }
        for (Pending p : out) {
            p.sentNanos = now;
        }
        return out;
    }

    /** Sending failed (the link went down): due again at once. */
    public synchronized void unsent(Pending p) {
        p.sentNanos = 0;
    }

    /** Marks every pending example due at once (after a reconnect). */
    public synchronized void allDue() {
        pending.values().forEach(p -> p.sentNanos = 0);
    }

    public synchronized int pending() {
        return pending.size();
    }

    /** Examples made (every id in the spool). */
    public synchronized int made() {
        return all.size();
    }

    public synchronized long storedCount() {
        return stored;
    }

    public synchronized long refusedCount() {
        return refused;
    }

    @Override
    public synchronized void close() {
        try {
            examples.close();
            receipts.close();
            owner.release();
            owner.channel().close();
        } catch (IOException e) {
            log.debug("closing spool {}: {}", dir, e.getMessage());
        }
    }
}
