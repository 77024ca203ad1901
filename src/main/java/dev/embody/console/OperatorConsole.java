package dev.embody.console;

import dev.embody.learning.TrainingStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.correction.CorrectionParser;
import dev.embody.correction.CorrectionRate;
import dev.embody.correction.SpokenCorrections;
import dev.embody.correction.Understanding;
import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The operator's web console: one page that shows what the agent sees and thinks, and takes pause / resume / step /
 * e-stop / goal changes and typed or spoken corrections. It is a {@link StepListener} (every step) and a frame viewer
 * (every rendered frame, also during a hold); it never blocks the loop: steps and frames are handed to one broadcaster
 * thread, which drops what a slow browser cannot take.
 *
 * <p>What comes from a browser only ever reaches the {@link CorrectionParser} and the {@link OperatorInbox}: nothing
 * received is executed, evaluated or used as a path.
 */
public final class OperatorConsole implements StepListener, Consumer<Frame>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorConsole.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_AUDIO_BYTES = 2 * 1024 * 1024;
    private static final int MAX_WS_MESSAGE_BYTES = 4096;
    /** The page (src/main/resources/console): it holds no secret, and reads the token from its own URL. */
    private static final Set<String> PAGE_FILES = Set.of("/", "/index.html", "/console.js", "/console.css");

    private final ConsoleSettings settings;
    private final ConsoleGate gate;
    private final OperatorInbox inbox;
    private final Supplier<CorrectionParser> parser;
    private final TrainingStatus training;
    private final RecordedEpisodes episodes;
    private final SpokenCorrections speech;
    /** Recordings decoded or waiting for the decoder at once; more are answered 503 at once, never queued. */
    static final int SPEECH_WAITING = 4;
    private final java.util.concurrent.Semaphore speechSlots = new java.util.concurrent.Semaphore(SPEECH_WAITING);
    private final Javalin app;
    private final AtomicReference<Map<String, Object>> latestStep = new AtomicReference<>(Map.of("index", -1));
    private final AtomicLong framesSeen = new AtomicLong();
    private final CorrectionRate rate;
    private final Broadcaster broadcaster = new Broadcaster();
    private final List<Map<String, Object>> operatorLog = new ArrayList<>();
    private volatile BiConsumer<String, Object> episodeLog = (k, v) -> { };
    private volatile String episodeId = "";
    private volatile String status = "running";
    /** The model behind some modules, when there is one: its last thought and skill proposals are shown. */
    private volatile dev.embody.vlm.ModelSession model;

    private OperatorConsole(ConsoleSettings settings, OperatorInbox inbox, Supplier<CorrectionParser> parser, TrainingStatus training,
                            Path episodesDir, SpokenCorrections speech) {
        this.settings = settings;
        this.gate = new ConsoleGate(settings);
        this.inbox = inbox;
        this.parser = parser;
        this.training = training;
        this.episodes = new RecordedEpisodes(episodesDir);
        this.speech = speech;
        this.rate = new CorrectionRate(settings.correctionsPerSecond(), Math.max(2, settings.correctionsPerSecond() * 2));
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = MAX_AUDIO_BYTES;
            // nothing from the browser is worth more than a short text: a longer message closes the socket (1009)
            cfg.jetty.modifyWebSocketServletFactory(f -> {
                f.setMaxTextMessageSize(MAX_WS_MESSAGE_BYTES);
                f.setMaxBinaryMessageSize(MAX_WS_MESSAGE_BYTES);
            });
            // every request (the page, the API, the WebSocket upgrade) passes the gate before it is served
            cfg.jetty.modifyServletContextHandler(h -> h.addFilter(new org.eclipse.jetty.servlet.FilterHolder(
                    (jakarta.servlet.Filter) (req, res, chain) -> {
                        jakarta.servlet.http.HttpServletRequest r = (jakarta.servlet.http.HttpServletRequest) req;
                        BadRequest refused = admit(r);
                        if (refused != null) {
                            log.warn("refused {} {}: {}", r.getMethod(), clip(String.valueOf(r.getRequestURI())), refused.getMessage());
                            jakarta.servlet.http.HttpServletResponse out = (jakarta.servlet.http.HttpServletResponse) res;
                            out.setStatus(refused.status.getCode());
                            out.setContentType("application/json");
                            out.getOutputStream().write(JSON.writeValueAsBytes(Map.of("error", refused.getMessage())));
                            return;
                        }
                        chain.doFilter(req, res);
                    }), "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
            cfg.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/console";
                s.location = Location.CLASSPATH;
            });
        });
        routes();
        inbox.observe(this::logged);
    }

    /** Starts serving; the URL to open (with the token when one is required) is logged and returned by {@link #url()}. */
    public static OperatorConsole start(ConsoleSettings settings, OperatorInbox inbox, Supplier<CorrectionParser> parser,
                                        TrainingStatus training, Path episodesDir, SpokenCorrections speech) {
        OperatorConsole c = new OperatorConsole(settings, inbox, parser, training, episodesDir, speech);
        c.app.start(settings.bind(), settings.port());
        c.broadcaster.start();
        if (settings.tokenRequired()) {
            // printed once, to stdout only: it is the key to the console
            System.out.println("console: " + c.url() + "  (bound to " + settings.bind() + ": the token is required)");
        } else {
            log.info("console: {}", c.url());
        }
        return c;
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String host = settings.bind().equals("0.0.0.0") || settings.bind().equals("::") ? "127.0.0.1" : settings.bind();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/" + (settings.tokenRequired() ? "?token=" + settings.token() : "");
    }

    /** Frames and steps pushed to browsers so far (for the bench and tests). */
    public long framesSent() {
        return broadcaster.framesSent();
    }

    public int viewers() {
        return broadcaster.viewers();
    }

    /** A new episode: commands from the page are logged into it through {@code log} (the recorder's meta.json). */
    public void episode(String id, BiConsumer<String, Object> log) {
        synchronized (operatorLog) {
            operatorLog.clear();
        }
        this.episodeId = id == null ? "" : id;
        this.episodeLog = log == null ? (k, v) -> { } : log;
        this.status = "running";
    }

    /** Shows the model's last thought and its age at every step, and its skill proposals for the operator to approve. */
    public void model(dev.embody.vlm.ModelSession session) {
        this.model = session;
    }

    // ---- the loop's side: never blocks ----

    @Override
    public void accept(Frame frame) {
        framesSeen.incrementAndGet();
        broadcaster.frame(frame);
    }

    @Override
    public void onStep(Step step, Observation observation) {
        broadcaster.frame(observation.frame());
        Map<String, Object> view = stepView(step);
        dev.embody.vlm.ModelSession m = model;
        if (m != null) {
            view = new LinkedHashMap<>(view);
            view.put("model", m.status());
        }
        latestStep.set(view);
        if (status.startsWith("ended")) {
            status = "running"; // the next episode began
        }
        broadcaster.message(Map.of("type", "step", "step", view));
    }

    /** What the loop tells the operator outside a step (a command refused, a skill taught) goes to every page. */
    @Override
    public void onNotice(String text) {
        broadcaster.message(Map.of("type", "notice", "text", text));
    }

    @Override
    public void onEnd(Outcome outcome) {
        status = "ended: " + outcome.label();
        broadcaster.message(Map.of("type", "end", "outcome", outcome.label()));
    }

    private void logged(Intervention i) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("at", Instant.now().toString());
        entry.put("channel", i.channel());
        entry.put("kind", i.kind().name().toLowerCase(Locale.ROOT));
        entry.put("text", i.text());
        if (i.command() != null) {
            entry.put("command", i.command().toString());
        }
        if (i.argument() != null) {
            entry.put("argument", i.argument());
        }
        List<Map<String, Object>> copy;
        synchronized (operatorLog) {
            operatorLog.add(entry);
            copy = List.copyOf(operatorLog);
        }
        try {
            episodeLog.accept("operator", copy);
        } catch (RuntimeException e) {
            log.warn("could not log the operator's {} in the episode: {}", i.kind(), e.toString());
        }
        if (i.kind() == Intervention.Kind.STOP) {
            status = "e-stop";
        } else if (i.kind() == Intervention.Kind.PAUSE) {
            status = "paused";
        } else if (i.kind() == Intervention.Kind.RESUME) {
            status = "running";
        }
        broadcaster.intervention(Map.of("type", "operator", "entry", entry, "status", status));
    }

    static Map<String, Object> stepView(Step step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", step.index());
        m.put("wall_ms", step.wallMillis());
        m.put("frame", step.frameIndex());
        Scene scene = step.scene();
        m.put("scene", Map.of("width", scene.width(), "height", scene.height(), "summary", scene.summary()));
        List<Map<String, Object>> entities = new ArrayList<>();
        for (Entity e : scene.entities()) {
            entities.add(Map.of("kind", e.kind(), "x", e.x(), "y", e.y(), "w", e.width(), "h", e.height()));
        }
        m.put("entities", entities);
        m.put("reflection", step.reflection().reason() + (step.reflection().stuck() ? " (stuck " + step.reflection().stuckSteps() + ")" : "")
                + (step.reflection().danger() ? " (danger)" : ""));
        m.put("subtask", step.task().subtask());
        m.put("goal", step.task().goal());
        if (step.task().hasTarget()) {
            m.put("target", Map.of("kind", String.valueOf(step.task().targetKind()), "x", step.task().targetX(), "y", step.task().targetY()));
        }
        m.put("path", step.decision().plan().stream().map(p -> new double[]{p.x(), p.y()}).toList());
        m.put("memory_used", step.citations().stream().map(c -> Map.of("module", c.module(), "what", c.what())).toList());
        Map<String, Double> scores = step.decision().scores();
        List<Map<String, Object>> cands = new ArrayList<>();
        for (SkillCall c : step.candidates()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("command", c.toString());
            Double s = scores.get(c.toString());
            cm.put("score", s == null ? null : s);
            cands.add(cm);
        }
        cands.sort(Comparator.comparing((Map<String, Object> c) -> c.get("score") == null ? Double.NEGATIVE_INFINITY : (Double) c.get("score")).reversed());
        m.put("candidates", cands);
        m.put("chosen", step.command().toString());
        m.put("by", step.decision().by());
        m.put("why", step.decision().why());
        m.put("correction", step.correction());
        m.put("overridden", "operator".equals(step.decision().by()));
        m.put("sent", step.sent());
        m.put("outcome", step.outcome().label());
        m.put("step_ms", step.latency().decideNanos() / 1e6);
        return m;
    }

    private dev.embody.vlm.ModelSession modelSession() {
        dev.embody.vlm.ModelSession m = model;
        if (m == null) {
            throw new BadRequest(HttpStatus.NOT_FOUND, "no module of this session is backed by a model (--modules plan=vlm)");
        }
        return m;
    }

    // ---- HTTP and WebSocket ----

    private void routes() {
        app.before("/api/*", RequestBody::requireJsonPost);
        app.exception(BadRequest.class, (e, ctx) -> ctx.status(e.status).json(Map.of("error", e.getMessage())));
        // Javalin's own refusals (no such endpoint, a body over its limit) in the same one-line JSON
        app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(Map.of("error",
                e instanceof io.javalin.http.NotFoundResponse ? "no such endpoint: " + ctx.method() + " " + clip(ctx.path())
                        : e instanceof io.javalin.http.ContentTooLargeResponse ? "the body is too large: at most " + MAX_AUDIO_BYTES + " bytes"
                        : e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            log.debug("console request failed", e);
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "bad request: " + e.getClass().getSimpleName()));
        });
        app.ws("/ws", ws -> {
            ws.onConnect(ctx -> {
                ctx.session.setIdleTimeout(java.time.Duration.ofMinutes(30));
                broadcaster.join(ctx);
                ctx.send(JSON.writeValueAsString(Map.of("type", "hello", "episode", episodeId, "status", status,
                        "step", latestStep.get())));
            });
            // the socket only carries the agent's view to the page; anything a browser sends on it is ignored
            ws.onMessage(ctx -> { });
            ws.onBinaryMessage(ctx -> { });
            ws.onClose(broadcaster::leave);
            ws.onError(broadcaster::leave);
        });
        app.get("/api/state", ctx -> ctx.json(Map.of("episode", episodeId, "status", status, "step", latestStep.get(),
                "viewers", broadcaster.viewers(), "frames_seen", framesSeen.get())));
        app.get("/api/parse", ctx -> ctx.json(understandingView(parse(text(ctx.queryParam("text"))), false, null)));
        app.post("/api/correct", ctx -> {
            String text = text(RequestBody.field(ctx, "text"));
            // understood before it is limited: a stop or a pause is never refused ("stop, there is lava")
            Understanding u = parse(text);
            java.util.Optional<Intervention> i = u.toIntervention("web");
            if (i.isPresent()) {
                limit(i.get());
                inbox.submit(i.get());
            } else {
                limit();
            }
            ctx.json(understandingView(u, i.isPresent(), null));
        });
        app.post("/api/control", ctx -> {
            String action = RequestBody.field(ctx, "action");
            Intervention i = switch (action) {
                case "pause" -> Intervention.of(Intervention.Kind.PAUSE, null, "pause", "web");
                case "resume" -> Intervention.of(Intervention.Kind.RESUME, null, "resume", "web");
                case "step" -> Intervention.of(Intervention.Kind.STEP, null, "single step", "web");
                case "estop" -> Intervention.of(Intervention.Kind.STOP, null, "e-stop", "web");
                case "goal" -> {
                    String goal = text(RequestBody.field(ctx, "goal"));
                    yield Intervention.of(Intervention.Kind.GOAL, goal, "goal: " + goal, "web");
                }
                default -> throw new BadRequest(HttpStatus.BAD_REQUEST, "unknown action '" + clip(action) + "' (expected pause, resume, step, estop or goal)");
            };
            limit(i); // E-STOP and pause pass however many came before them
            inbox.submit(i);
            ctx.json(Map.of("ok", true, "action", action));
        });
        app.post("/api/speech", ctx -> {
            if (speech == null) {
                throw new BadRequest(HttpStatus.SERVICE_UNAVAILABLE, "speech recognition is not available in this session");
            }
            byte[] wav = ctx.bodyAsBytes();
            if (wav.length > MAX_AUDIO_BYTES) {
                throw new BadRequest(HttpStatus.CONTENT_TOO_LARGE, "recording too long (at most " + MAX_AUDIO_BYTES + " bytes)");
            }
            short[] samples;
            try {
                samples = dev.embody.correction.SpeechAudio.fromWav(wav);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "not a WAV recording: " + e.getMessage());
            }
            // a flood of recordings waiting on the one decoder must not hold the server's threads the E-STOP button needs
            if (!speechSlots.tryAcquire()) {
                throw new BadRequest(HttpStatus.SERVICE_UNAVAILABLE, "the speech recogniser is busy with " + SPEECH_WAITING
                        + " recordings; not heard (the E-STOP button and typed 'stop' are never refused)");
            }
            // heard before it is limited (a spoken stop or pause always passes); one decoder, so a flood takes one core at most
            AtomicBoolean limited = new AtomicBoolean();
            SpokenCorrections.Heard h;
            try {
                h = speech.hear(samples, "web-speech", i -> {
                    limited.set(!rate.admits(i));
                    return !limited.get();
                });
            } finally {
                speechSlots.release();
            }
            if (limited.get()) {
                throw new BadRequest(HttpStatus.TOO_MANY_REQUESTS, "too many corrections: at most " + settings.correctionsPerSecond()
                        + " a second; heard '" + clip(h.text()) + "', not applied");
            }
            Map<String, Object> m = understandingView(h.understanding(), h.applied(), h.why());
            m.put("heard", h.text());
            m.put("heard_freely", h.free());
            m.put("score", h.score());
            m.put("decode_ms", h.decodeMillis());
            ctx.json(m);
        });
        app.get("/api/suggestions", ctx -> ctx.json(suggestions(parser.get().library())));
        app.get("/api/commands", ctx -> ctx.json(parser.get().library().commands().stream().map(Object::toString).toList()));
        app.post("/api/command", ctx -> {
            String text = text(RequestBody.field(ctx, "command"));
            dev.embody.skill.SkillCall call;
            try {
                call = parser.get().library().normalize(dev.embody.skill.SkillCall.parse(text));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(HttpStatus.BAD_REQUEST, "not a command of these skills: " + clip(text) + " (" + e.getMessage() + ")");
            }
            Intervention i = Intervention.command(call, "button " + call, "console-button");
            limit(i);
            inbox.submit(i);
            ctx.json(Map.of("ok", true, "command", call.toString()));
        });
        app.get("/api/training", ctx -> ctx.json(training.snapshot()));
        app.post("/api/training/rollback", ctx -> {
            limit();
            String cp = text(RequestBody.field(ctx, "checkpoint"));
            ctx.json(Map.of("message", training.rollback(cp)));
        });
        app.get("/api/model", ctx -> ctx.json(modelSession().status()));
        app.post("/api/model/skills", ctx -> {
            limit();
            String id = RequestBody.field(ctx, "id");
            String verdict = RequestBody.field(ctx, "verdict");
            if (!List.of("approve", "reject").contains(verdict)) {
                throw new BadRequest(HttpStatus.BAD_REQUEST, "verdict must be approve or reject, got '" + clip(verdict) + "'");
            }
            int n;
            try {
                n = Integer.parseInt(id.strip());
            } catch (NumberFormatException e) {
                throw new BadRequest(HttpStatus.BAD_REQUEST, "id must be a proposal's number, got '" + clip(id) + "'");
            }
            try {
                ctx.json(modelSession().proposals().decide(n, verdict.equals("approve"), "web"));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(HttpStatus.CONFLICT, e.getMessage());
            }
        });
        app.get("/api/episodes", ctx -> ctx.json(episodes.list()));
        app.get("/api/episodes/{id}/report", episodes::report);
    }

    /**
     * The gate's decision for a request (token, Host, Origin), and a query that is not UTF-8 once percent-decoded;
     * null lets it through.
     */
    private BadRequest admit(jakarta.servlet.http.HttpServletRequest r) {
        String path = String.valueOf(r.getRequestURI());
        Map<String, String> query;
        try {
            query = RequestText.parse(r.getQueryString());
        } catch (RequestText.NotUtf8 e) {
            return new BadRequest(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        String token = r.getHeader("X-Embody-Token") != null ? r.getHeader("X-Embody-Token") : query.get("token");
        // only the page's own files go without the token: any other spelling of a path ("/%61pi/state") is guarded
        ConsoleGate.Refusal refused = gate.refusal(!PAGE_FILES.contains(path), token, r.getHeader("Host"), r.getHeader("Origin"), port());
        return refused == null ? null : new BadRequest(refused.status(), refused.reason());
    }

    /** What halts nothing (a rollback, a verdict, a sentence not understood) takes a token, or is refused (429). */
    private void limit() {
        if (!rate.take()) {
            throw tooMany();
        }
    }

    /** An intervention takes a token, or is refused (429); a stop or a pause never is. */
    private void limit(Intervention i) {
        if (!rate.admits(i)) {
            throw tooMany();
        }
    }

    private BadRequest tooMany() {
        return new BadRequest(HttpStatus.TOO_MANY_REQUESTS, "too many corrections: at most " + settings.correctionsPerSecond() + " a second");
    }

    private String text(String t) {
        if (t == null || t.isBlank()) {
            throw new BadRequest(HttpStatus.BAD_REQUEST, "empty text");
        }
        if (t.length() > settings.maxCorrectionChars()) {
            throw new BadRequest(HttpStatus.CONTENT_TOO_LARGE, "text too long: " + t.length() + " characters (at most " + settings.maxCorrectionChars() + ")");
        }
        return t.strip();
    }

    private Understanding parse(String text) {
        return parser.get().parse(text);
    }

    static Map<String, Object> understandingView(Understanding u, boolean applied, String why) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", u.text());
        m.put("kind", u.kind().name().toLowerCase(Locale.ROOT));
        m.put("understood", u.understood());
        m.put("command", u.command() == null ? null : u.command().toString());
        m.put("argument", u.argument());
        m.put("explanation", u.explanation());
        m.put("confidence", u.confidence());
        m.put("applied", applied);
        if (why != null) {
            m.put("why", why);
        }
        return m;
    }

    /** Sentences an operator can say: every skill phrase with its slots filled by the values' first words. */
    static List<String> suggestions(SkillLibrary lib) {
        Set<String> out = new LinkedHashSet<>(List.of("stop", "pause", "resume"));
        for (Skill s : lib.skills()) {
            s.sentences(v -> List.of(v.synonyms().isEmpty() ? v.name() : v.synonyms().get(0))).stream()
                    .filter(f -> !f.contains("{")).forEach(out::add);
        }
        return List.copyOf(out);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Override
    public void close() {
        broadcaster.close();
        try {
            app.stop();
        } catch (RuntimeException e) {
            log.debug("console stop", e);
        }
    }
}
