package dev.embody.console;

import dev.embody.loop.OperatorInbox;
import dev.embody.correction.CorrectionParser;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the console refuses: strangers off loopback, other origins, floods, oversized text; and what it never does. */
class ConsoleSecurityTest {

    @TempDir
    Path dir;
    final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();
    final OperatorInbox inbox = new OperatorInbox();

    OperatorConsole console(ConsoleSettings s) throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        CorrectionParser parser = new CorrectionParser(lib);
        return OperatorConsole.start(s, inbox, () -> parser, new SessionTraining(() -> "scene-planner"), dir, null);
    }

    HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        ConsoleSettings s = ConsoleSettings.of("127.0.0.1", 0);
        assertThat(s.tokenRequired()).isFalse();
        try (OperatorConsole c = console(s)) {
            assertThat(get("http://127.0.0.1:" + c.port() + "/api/state").statusCode()).isEqualTo(200);
            Optional<InetAddress> other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
            if (other.isPresent()) {
                try (Socket sock = new Socket()) {
                    assertThatThrownBy(() -> sock.connect(new InetSocketAddress(other.get(), c.port()), 2000))
                            .as("not reachable on " + other.get()).isInstanceOf(java.io.IOException.class);
                }
            } else {
                System.out.println("this machine has no non-loopback IPv4 address: only the loopback check ran");
            }
        }
    }

    @Test
    void anyOtherAddressRequiresTheTokenOnEveryCallAndTheWebSocket() throws Exception {
        ConsoleSettings s = ConsoleSettings.of("0.0.0.0", 0);
        assertThat(s.tokenRequired()).isTrue();
        assertThat(s.token()).hasSize(32);
        try (OperatorConsole c = console(s)) {
            String base = "http://127.0.0.1:" + c.port();
            assertThat(c.url()).contains("?token=" + s.token());
            assertThat(get(base + "/api/state").statusCode()).isEqualTo(401);
            assertThat(get(base + "/api/state?token=wrong").statusCode()).isEqualTo(401);
            assertThat(post(base + "/api/control", "{\"action\":\"estop\"}").statusCode()).isEqualTo(401);
            assertThat(inbox.stopRequested()).as("an e-stop without the token does nothing").isFalse();
            assertThat(get(base + "/api/state", "X-Embody-Token", s.token()).statusCode()).isEqualTo(200);
            assertThat(get(base + "/api/state?token=" + s.token()).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> ws(base.replace("http", "ws") + "/ws", null)).isInstanceOf(CompletionException.class);
            ws(base.replace("http", "ws") + "/ws?token=" + s.token(), null).abort();
        }
    }

    @Test
    void refusesWebSocketsAndPostsFromOtherOrigins() throws Exception {
        try (OperatorConsole c = console(ConsoleSettings.of("127.0.0.1", 0))) {
            String base = "http://127.0.0.1:" + c.port();
            assertThatThrownBy(() -> ws("ws://127.0.0.1:" + c.port() + "/ws", "http://evil.example")).isInstanceOf(CompletionException.class);
            ws("ws://127.0.0.1:" + c.port() + "/ws", base).abort();
            assertThat(post(base + "/api/correct", "{\"text\":\"go left\"}", "Origin", "http://evil.example").statusCode()).isEqualTo(403);
            // a plain form post is what another site's page could send without asking
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/api/control"))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"estop\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(inbox.drain()).isEmpty();
        }
    }

    @Tag("slow")
    @Test
    void refusesAPageThatRebindsItsNameToLoopback() throws Exception {
        // DNS rebinding: a page from evil.example re-resolves its name to 127.0.0.1; its requests then carry Host and
        // Origin of evil.example, which agree with each other, so a same-origin check alone lets them through
        try (OperatorConsole c = console(ConsoleSettings.of("127.0.0.1", 0))) {
            int port = c.port();
            String evil = "evil.example:" + port;
            RawHttp.Response state = RawHttp.get(port, "/api/state", evil, "Origin", "http://" + evil);
            assertThat(state.status()).isEqualTo(403);
            assertThat(state.body()).contains("Host 'evil.example:" + port + "' is not this console's");
            assertThat(RawHttp.get(port, "/api/state", evil).status()).as("no Origin, the Host alone").isEqualTo(403);
            assertThat(RawHttp.postJson(port, "/api/control", evil, "{\"action\":\"estop\"}".getBytes(), "Origin", "http://" + evil).status())
                    .isEqualTo(403);
            assertThat(inbox.stopRequested()).as("the rebound page cannot stop the agent").isFalse();
            RawHttp.Upgrade ws = RawHttp.websocket(port, "/ws", evil, "http://" + evil);
            assertThat(ws.socket()).as("no WebSocket for a rebound page").isNull();
            assertThat(ws.refused().status()).isEqualTo(403);
            assertThat(RawHttp.get(port, "/", evil).status()).as("nor the page itself").isEqualTo(403);
            // its own names still work, with and without their Origin
            for (String own : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
                assertThat(RawHttp.get(port, "/api/state", own).status()).as(own).isEqualTo(200);
                assertThat(RawHttp.get(port, "/api/state", own, "Origin", "http://" + own).status()).as(own).isEqualTo(200);
                RawHttp.Upgrade mine = RawHttp.websocket(port, "/ws", own, "http://" + own);
                assertThat(mine.socket()).as(own).isNotNull();
                mine.socket().close();
            }
        }
    }

    @Test
    void withATokenAnyNameOfTheMachineWorksButOnlyWithTheToken() throws Exception {
        // off loopback the console is reached by the machine's own names (mybox.lan), which it cannot know: the token guards it
        ConsoleSettings s = ConsoleSettings.of("0.0.0.0", 0);
        try (OperatorConsole c = console(s)) {
            int port = c.port();
            String lan = "mybox.lan:" + port;
            assertThat(RawHttp.get(port, "/index.html", lan).status()).as("the page holds no secret").isEqualTo(200);
            assertThat(RawHttp.get(port, "/api/state", lan).status()).isEqualTo(401);
            for (String spelling : List.of("/%61pi/state", "//api/state", "/./api/state", "/console.js/../api/state", "/api/../api/state")) {
                assertThat(RawHttp.get(port, spelling, lan).status()).as(spelling + " is the API too").isNotEqualTo(200);
            }
            assertThat(RawHttp.get(port, "/api/state?token=" + s.token(), lan).status()).isEqualTo(200);
            assertThat(RawHttp.get(port, "/api/state?token=" + s.token(), lan, "Origin", "http://evil.example").status()).isEqualTo(403);
            RawHttp.Upgrade ws = RawHttp.websocket(port, "/ws?token=" + s.token(), lan, "http://" + lan);
            assertThat(ws.socket()).isNotNull();
            ws.socket().close();
        }
    }

    @Test
    void limitsTheSizeAndRateOfCorrections() throws Exception {
        try (OperatorConsole c = console(new ConsoleSettings("127.0.0.1", 0, null, 500, 5))) {
            String base = "http://127.0.0.1:" + c.port();
            assertThat(post(base + "/api/correct", "{\"text\":\"" + "left ".repeat(120) + "\"}").statusCode()).isEqualTo(413);
            int accepted = 0, refused = 0;
            for (int i = 0; i < 40; i++) {
                int code = post(base + "/api/correct", "{\"text\":\"go left\"}").statusCode();
                accepted += code == 200 ? 1 : 0;
                refused += code == 429 ? 1 : 0;
            }
            assertThat(refused).as("a flood is cut off").isGreaterThan(20);
            assertThat(accepted).isBetween(10, 19);
            assertThat(inbox.drain()).hasSize(accepted);
        }
    }

    @Test
    void neverExecutesWhatItReceives() throws Exception {
        Path marker = dir.resolve("pwned");
        try (OperatorConsole c = console(ConsoleSettings.of("127.0.0.1", 0))) {
            String base = "http://127.0.0.1:" + c.port();
            for (String evil : List.of("$(touch " + marker + ")", "`touch " + marker + "`", "go left; touch " + marker,
                    "move(direction=left, amount=large)", "release_all: true", "<script>alert(1)</script>")) {
                HttpResponse<String> r = post(base + "/api/correct", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("text", evil)));
                assertThat(r.statusCode()).isEqualTo(200);
            }
            // whatever the parser made of them, only data reached the loop: goal or note text, or a command of the skills
            SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
            assertThat(inbox.drain()).allSatisfy(i -> {
                if (i.kind() == dev.embody.loop.Intervention.Kind.COMMAND) {
                    assertThat(lib.commands()).contains(lib.normalize(i.command()));
                }
            });
            assertThat(get(base + "/api/episodes/..%2F..%2Fetc/report").statusCode()).isIn(400, 404);
            assertThat(get(base + "/api/episodes/%2Fetc%2Fpasswd/report").body()).doesNotContain("root:");
            assertThat(post(base + "/api/control", "{\"action\":\"shutdown\"}").statusCode()).isEqualTo(400);
            assertThat(Files.exists(marker)).as("nothing was run").isFalse();
            assertThat(inbox.drain()).isEmpty();
        }
    }

    private WebSocket ws(String url, String origin) {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(URI.create(url), new WebSocket.Listener() {
        }).orTimeout(10, TimeUnit.SECONDS).join();
    }
}
