package dev.embody.console;

import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console answers to each kind of bad request, over HTTP and the WebSocket: the status and the one-line reason
 * (the JSON {@code error}) a client is given. Nothing bad reaches the operator's inbox.
 */
class ConsoleBadInputTest {

    @TempDir
    Path dir;
    final OperatorInbox inbox = new OperatorInbox();
    OperatorConsole console;
    int port;
    String host;

    @BeforeEach
    void start() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        console = OperatorConsole.start(new ConsoleSettings("127.0.0.1", 0, null, 500, 1000), inbox, () -> new dev.embody.correction.CorrectionParser(lib),
                new SessionTraining(() -> "scene-planner"), dir, null);
        port = console.port();
        host = "127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        console.close();
        assertThat(inbox.drain()).as("nothing bad reached the loop").isEmpty();
        assertThat(inbox.stopRequested()).isFalse();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON {"error": ...} the console answers with. */
    static String error(RawHttp.Response r) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("error").asText("<no error field in " + r.body() + ">");
    }

    // ---- Host and Origin ----

    @Test
    void aHostThatIsNotTheConsolesIsRefused() throws Exception {
        String expected = " is not this console's (127.0.0.1:" + port + ", localhost:" + port + " or [::1]:" + port
                + "): a page of another site must not reach it";
        RawHttp.Response foreign = RawHttp.get(port, "/api/state", "evil.example:" + port);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(error(foreign)).isEqualTo("Host 'evil.example:" + port + "'" + expected);
        RawHttp.Response otherPort = RawHttp.get(port, "/api/state", "localhost:1");
        assertThat(otherPort.status()).isEqualTo(403);
        assertThat(error(otherPort)).isEqualTo("Host 'localhost:1'" + expected);
        RawHttp.Response noPort = RawHttp.get(port, "/api/state", "localhost");
        assertThat(error(noPort)).as("no port is port 80").isEqualTo("Host 'localhost'" + expected);
        RawHttp.Response lookalike = RawHttp.get(port, "/api/state", "localhost.evil.example:" + port);
        assertThat(lookalike.status()).isEqualTo(403);
        RawHttp.Response trailingDot = RawHttp.get(port, "/api/state", "127.0.0.1.:" + port);
        assertThat(trailingDot.status()).isEqualTo(403);
        RawHttp.Response ipv6Unbracketed = RawHttp.get(port, "/api/state", "::1:" + port);
        assertThat(ipv6Unbracketed.status()).as("Jetty itself refuses a Host it cannot parse").isIn(400, 403);
        RawHttp.Response page = RawHttp.get(port, "/index.html", "evil.example:" + port);
        assertThat(page.status()).as("the page itself").isEqualTo(403);
        RawHttp.Response post = RawHttp.postJson(port, "/api/control", "evil.example:" + port, bytes("{\"action\":\"estop\"}"));
        assertThat(post.status()).isEqualTo(403);
    }

    @Test
    void aRequestWithNoHostIsRefused() throws Exception {
        RawHttp.Response none = RawHttp.get(port, "/api/state", null);
        assertThat(none.status()).as("HTTP/1.1 without Host").isIn(400, 403);
    }

    @Test
    void anOriginThatIsNotTheConsolesIsRefused() throws Exception {
        for (String origin : new String[]{"http://evil.example", "http://evil.example:" + port, "null", "http://127.0.0.1:1",
                "http://127.0.0.1:" + port + ".evil.example", "file://", "http://localhost:" + port + "@evil.example"}) {
            RawHttp.Response r = RawHttp.postJson(port, "/api/correct", host, bytes("{\"text\":\"go left\"}"), "Origin", origin);
            assertThat(r.status()).as(origin).isEqualTo(403);
            assertThat(error(r)).as(origin).isEqualTo("requests from other origins are refused ('" + origin + "')");
        }
        // the console's own names are one origin: the page at localhost may talk to 127.0.0.1
        assertThat(RawHttp.get(port, "/api/state", host, "Origin", "http://localhost:" + port).status()).isEqualTo(200);
    }

    @Test
    void theWebSocketRefusesAForeignHostOrOrigin() throws Exception {
        RawHttp.Upgrade foreignHost = RawHttp.websocket(port, "/ws", "evil.example:" + port, null);
        assertThat(foreignHost.socket()).isNull();
        assertThat(foreignHost.refused().status()).isEqualTo(403);
        assertThat(error(foreignHost.refused())).startsWith("Host 'evil.example:" + port + "' is not this console's");
        RawHttp.Upgrade foreignOrigin = RawHttp.websocket(port, "/ws", host, "http://evil.example");
        assertThat(foreignOrigin.socket()).isNull();
        assertThat(foreignOrigin.refused().status()).isEqualTo(403);
        assertThat(error(foreignOrigin.refused())).isEqualTo("requests from other origins are refused ('http://evil.example')");
    }

    // ---- bodies ----

    @Test
    void aBodyThatIsNotUtf8IsRefusedWithWhere() throws Exception {
        byte[] latin1 = "{\"text\":\"go l\u00e9ft\"}".getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Response r = RawHttp.postJson(port, "/api/correct", host, latin1);
        assertThat(r.status()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("the body is not valid UTF-8 (byte 0xe9 at offset 13)");
        byte[] truncated = Arrays.copyOf(bytes("{\"goal\":\"reach the \u20ac"), 20);
        RawHttp.Response cut = RawHttp.postJson(port, "/api/control", host, truncated);
        assertThat(cut.status()).isEqualTo(400);
        assertThat(error(cut)).startsWith("the body is not valid UTF-8");
        // a surrogate encoded as UTF-8 bytes (CESU) is not UTF-8 either
        byte[] cesu = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'};
        assertThat(error(RawHttp.postJson(port, "/api/correct", host, cesu))).isEqualTo("the body is not valid UTF-8 (byte 0xed at offset 9)");
    }

    @Test
    void aQueryThatIsNotUtf8IsRefused() throws Exception {
        RawHttp.Response r = RawHttp.get(port, "/api/parse?text=go%20l%E9ft", host);
        assertThat(r.status()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("the query is not valid UTF-8 (after percent-decoding: byte 0xe9 at offset 4 of 'text')");
        RawHttp.Response ok = RawHttp.get(port, "/api/parse?text=go%20l%C3%A9ft", host);
        assertThat(ok.status()).as("UTF-8 percent-encoded is fine").isEqualTo(200);
    }

    @Test
    void badJsonGetsWhatWasExpected() throws Exception {
        RawHttp.Response broken = RawHttp.postJson(port, "/api/correct", host, bytes("{\"text\":"));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(error(broken)).isEqualTo("the body is not JSON");
        for (String body : new String[]{"[]", "null", "\"go left\"", "{\"text\":42}", "{\"words\":\"go left\"}", ""}) {
            RawHttp.Response r = RawHttp.postJson(port, "/api/correct", host, bytes(body));
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(error(r)).as(body).isEqualTo(body.isEmpty() ? "the body is empty: expected a JSON object with a text field 'text'"
                    : "expected a JSON object with a text field 'text'");
        }
        RawHttp.Response blank = RawHttp.postJson(port, "/api/correct", host, bytes("{\"text\":\"   \"}"));
        assertThat(error(blank)).isEqualTo("empty text");
        RawHttp.Response action = RawHttp.postJson(port, "/api/control", host, bytes("{\"action\":\"self-destruct\"}"));
        assertThat(action.status()).isEqualTo(400);
        assertThat(error(action)).isEqualTo("unknown action 'self-destruct' (expected pause, resume, step, estop or goal)");
        RawHttp.Response form = RawHttp.postJson(port, "/api/control", host, bytes("action=estop"), "Content-Type", "application/x-www-form-urlencoded");
        assertThat(form.status()).isEqualTo(415);
        assertThat(error(form)).isEqualTo("send application/json");
    }

    @Test
    void oversizedBodiesAreRefusedWithTheLimit() throws Exception {
        RawHttp.Response text = RawHttp.postJson(port, "/api/correct", host, bytes("{\"text\":\"" + "left ".repeat(120) + "\"}"));
        assertThat(text.status()).isEqualTo(413);
        assertThat(error(text)).isEqualTo("text too long: 600 characters (at most 500)");
        byte[] huge = new byte[100 * 1024]; // over the limit, yet small enough that the socket takes it whole before the answer
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        RawHttp.Response body = RawHttp.postJson(port, "/api/correct", host, huge);
        assertThat(body.status()).isEqualTo(413);
        assertThat(error(body)).isEqualTo("the body is too large: at most 65536 bytes");
    }

    @Test
    void aSpeechBodyThatIsNotAWavIsRefusedWithTheReason() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        try (dev.embody.correction.SpokenCorrections speech = dev.embody.correction.SpokenCorrections.open(
                () -> new dev.embody.correction.CorrectionParser(lib), inbox).orElseThrow()) {
            OperatorConsole heard = OperatorConsole.start(new ConsoleSettings("127.0.0.1", 0, null, 500, 1000), inbox,
                    () -> new dev.embody.correction.CorrectionParser(lib), new SessionTraining(() -> "scene-planner"), dir, speech);
            try {
                String at = "127.0.0.1:" + heard.port();
                RawHttp.Response text = RawHttp.postJson(heard.port(), "/api/speech", at, bytes("go left"), "Content-Type", "audio/wav");
                assertThat(text.status()).as(text.body()).isEqualTo(415);
                assertThat(error(text)).isEqualTo("not a WAV recording: not a WAV file (no RIFF/WAVE header)");
                RawHttp.Response empty = RawHttp.postJson(heard.port(), "/api/speech", at, new byte[0], "Content-Type", "audio/wav");
                assertThat(empty.status()).as(empty.body()).isEqualTo(415);
            } finally {
                heard.close();
            }
        }
    }

    // ---- routes ----

    @Test
    void unknownRoutesAndEpisodeIdsAreNamed() throws Exception {
        RawHttp.Response nope = RawHttp.get(port, "/api/nope", host);
        assertThat(nope.status()).isEqualTo(404);
        assertThat(error(nope)).isEqualTo("no such endpoint: GET /api/nope");
        RawHttp.Response method = RawHttp.postJson(port, "/api/state", host, bytes("{}"));
        assertThat(method.status()).isEqualTo(404);
        assertThat(error(method)).isEqualTo("no such endpoint: POST /api/state");
        RawHttp.Response id = RawHttp.get(port, "/api/episodes/.hidden/report", host);
        assertThat(id.status()).isEqualTo(400);
        assertThat(error(id)).isEqualTo("bad episode id");
        RawHttp.Response missing = RawHttp.get(port, "/api/episodes/20250101-000000/report", host);
        assertThat(missing.status()).as("a report that is not there yet keeps its own answer").isEqualTo(404);
        assertThat(missing.body()).startsWith("no replay report for 20250101-000000 yet");
    }

    // ---- the WebSocket's messages ----

    @Test
    void aWebSocketTextThatIsNotUtf8ClosesTheSocketWithTheReason() throws Exception {
        RawHttp.Upgrade u = RawHttp.websocket(port, "/ws", host, "http://" + host);
        assertThat(u.socket()).isNotNull();
        try (RawHttp.WebSocket ws = u.socket()) {
            ws.send(1, new byte[]{'g', 'o', ' ', (byte) 0xe9});
            RawHttp.Close close = ws.awaitClose();
            assertThat(close.code()).as("1007: invalid frame payload data").isEqualTo(1007);
            assertThat(close.reason()).isEqualTo("Not valid UTF8! incomplete UTF8 sequence");
        }
    }

    @Test
    void anOversizedWebSocketMessageClosesTheSocketWithTheLimit() throws Exception {
        RawHttp.Upgrade u = RawHttp.websocket(port, "/ws", host, "http://" + host);
        try (RawHttp.WebSocket ws = u.socket()) {
            ws.send(1, "x".repeat(5_000).getBytes(StandardCharsets.UTF_8));
            RawHttp.Close close = ws.awaitClose();
            assertThat(close.code()).as("1009: message too big").isEqualTo(1009);
            assertThat(close.reason()).startsWith("Text message too large").contains("4,096");
        }
    }
}
