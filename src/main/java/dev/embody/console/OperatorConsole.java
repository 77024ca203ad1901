package dev.embody.console;

import dev.embody.learning.TrainingStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.correction.CorrectionParser;
import dev.embody.correction.SpokenCorrections;
import dev.embody.loop.Entity;
import dev.embody.loop.Frame;
import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Scene;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.skill.SkillCall;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>This class wires the parts and keeps the session's state: {@link ConsoleGate} admits a request (token, Host,
 * Origin), {@link ConsoleRoutes} serves it, {@link Broadcaster} pushes steps and frames to the pages.
 */
public final class OperatorConsole implements StepListener, Consumer<Frame>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorConsole.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_WS_MESSAGE_BYTES = 4096;
    /** The page (src/main/resources/console): it holds no secret, and reads the token from its own URL. */
    private static final Set<String> PAGE_FILES = Set.of("/", "/index.html", "/console.js", "/console.css");

    private final ConsoleSettings settings;
    private final ConsoleGate gate;
    private final Javalin app;
    private final AtomicReference<Map<String, Object>> latestStep = new AtomicReference<>(Map.of("index", -1));
    private final AtomicLong framesSeen = new AtomicLong();
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
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = ConsoleRoutes.MAX_AUDIO_BYTES;
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
                            log.warn("refused {} {}: {}", r.getMethod(), ConsoleRoutes.clip(String.valueOf(r.getRequestURI())), refused.getMessage());
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
        new ConsoleRoutes(settings, new Shown(), broadcaster, inbox, parser, training, new RecordedEpisodes(episodesDir), speech).addTo(app);
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

    /** What the routes show of this session: the console's own state, read as it is now. */
    private final class Shown implements ConsoleRoutes.Session {
        @Override
        public String episodeId() {
            return episodeId;
        }

        @Override
        public String status() {
            return status;
        }

        @Override
        public Map<String, Object> latestStep() {
            return latestStep.get();
        }

        @Override
        public long framesSeen() {
            return framesSeen.get();
        }

        @Override
        public dev.embody.vlm.ModelSession model() {
            return model;
        }
    }

    // ---- the gate ----

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
