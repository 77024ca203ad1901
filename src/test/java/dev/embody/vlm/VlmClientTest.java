package dev.embody.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.loop.Frame;
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.bench.StandInVlm;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client over a real HTTP wire. No model can be downloaded on these machines, so the server is the stand-in
 * ({@link StandInVlm}): it decodes the PNG the client sent and answers from what it sees through the game's own scene
 * parser and planner, or answers badly on purpose. A raw socket server checks what goes on the wire itself.
 */
class VlmClientTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static SkillLibrary library;
    static StandInVlm model;
    static Frame frame;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        library = SimGameProfile.standard().skills();
        model = StandInVlm.start(library);
        frame = SimGame.of(1, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)).render();
    }

    @AfterAll
    static void stop() {
        model.close();
    }

    VlmClient client(Duration timeout) {
        return new VlmClient(VlmSettings.of(model.endpoint(), "stand-in", dir.resolve("vlm")).withTimeout(timeout).withRetries(2)
                .withBackoff(Duration.ofMillis(20)), v -> null);
    }

    /** A plan question as the plan module asks it: the frame, the commands listed, the command an enum of them. */
    static Question plan(SentImage image) {
        List<String> commands = library.commands().stream().map(SkillCall::toString).toList();
        StringBuilder text = new StringBuilder("Goal: collect all coins\nChoose one of:\n");
        commands.forEach(c -> text.append("- ").append(c).append(": a command\n"));
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("command", AnswerSchema.oneOf(commands));
        p.put("reason", AnswerSchema.text(300));
        return new Question("plan", text.toString(), List.of(image), AnswerSchema.object("embody_plan", p),
                a -> commands.contains(a.get("command").asText()) ? null : "not a command");
    }

    List<JsonNode> log() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("vlm").resolve(CallLog.FILE))) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void aGoodAnswerComesFromWhatTheServerSawAndIsLoggedWithItsRequest() throws Exception {
        model.behave(StandInVlm.Behaviour.GOOD);
        SentImage image = SentImage.of(frame, 640);
        try (VlmClient c = client(Duration.ofSeconds(20))) {
            Answer a = c.ask(plan(image));
            assertThat(a.attempts()).isEqualTo(1);
            // the stand-in planned on the decoded image: the scene planner's reason names the coin it goes for
            assertThat(a.value().get("command").asText()).startsWith("move(");
            assertThat(a.value().get("reason").asText()).contains("go to the coin at");
        }
        JsonNode line = log().get(0);
        assertThat(line.get("verdict").asText()).isEqualTo("ok");
        assertThat(line.at("/request/temperature").asInt()).isZero();
        assertThat(line.at("/request/max_tokens").asInt()).isEqualTo(512);
        assertThat(line.at("/request/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(line.at("/request/response_format/json_schema/name").asText()).isEqualTo("embody_plan");
        String url = line.at("/request/messages/1/content/1/image_url/url").asText();
        assertThat(url).startsWith("file:images/000001-0.png");
        // the logged image is exactly what was sent
        Frame sent = Frame.of(ImageIO.read(dir.resolve("vlm/images/000001-0.png").toFile()));
        assertThat(sent.bgr()).isEqualTo(frame.bgr());
        assertThat(line.get("answer").asText()).contains("chat.completion");
    }

    @Test
    void everyKindOfBadAnswerIsTriedAgainBoundedlyThenRefusedAndEachTryIsLoggedWithItsRequest() throws Exception {
        Map<StandInVlm.Behaviour, BadAnswer.Kind> cases = new LinkedHashMap<>();
        cases.put(StandInVlm.Behaviour.UNKNOWN_COMMAND, BadAnswer.Kind.SCHEMA);
        cases.put(StandInVlm.Behaviour.MALFORMED_JSON, BadAnswer.Kind.NOT_JSON);
        cases.put(StandInVlm.Behaviour.SERVER_ERROR, BadAnswer.Kind.HTTP_ERROR);
        cases.put(StandInVlm.Behaviour.REFUSAL, BadAnswer.Kind.REFUSED);
        cases.put(StandInVlm.Behaviour.LATE, BadAnswer.Kind.TIMEOUT);
        cases.put(StandInVlm.Behaviour.HUGE, BadAnswer.Kind.TOO_LARGE);
        SentImage image = SentImage.of(frame, 640);
        long call = 0;
        try (VlmClient c = client(Duration.ofSeconds(1))) {
            for (var e : cases.entrySet()) {
                model.behave(e.getKey());
                long t0 = System.nanoTime();
                BadAnswer bad = org.junit.jupiter.api.Assertions.assertThrows(BadAnswer.class, () -> c.ask(plan(image)), e.getKey().name());
                call++;
                assertThat(bad.kind()).as(e.getKey().name()).isEqualTo(e.getValue());
                assertThat(bad.attempts()).as("tried three times at most").isEqualTo(3);
                assertThat(bad.call()).isEqualTo(call);
                assertThat((System.nanoTime() - t0) / 1e9).as("bounded: 3 tries of at most 1 s").isLessThan(8);
            }
        } finally {
            model.behave(StandInVlm.Behaviour.GOOD);
        }
        assertThat(detail(1)).as("the unknown command is named").contains("fly(direction=up)");
        List<JsonNode> lines = log();
        assertThat(lines).hasSize(3 * cases.size());
        int i = 0;
        for (BadAnswer.Kind k : cases.values()) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                JsonNode l = lines.get(i++);
                assertThat(l.get("verdict").asText()).isEqualTo("bad");
                assertThat(l.at("/problem/kind").asText()).isEqualTo(k.label());
                assertThat(l.get("attempt").asInt()).isEqualTo(attempt);
                // the request that caused it is on the same line, its image in a file beside the log
                String url = l.at("/request/messages/1/content/1/image_url/url").asText();
                assertThat(url).startsWith("file:images/");
                assertThat(dir.resolve("vlm").resolve(url.substring(5, url.indexOf(' ')))).isRegularFile();
            }
        }
        // a wrong answer is told what was wrong, so the next try can differ
        JsonNode retry = lines.get(1).at("/request/messages");
        assertThat(retry.size()).isEqualTo(4);
        assertThat(retry.get(3).get("content").asText()).startsWith("That answer cannot be used: ");
        JsonNode huge = lines.get(3 * 5);
        assertThat(huge.get("answer_bytes").asLong()).as("read up to the 1 MiB bound, not 10 MB").isLessThanOrEqualTo((1 << 20) + 65_536);
    }

    private String detail(int call) throws Exception {
        for (JsonNode l : log()) {
            if (l.get("call").asInt() == call) {
                return l.at("/problem/detail").asText();
            }
        }
        return "";
    }

    @Test
    void aPlaceOutsideTheImageIsABadAnswerByTheModulesCheck() throws Exception {
        model.behave(StandInVlm.Behaviour.OUT_OF_FRAME);
        SentImage image = SentImage.of(frame, 640);
        Map<String, ObjectNode> target = new LinkedHashMap<>();
        target.put("kind", AnswerSchema.text(40));
        target.put("x", AnswerSchema.number());
        target.put("y", AnswerSchema.number());
        Map<String, ObjectNode> p = new LinkedHashMap<>();
        p.put("kind", AnswerSchema.oneOf(List.of("navigate", "explore", "done", "idle")));
        p.put("subtask", AnswerSchema.text(200));
        p.put("target", AnswerSchema.orNull(AnswerSchema.objectNode(target)));
        p.put("reason", AnswerSchema.text(300));
        Question q = new Question("task", "Goal: collect all coins", List.of(image), AnswerSchema.object("embody_task", p),
                a -> a.get("target").isNull() || image.inside(a.at("/target/x").asDouble(), a.at("/target/y").asDouble()) ? null : "the target is outside the image");
        try (VlmClient c = client(Duration.ofSeconds(5))) {
            BadAnswer bad = org.junit.jupiter.api.Assertions.assertThrows(BadAnswer.class, () -> c.ask(q));
            assertThat(bad.kind()).isEqualTo(BadAnswer.Kind.UNUSABLE);
            assertThat(bad.getMessage()).contains("outside the image");
        } finally {
            model.behave(StandInVlm.Behaviour.GOOD);
        }
    }

    @Test
    void aServerWithoutStructuredOutputGetsTheSchemaInThePromptOnly() throws Exception {
        model.takesResponseFormat(false);
        try (VlmClient c = client(Duration.ofSeconds(20))) {
            assertThat(c.ask(plan(SentImage.of(frame, 640))).value().get("command").asText()).startsWith("move(");
            assertThat(c.ask(plan(SentImage.of(frame, 640))).attempts()).isEqualTo(1);
        } finally {
            model.takesResponseFormat(true);
        }
        List<JsonNode> lines = log();
        assertThat(lines.get(0).at("/problem/detail").asText()).contains("does not take response_format");
        assertThat(lines.get(1).get("verdict").asText()).isEqualTo("ok");
        assertThat(lines.get(1).get("request").has("response_format")).isFalse();
        assertThat(lines.get(1).at("/request/messages/0/content").asText()).contains("\"title\":\"embody_plan\"");
        assertThat(lines.get(2).get("request").has("response_format")).as("remembered").isFalse();
    }

    @Test
    void framesLargerThanTheImageSizeAreShrunkBeforeSending() throws Exception {
        int before = model.imageSizes().size();
        try (VlmClient c = new VlmClient(VlmSettings.of(model.endpoint(), "stand-in", dir.resolve("vlm")).withImageSide(320), v -> null)) {
            c.ask(plan(SentImage.of(frame, c.settings().imageSide())));
        }
        assertThat(model.imageSizes().get(before)).containsExactly(320, 180);
    }

    /** What goes on the wire: HTTP/1.1 with no h2c upgrade (vLLM refuses it), and the key only from the environment. */
    @Test
    void speaksPlainHttp11AndSendsTheKeyFromTheEnvironmentOnly() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> headers = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    List<String> h = new ArrayList<>();
                    String line;
                    int length = 0;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        h.add(line);
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                    in.skip(length);
                    byte[] body = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"command\\\":\\\"stop\\\",\\\"reason\\\":\\\"raw\\\"}\"},\"finish_reason\":\"stop\"}]}"
                            .getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                    return h;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            VlmSettings s = VlmSettings.of(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1"), "m", dir.resolve("vlm"));
            try (VlmClient c = new VlmClient(s, v -> v.equals(VlmSettings.API_KEY_VARIABLE) ? "sk-test-123" : null)) {
                assertThat(c.ask(plan(SentImage.of(frame, 640))).value().get("command").asText()).isEqualTo("stop");
            }
            List<String> h = headers.get();
            assertThat(h.get(0)).isEqualTo("POST /v1/chat/completions HTTP/1.1");
            assertThat(h).noneMatch(l -> l.toLowerCase().startsWith("upgrade:") || l.toLowerCase().startsWith("http2-settings:"));
            assertThat(h).contains("Authorization: Bearer sk-test-123");
        }
        assertThat(Files.readString(dir.resolve("vlm").resolve(CallLog.FILE))).as("the key is never logged").doesNotContain("sk-test-123");
    }
}
