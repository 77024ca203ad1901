package dev.embody.memory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.file.BadFileException;
import dev.embody.file.TextFile;
import dev.embody.loop.ImageSignature;
import dev.embody.loop.Memory;
import dev.embody.loop.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Memory: the recent steps of this session (short-term), and every step of every session in a JSON-lines store on
 * disk (long-term), read back at start. Recall finds the past situations whose screen looked most like the present
 * one, by image signature: it works on any target, parser or not.
 */
public final class EpisodicMemory implements Memory, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EpisodicMemory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORT_TERM = 64;
    private static final int LONG_TERM_CAP = 100_000;
    /** Warnings about unreadable lines, at most, before a count. */
    private static final int MAX_WARNINGS = 5;

    private record Entry(String episode, long step, long wallMillis, ImageSignature look, String subtask, String command, String by,
                         String reflection) {
    }

    private final Deque<Step> recent = new ArrayDeque<>();
    private final List<Entry> longTerm = new ArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<Citation> citations = new ArrayList<>();
    private final BufferedWriter store;
    private final Path file;
    private volatile String episode = "";

    private EpisodicMemory(Path file, BufferedWriter store) {
        this.file = file;
        this.store = store;
    }

    /**
     * Memory with a long-term store in {@code dir/steps.jsonl} (created if missing). A line that is not UTF-8 or not a
     * record is skipped with a warning naming file:line, and the rest still counts; a last line torn by a crash
     * mid-write is ended first, so the next record starts a line of its own instead of joining it.
     */
    public static EpisodicMemory open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("steps.jsonl");
        List<Entry> past = new ArrayList<>();
        boolean torn = read(file, Long.MAX_VALUE, past);
        BufferedWriter store = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (torn) {
            log.warn("{}: its last line was cut mid-write (a crash?); ended it, so new records start on a line of their own", file);
            store.newLine();
            store.flush();
        }
        EpisodicMemory m = new EpisodicMemory(file, store);
        m.longTerm.addAll(past);
        return m;
    }

    /**
     * The long-term memory of {@code dir} as it stood at {@code beforeMillis} (wall clock), read-only: what an
     * episode's modules could recall when it began, for replaying it. Empty when there is no such store.
     */
    public static EpisodicMemory asOf(Path dir, long beforeMillis) throws IOException {
        EpisodicMemory m = inMemory();
        List<Entry> past = new ArrayList<>();
        read(dir.resolve("steps.jsonl"), beforeMillis, past);
        m.longTerm.addAll(past);
        return m;
    }

    /** Reads the records written before {@code beforeMillis} into {@code past}; returns whether the last line was torn. */
    private static boolean read(Path file, long beforeMillis, List<Entry> past) throws IOException {
        boolean torn = false;
        if (Files.exists(file) && Files.size(file) > 0) {
            List<TextFile.Line> lines;
            try {
                lines = TextFile.lines(file);
            } catch (BadFileException e) {
                throw new IOException(e.getMessage(), e);
            }
            int bad = 0;
            for (TextFile.Line line : lines) {
                torn = !line.ended();
                String problem = line.problem();
                if (line.readable()) {
                    if (line.text().isBlank()) {
                        continue;
                    }
                    try {
                        var n = JSON.readTree(line.text());
                        if (!n.hasNonNull("look")) {
                            continue; // a record of an older format (no image signature): nothing to recall it by
                        }
                        long wall = n.path("wall_ms").asLong(0);
                        if (wall < beforeMillis) {
                            past.add(new Entry(n.path("episode").asText(), n.path("step").asLong(), wall, ImageSignature.decode(n.get("look").asText()),
                                    n.path("subtask").asText(), n.path("command").asText(), n.path("by").asText(""), n.path("reflection").asText()));
                        }
                        continue;
                    } catch (Exception e) {
                        problem = "not a memory record (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
                    }
                }
                if (++bad <= MAX_WARNINGS) {
                    log.warn("{}:{}: {}; line skipped", file, line.number(), problem);
                }
            }
            if (bad > MAX_WARNINGS) {
                log.warn("{}: {} unreadable lines skipped in all", file, bad);
            }
            if (past.size() > LONG_TERM_CAP) {
                past.subList(0, past.size() - LONG_TERM_CAP).clear();
            }
            log.debug("memory: {} past steps from {}", past.size(), file);
        }
        return torn;
    }

    /** Memory that keeps nothing on disk (tests, replay). */
    public static EpisodicMemory inMemory() {
        return new EpisodicMemory(null, null);
    }

    /** Steps remembered from now on belong to this episode; the short-term memory starts afresh. */
    public synchronized void beginEpisode(String episodeId) {
        this.episode = episodeId;
        recent.clear();
    }

    @Override
    public synchronized void remember(Step step) {
        recent.addLast(step);
        if (recent.size() > SHORT_TERM) {
            recent.removeFirst();
        }
        if (step.look() == null) {
            return;
        }
        Entry e = new Entry(episode, step.index(), step.wallMillis(), step.look(), step.task().subtask(),
                step.command().toString(), step.decision().by(), step.reflection().reason());
        longTerm.add(e);
        if (longTerm.size() > LONG_TERM_CAP + LONG_TERM_CAP / 10) {
            longTerm.subList(0, longTerm.size() - LONG_TERM_CAP).clear();
        }
        if (store != null) {
            try {
                ObjectNode n = JSON.createObjectNode();
                n.put("episode", e.episode()).put("step", e.step()).put("wall_ms", e.wallMillis()).put("subtask", e.subtask())
                        .put("command", e.command()).put("by", e.by()).put("reflection", e.reflection());
                n.put("look", e.look().encoded());
                store.write(JSON.writeValueAsString(n));
                store.newLine();
                store.flush();
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write memory to " + file, ex);
            }
        }
    }

    @Override
    public synchronized List<Step> recent(int n) {
        List<Step> all = new ArrayList<>(recent);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    @Override
    public synchronized List<Recollection> recall(ImageSignature look, int k) {
        // a bounded heap over one pass: no sorting of the whole store
        java.util.PriorityQueue<Recollection> best = new java.util.PriorityQueue<>(Comparator.comparingDouble(Recollection::distance).reversed());
        for (Entry e : longTerm) {
            double d = look.distance(e.look());
            if (best.size() < k || d < best.peek().distance()) {
                best.add(new Recollection(e.episode(), e.step(), e.subtask(), e.command(), e.by(), e.reflection(), d));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        List<Recollection> out = new ArrayList<>(best);
        out.sort(Comparator.comparingDouble(Recollection::distance));
        return out;
    }

    @Override
    public synchronized void cite(String module, String what) {
        citations.add(new Citation(module, what));
    }

    @Override
    public synchronized List<Citation> takeCitations() {
        List<Citation> out = List.copyOf(citations);
        citations.clear();
        return out;
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public void note(String text) {
        notes.add(text);
        log.info("standing note: {}", text);
    }

    public synchronized int size() {
        return longTerm.size();
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            try {
                store.close();
            } catch (IOException e) {
                log.warn("cannot close memory store {}: {}", file, e.getMessage());
            }
        }
    }
}
