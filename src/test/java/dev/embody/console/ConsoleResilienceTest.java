package dev.embody.console;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Browsers come and go, drop their sockets and send garbage; the loop keeps its pace through all of it. */
class ConsoleResilienceTest {

    @TempDir
    Path dir;

    @Tag("slow")
    @Test
    void closedPagesLostSocketsAndGarbageNeverStopOrStallTheLoop() throws Exception {
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        try (LiveSession session = new LiveSession(new ConsoleSettings("127.0.0.1", 0, null, 500, 1000), dir, 7)) {
            String base = "http://127.0.0.1:" + session.console.port();
            Random random = new Random(1);
            List<WebSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/ws"), new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.request(1); // then never read again: a stuck browser tab
                    }
                }).get(10, TimeUnit.SECONDS));
            }
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            for (WebSocket ws : sockets) {
                ws.sendText("{\"action\":\"estop\"", true).get(5, TimeUnit.SECONDS);
                ws.sendBinary(ByteBuffer.wrap(junk), true).get(5, TimeUnit.SECONDS);
            }
            for (String body : List.of("", "null", "[]", "{\"text\":42}", "{{{{", "{\"action\":\"estop\"", new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                for (String path : List.of("/api/correct", "/api/control", "/api/training/rollback")) {
                    int code = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    assertThat(code).as(path + " with " + body.length() + " bytes of garbage").isBetween(400, 499);
                }
            }
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/speech")).POST(HttpRequest.BodyPublishers.ofByteArray(junk)).build(),
                    HttpResponse.BodyHandlers.discarding());
            // half the tabs vanish without a close, the other half close properly
            for (int i = 0; i < sockets.size(); i++) {
                if (i % 2 == 0) {
                    sockets.get(i).abort();
                } else {
                    sockets.get(i).sendClose(WebSocket.NORMAL_CLOSURE, "bye");
                }
            }
            int before = session.steps.size();
            long t0 = System.nanoTime();
            while (session.steps.size() < before + 10 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
                Thread.sleep(50);
            }
            assertThat(session.steps.size()).as("the loop kept stepping").isGreaterThanOrEqualTo(before + 10);
            assertThat(session.result).as("nothing stopped it").isNotDone();
            assertThat(session.inbox.stopRequested()).isFalse();
            assertThat(session.console.viewers()).isLessThanOrEqualTo(3);
        }
    }
}
