package dev.embody.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request to the model and every answer, for replaying a session and for debugging prompts: one JSON line per
 * try in {@code <dir>/calls.jsonl} (the request as sent, each image replaced by the PNG file that holds its exact bytes
 * under {@code <dir>/images/}, the answer as it came, at most {@value #KEPT_ANSWER_CHARS} characters of it, and the
 * verdict: {@code ok}, or {@code bad} with the kind of problem). A bad answer is always on the same line as the
 * request that caused it. A log that cannot be written is said once and costs the loop nothing.
 */
public final class CallLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int KEPT_ANSWER_CHARS = 65_536;
    public static final String FILE = "calls.jsonl";

    private final Path dir;
    private final AtomicLong calls = new AtomicLong();
    private BufferedWriter out;
    private boolean broken;

    public CallLog(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    /** A new call's number, from 1. */
    long nextCall() {
        return calls.incrementAndGet();
    }

    /** The images of a call, written once: what each try of it sent. Returns their paths relative to the log folder. */
    synchronized List<String> images(long call, List<SentImage> images) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            String name = String.format("images/%06d-%d.png", call, i);
            names.add(name);
            if (broken) {
                continue;
            }
            try {
                Files.createDirectories(dir.resolve("images"));
                Files.write(dir.resolve(name), images.get(i).png());
            } catch (IOException e) {
                broke(e);
            }
        }
        return names;
    }

    /**
     * One try.
     *
     * @param request the body as sent, with each image's data URI swapped for its file name
     * @param answer  the server's reply as it came (null when none came)
     */
    synchronized void attempt(long call, int attempt, String module, String url, double millis, Integer status,
                              JsonNode request, String answer, long answerBytes, BadAnswer problem) {
        if (broken) {
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("call", call).put("attempt", attempt).put("module", module).put("at", Instant.now().toString()).put("url", url);
        n.put("ms", Math.round(millis * 10) / 10.0);
        if (status != null) {
            n.put("status", status);
        } else {
            n.putNull("status");
        }
        n.put("verdict", problem == null ? "ok" : "bad");
        if (problem != null) {
            n.putObject("problem").put("kind", problem.kind().label()).put("detail", problem.getMessage());
        }
        n.set("request", request);
        if (answer == null) {
            n.putNull("answer");
        } else {
            n.put("answer", answer.length() > KEPT_ANSWER_CHARS ? answer.substring(0, KEPT_ANSWER_CHARS) : answer);
            n.put("answer_cut", answer.length() > KEPT_ANSWER_CHARS || answerBytes > answer.length());
        }
        n.put("answer_bytes", answerBytes);
        try {
            if (out == null) {
                Files.createDirectories(dir);
                out = Files.newBufferedWriter(file(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(JSON.writeValueAsString(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            broke(e);
        }
    }

    private void broke(IOException e) {
        broken = true;
        log.warn("cannot write the model's call log under {}: {}; the model's calls go unlogged", dir, e.toString());
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                log.debug("closing {}", file(), e);
            }
            out = null;
        }
    }
}
