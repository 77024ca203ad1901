package dev.embody.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.correction.CorrectionParser;
import dev.embody.correction.CorrectionRate;
import dev.embody.correction.SpokenCorrections;
import dev.embody.correction.Understanding;
import dev.embody.learning.TrainingStatus;
import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import dev.embody.vlm.ModelSession;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The console's endpoints: the WebSocket and the session's state, what the operator types, clicks and says (parse,
 * correct, control, speech, commands), the training and model panels, and the recorded episodes; every refusal as
 * one line of JSON ({@code {"error": ...}}) with its status. What halts nothing is rate limited; a stop or a pause never is.
 */
final class ConsoleRoutes {

    private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_AUDIO_BYTES = 2 * 1024 * 1024;
    /** Recordings decoded or waiting for the decoder at once; more are answered 503 at once, never queued. */
    static final int SPEECH_WAITING = 4;

    /** What the page is shown of the session, read at each request and each new page. */
    interface Session {
        String episodeId();

        /** "running", "paused", "e-stop" or "ended: OUTCOME". */
        String status();

        /** The latest step's view ({@code {"index": -1}} before the first). */
        Map<String, Object> latestStep();

        long framesSeen();

        /** The model behind some modules, or null when there is none. */
        ModelSession model();
    }

    private final ConsoleSettings settings;
    private final Session session;
    private final Broadcaster broadcaster;
    private final OperatorInbox inbox;
    private final Supplier<CorrectionParser> parser;
    private final TrainingStatus training;
    private final RecordedEpisodes episodes;
    private final SpokenCorrections speech;
    private final Semaphore speechSlots = new Semaphore(SPEECH_WAITING);
    private final CorrectionRate rate;

    /** @param speech null: no speech recognition in this session (the speech endpoint answers 503) */
    ConsoleRoutes(ConsoleSettings settings, Session session, Broadcaster broadcaster, OperatorInbox inbox,
                  Supplier<CorrectionParser> parser, TrainingStatus training, RecordedEpisodes episodes, SpokenCorrections speech) {
        this.settings = settings;
        this.session = session;
        this.broadcaster = broadcaster;
        this.inbox = inbox;
        this.parser = parser;
        this.training = training;
        this.episodes = episodes;
        this.speech = speech;
        this.rate = new CorrectionRate(settings.correctionsPerSecond(), Math.max(2, settings.correctionsPerSecond() * 2));
    }

    /** Adds every endpoint and the refusals' JSON to {@code app}. */
    void addTo(Javalin app) {
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
                ctx.send(JSON.writeValueAsString(Map.of("type", "hello", "episode", session.episodeId(), "status", session.status(),
                        "step", session.latestStep())));
            });
            // the socket only carries the agent's view to the page; anything a browser sends on it is ignored
            ws.onMessage(ctx -> { });
            ws.onBinaryMessage(ctx -> { });
            ws.onClose(broadcaster::leave);
            ws.onError(broadcaster::leave);
        });
        app.get("/api/state", ctx -> ctx.json(Map.of("episode", session.episodeId(), "status", session.status(), "step", session.latestStep(),
                "viewers", broadcaster.viewers(), "frames_seen", session.framesSeen())));
        corrections(app);
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

    /** What the operator types, clicks and says: each reaches only the parser and the inbox. */
    private void corrections(Javalin app) {
        app.get("/api/parse", ctx -> ctx.json(understandingView(parse(text(ctx.queryParam("text"))), false, null)));
        app.post("/api/correct", ctx -> {
            String text = text(RequestBody.field(ctx, "text"));
            // understood before it is limited: a stop or a pause is never refused ("stop, there is lava")
            Understanding u = parse(text);
            Optional<Intervention> i = u.toIntervention("web");
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
            SkillCall call;
            try {
                call = parser.get().library().normalize(SkillCall.parse(text));
            } catch (IllegalArgumentException e) {
                throw new BadRequest(HttpStatus.BAD_REQUEST, "not a command of these skills: " + clip(text) + " (" + e.getMessage() + ")");
            }
            Intervention i = Intervention.command(call, "button " + call, "console-button");
            limit(i);
            inbox.submit(i);
            ctx.json(Map.of("ok", true, "command", call.toString()));
        });
    }

    private ModelSession modelSession() {
        ModelSession m = session.model();
        if (m == null) {
            throw new BadRequest(HttpStatus.NOT_FOUND, "no module of this session is backed by a model (--modules plan=vlm)");
        }
        return m;
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

    /** A browser's text echoed in a message or a log line: at most 60 characters of it. */
    static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
