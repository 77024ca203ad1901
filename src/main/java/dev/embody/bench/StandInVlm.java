package dev.embody.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.embody.loop.Decision;
import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a vision-language model server, for tests and benchmarks on a machine with no model: it speaks the
 * OpenAI chat-completions API over HTTP/1.1 ({@code POST /v1/chat/completions}), decodes the base64 images the client
 * sent and answers from what it sees, through the embedded game's own scene parser ({@link GameSceneParser}), task
 * inference and scene planner. It is no model and no judge of prompts: it knows only the embedded game. Which module
 * asks it reads from the answer's schema name ({@code embody_plan}...), sent as response_format or named in the
 * system prompt. For the failure cases it can answer badly on purpose ({@link Behaviour}), answer late, or refuse
 * response_format like a server that has none.
 *
 * <pre>{@code
 * try (StandInVlm model = StandInVlm.start(library)) {
 *     model.delay(Duration.ofSeconds(2));                // every answer takes 2 s
 *     ... --vlm model.endpoint() --vlm-model stand-in ...
 * }
 * }</pre>
 */
public final class StandInVlm implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandInVlm.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MODULE = Pattern.compile("embody_(gathering|reflection|task|curation|plan)");
    private static final Pattern LISTED = Pattern.compile("(?m)^- ([a-z][a-z0-9_]*(?:\\([^)]*\\))?): ");

    /** How it answers. */
    public enum Behaviour {
        /** from what it sees */
        GOOD,
        /** a command the library lacks: fly(direction=up) */
        UNKNOWN_COMMAND,
        /** JSON cut off in the middle */
        MALFORMED_JSON,
        /** HTTP 500 */
        SERVER_ERROR,
        /** the model declines (OpenAI's refusal field) */
        REFUSAL,
        /** a good answer, {@link #lateBy} late (30 s) */
        LATE,
        /** a 10 MB answer */
        HUGE,
        /** places outside the image */
        OUT_OF_FRAME
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final SkillLibrary library;
    private final GameSceneParser parser = GameSceneParser.forSimGame();
    private volatile Behaviour behaviour = Behaviour.GOOD;
    private volatile Duration delay = Duration.ZERO;
    private volatile Duration lateBy = Duration.ofSeconds(30);
    private volatile boolean takesResponseFormat = true;
    private volatile String proposal;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<int[]> imageSizes = new CopyOnWriteArrayList<>();

    private StandInVlm(int port, SkillLibrary library) throws IOException {
        this.library = library;
        // the parser's natives load on this thread, before any request thread uses them
        parser.gather(new Observation(0, 0, new Frame(SimGame.WIDTH, SimGame.HEIGHT, new byte[SimGame.WIDTH * SimGame.HEIGHT * 3])), null);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-vlm");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/v1/chat/completions", this::completions);
        server.createContext("/v1/models", ex -> send(ex, 200, JSON.writeValueAsBytes(JSON.createObjectNode().put("object", "list")
                .set("data", JSON.createArrayNode().add(JSON.createObjectNode().put("id", "stand-in").put("object", "model"))))));
        server.start();
    }

    /** On a free loopback port. */
    public static StandInVlm start(SkillLibrary library) throws IOException {
        return start(0, library);
    }

    public static StandInVlm start(int port, SkillLibrary library) throws IOException {
        return new StandInVlm(port, library);
    }

    /** The base URL to give --vlm. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public StandInVlm behave(Behaviour b) {
        this.behaviour = b;
        return this;
    }

    /** Every answer takes this long (a model thinking). */
    public StandInVlm delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** false: a request with response_format is refused with a 400, as a server without structured output does. */
    public StandInVlm takesResponseFormat(boolean takes) {
        this.takesResponseFormat = takes;
        return this;
    }

    /** The skill YAML it proposes with its next curation answers (null: none). */
    public StandInVlm propose(String yaml) {
        this.proposal = yaml;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** The module of each request, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    /** The size of each image it was sent, in order. */
    public List<int[]> imageSizes() {
        return List.copyOf(imageSizes);
    }

    private void completions(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, error("POST only"));
                return;
            }
            requests.incrementAndGet();
            JsonNode body;
            try {
                body = JSON.readTree(ex.getRequestBody().readAllBytes());
            } catch (IOException e) {
                send(ex, 400, error("the body is not JSON: " + e.getMessage()));
                return;
            }
            if (body.has("response_format") && !takesResponseFormat) {
                send(ex, 400, error("response_format is not supported by this server"));
                return;
            }
            String text = texts(body);
            String schema = body.path("response_format").path("json_schema").path("name").asText("");
            Matcher m = MODULE.matcher(schema.isEmpty() ? text : schema);
            if (!m.find()) {
                send(ex, 400, error("the stand-in answers embody's modules only: no embody_<module> schema named"));
                return;
            }
            String module = m.group(1);
            asked.add(module);
            List<Frame> frames = images(body);
            frames.forEach(f -> imageSizes.add(new int[]{f.width(), f.height()}));
            Behaviour b = behaviour;
            sleep(b == Behaviour.LATE ? lateBy : delay);
            switch (b) {
                case SERVER_ERROR -> send(ex, 500, error("the model runner crashed (stand-in)"));
                case REFUSAL -> send(ex, 200, completion(body, null, "I can't help with that request."));
                case MALFORMED_JSON -> send(ex, 200, completion(body, "{\"command\": \"move(direction=left, amo", null));
                case HUGE -> {
                    // chunked: the client has to count what it reads
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"reason\\\": \\\"".getBytes(StandardCharsets.UTF_8));
                        byte[] chunk = "x".repeat(65_536).getBytes(StandardCharsets.UTF_8);
                        for (int i = 0; i < 160; i++) {
                            out.write(chunk);
                        }
                        out.write("\\\"}\"}}]}".getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        log.debug("the client stopped reading the huge answer: {}", e.toString());
                    }
                }
                default -> send(ex, 200, completion(body, JSON.writeValueAsString(answer(module, text, frames, b)), null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("stand-in failed on a request: {}", e.toString(), e);
        }
    }

    /** What it would say, from the images: the game's parser, task inference and scene planner. */
    private synchronized ObjectNode answer(String module, String text, List<Frame> frames, Behaviour b) {
        ObjectNode a = JSON.createObjectNode();
        Goal goal = goal(text);
        // a model keeps nothing between requests: each answer is from this request's images and words alone
        GoalTaskInference tasks = new GoalTaskInference();
        Frame img = frames.isEmpty() ? null : frames.get(frames.size() - 1);
        Seen now = img == null ? null : see(img);
        switch (module) {
            case "plan" -> {
                if (b == Behaviour.UNKNOWN_COMMAND) {
                    return a.put("command", "fly(direction=up)").put("reason", "flying is fastest (stand-in, answering badly on purpose)");
                }
                List<SkillCall> candidates = listed(text);
                if (candidates.isEmpty()) {
                    candidates = library.commands();
                }
                if (now == null) {
                    return a.put("command", candidates.get(0).toString()).put("reason", "no image to look at");
                }
                Task task = tasks.infer(goal, null, now.scene, Reflection.first(), library, null);
                Decision d = new ScenePlannerPolicy(library, SimGame.SPEED / 1000.0)
                        .plan(new PlanningContext(null, now.scene, task, Reflection.first(), candidates, null, null));
                a.put("command", d.call().toString()).put("reason", task.subtask() + ": " + d.why());
            }
            case "task" -> {
                Task t = tasks.infer(goal, null, now.scene, Reflection.first(), library, null);
                a.put("kind", t.kind()).put("subtask", t.subtask());
                if (t.hasTarget()) {
                    double x = b == Behaviour.OUT_OF_FRAME ? img.width() + 100 : t.targetX() * now.sx, y = t.targetY() * now.sy;
                    a.putObject("target").put("kind", t.targetKind()).put("x", x).put("y", y);
                } else {
                    a.putNull("target");
                }
                a.put("reason", "seen: " + now.scene.summary());
            }
            case "gathering" -> {
                ArrayNode es = a.putArray("entities");
                for (Entity e : now.scene.entities()) {
                    double shift = b == Behaviour.OUT_OF_FRAME ? img.width() : 0;
                    es.addObject().put("kind", e.kind()).putObject("box")
                            .put("x0", (e.x() - e.width() / 2) * now.sx + shift).put("y0", (e.y() - e.height() / 2) * now.sy)
                            .put("x1", (e.x() + e.width() / 2) * now.sx + shift).put("y1", (e.y() + e.height() / 2) * now.sy);
                }
                a.put("reason", now.scene.summary());
            }
            case "reflection" -> {
                Seen before = frames.size() > 1 ? see(frames.get(0)) : now;
                var p0 = before.scene.player();
                var p1 = now.scene.player();
                boolean moved = p0.isPresent() && p1.isPresent() && p0.get().distanceTo(p1.get().x(), p1.get().y()) >= 2;
                boolean progress = now.scene.all("coin").size() < before.scene.all("coin").size();
                a.put("worked", moved).put("moved", moved).put("stuck", !moved).put("progress", progress).put("danger", false)
                        .put("reason", moved ? "the player moved" + (progress ? " and took a coin" : "") : "the player did not move");
            }
            case "curation" -> {
                ArrayNode cs = a.putArray("commands");
                if (b == Behaviour.UNKNOWN_COMMAND) {
                    cs.add("fly(direction=up)");
                } else {
                    List<SkillCall> listed = listed(text);
                    (listed.isEmpty() ? library.commands() : listed).forEach(c -> cs.add(c.toString()));
                }
                a.put("reason", "every command the library offers fits a grid game");
                String yaml = proposal;
                if (yaml != null) {
                    a.putObject("proposed_skill").put("yaml", yaml).put("why", "a quicker way to stop (stand-in)");
                } else {
                    a.putNull("proposed_skill");
                }
            }
            default -> throw new IllegalStateException(module);
        }
        return a;
    }

    /** A scene parsed at the game's own size, and how to scale its places back to the image it was sent. */
    private record Seen(Scene scene, double sx, double sy) {
    }

    private Seen see(Frame img) {
        Frame f = img;
        if (img.width() != SimGame.WIDTH || img.height() != SimGame.HEIGHT) {
            f = nearest(img, SimGame.WIDTH, SimGame.HEIGHT);
        }
        Scene s = parser.gather(new Observation(0, 0, f), null);
        return new Seen(s, img.width() / (double) SimGame.WIDTH, img.height() / (double) SimGame.HEIGHT);
    }

    private static Frame nearest(Frame f, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(f.height() - 1, y * f.height() / h);
            for (int x = 0; x < w; x++) {
                int sx = Math.min(f.width() - 1, x * f.width() / w);
                System.arraycopy(f.bgr(), (sy * f.width() + sx) * 3, out, (y * w + x) * 3, 3);
            }
        }
        return new Frame(w, h, out);
    }

    private Goal goal(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.contains("reach the flag") ? SimGame.REACH_FLAG : SimGame.COLLECT_COINS;
    }

    /** The commands a prompt lists ("- move(direction=left, amount=small): ..."), as listed (a taught skill too). */
    private List<SkillCall> listed(String text) {
        List<SkillCall> out = new ArrayList<>();
        Matcher m = LISTED.matcher(text);
        while (m.find()) {
            try {
                SkillCall c = SkillCall.parse(m.group(1));
                if (library.skill(c.skill()).isPresent()) {
                    c = library.normalize(c);
                }
                if (!out.contains(c)) {
                    out.add(c);
                }
            } catch (IllegalArgumentException ignored) {
                // a line that only looks like a command
            }
        }
        return out;
    }

    private static String texts(JsonNode body) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : body.path("messages")) {
            JsonNode c = m.path("content");
            if (c.isTextual()) {
                sb.append(c.asText()).append('\n');
            }
            for (JsonNode p : c) {
                if (p.path("type").asText().equals("text")) {
                    sb.append(p.path("text").asText()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /** Every image of the last user message, decoded from its data URI. */
    private static List<Frame> images(JsonNode body) throws IOException {
        List<Frame> out = new ArrayList<>();
        JsonNode user = null;
        for (JsonNode m : body.path("messages")) {
            if (m.path("role").asText().equals("user") && m.path("content").isArray()) {
                user = m;
            }
        }
        if (user == null) {
            return out;
        }
        for (JsonNode p : user.path("content")) {
            if (p.path("type").asText().equals("image_url")) {
                String url = p.path("image_url").path("url").asText();
                int comma = url.indexOf(',');
                if (!url.startsWith("data:image/") || comma < 0) {
                    throw new IOException("the stand-in takes images as data URIs only, as Ollama does");
                }
                var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(url.substring(comma + 1))));
                if (image == null) {
                    throw new IOException("an image that does not decode");
                }
                out.add(Frame.of(image));
            }
        }
        return out;
    }

    private static byte[] completion(JsonNode request, String content, String refusal) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "chatcmpl-stand-in").put("object", "chat.completion").put("created", System.currentTimeMillis() / 1000)
                .put("model", request.path("model").asText("stand-in"));
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message").put("role", "assistant");
        if (content == null) {
            msg.putNull("content");
        } else {
            msg.put("content", content);
        }
        if (refusal != null) {
            msg.put("refusal", refusal);
        }
        choice.put("finish_reason", "stop");
        c.putObject("usage").put("prompt_tokens", 0).put("completion_tokens", 0);
        return JSON.writeValueAsBytes(c);
    }

    private static byte[] error(String message) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("message", message).put("type", "stand_in_error");
        return JSON.writeValueAsBytes(e);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        synchronized (this) {
            parser.close();
        }
    }
}
