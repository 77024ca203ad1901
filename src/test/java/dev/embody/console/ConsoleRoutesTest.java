package dev.embody.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.correction.CorrectionParser;
import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import dev.embody.vlm.ModelSession;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's endpoints on a bare Javalin server (no gate, no page, no broadcasting): what the operator sends reaches
 * the inbox through the parser, and what is refused is answered with a status and a one-line JSON reason.
 */
class ConsoleRoutesTest {

    @TempDir
    Path dir;
    final OperatorInbox inbox = new OperatorInbox();
    Javalin app;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The session as the console would show it: episode, status, the latest step; no model. */
    record Shown(String episodeId, String status, Map<String, Object> latestStep, long framesSeen, ModelSession model)
            implements ConsoleRoutes.Session {
    }

    @BeforeEach
    void start() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills", "sim-game"));
        // one correction a second, two at once: the third in a row is refused
        ConsoleSettings settings = new ConsoleSettings("127.0.0.1", 0, null, 500, 1);
        ConsoleRoutes routes = new ConsoleRoutes(settings, new Shown("e1", "running", Map.of("index", 7), 12, null), new Broadcaster(),
                inbox, () -> new CorrectionParser(lib), new SessionTraining(() -> "scene-planner"), new RecordedEpisodes(dir), null);
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        routes.addTo(app);
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void aTypedCorrectionIsParsedAndReachesTheInbox() throws Exception {
        HttpResponse<String> r = post("/api/correct", "{\"text\": \"go left a bit\"}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("kind").asText()).isEqualTo("command");
        assertThat(json(r).path("command").asText()).isEqualTo("move(direction=left, amount=small)");
        assertThat(json(r).path("applied").asBoolean()).isTrue();
        assertThat(inbox.drain()).extracting(Intervention::kind, i -> String.valueOf(i.command()))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Intervention.Kind.COMMAND, "move(direction=left, amount=small)"));
    }

    @Test
    void theStateIsTheSessionsAsShown() throws Exception {
        JsonNode state = json(get("/api/state"));

        assertThat(state.path("episode").asText()).isEqualTo("e1");
        assertThat(state.path("status").asText()).isEqualTo("running");
        assertThat(state.path("step").path("index").asInt()).isEqualTo(7);
        assertThat(state.path("frames_seen").asLong()).isEqualTo(12);
        assertThat(state.path("viewers").asInt()).isZero();
    }

    @Test
    void aRefusalIsAStatusAndOneLineOfJson() throws Exception {
        HttpResponse<String> unknown = post("/api/control", "{\"action\": \"dance\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).path("error").asText()).isEqualTo("unknown action 'dance' (expected pause, resume, step, estop or goal)");

        HttpResponse<String> noModel = get("/api/model");
        assertThat(noModel.statusCode()).isEqualTo(404);
        assertThat(json(noModel).path("error").asText()).isEqualTo("no module of this session is backed by a model (--modules plan=vlm)");

        HttpResponse<String> noSpeech = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/speech"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[44])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noSpeech.statusCode()).isEqualTo(503);
        assertThat(inbox.drain()).isEmpty();
    }

    @Test
    void aFloodOfCorrectionsIsLimited_butTheStopAlwaysPasses() throws Exception {
        assertThat(post("/api/control", "{\"action\": \"goal\", \"goal\": \"reach the flag\"}").statusCode()).isEqualTo(200);
        assertThat(post("/api/control", "{\"action\": \"goal\", \"goal\": \"reach the flag\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> third = post("/api/control", "{\"action\": \"goal\", \"goal\": \"reach the flag\"}");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(json(third).path("error").asText()).isEqualTo("too many corrections: at most 1.0 a second");

        assertThat(post("/api/control", "{\"action\": \"estop\"}").statusCode()).isEqualTo(200);
        assertThat(inbox.stopRequested()).isTrue();
    }
}
