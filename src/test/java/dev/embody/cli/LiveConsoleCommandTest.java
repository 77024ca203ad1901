package dev.embody.cli;

import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.FreePort;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `./run live --console` in a child JVM: the page is served on the asked port; a bad bind address is a usage error. */
@Tag("slow")
class LiveConsoleCommandTest {

    @TempDir
    Path dir;

    @Test
    void liveWithConsoleServesThePageAndSaysWhatHasNoDevice() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        int port = FreePort.pick();
        try (EmbodyProcess p = EmbodyProcess.cli(dir, Map.of(), "live", "--console", "--console-port", Integer.toString(port),
                "--episodes", "2", "--no-record", "--gamepad", "--speech")) {
            assertThat(p.awaitOutput("console: http://127.0.0.1:" + port + "/", 60)).as(p.stderr()).isTrue();
            HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("embody operator console").contains("id=\"estop\"");
            assertThat(p.waitFor(120)).isZero();
            assertThat(p.stderr()).contains("gamepad: no controller found").contains("no microphone");
            assertThat(p.stdout()).contains("summary: episodes=2");
        }
    }

    @Test
    void anUnknownBindAddressIsAUsageError() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        try (EmbodyProcess p = EmbodyProcess.cli(dir, Map.of(), "live", "--console", "--console-bind", "no-such-host.invalid", "--episodes", "1")) {
            assertThat(p.waitFor(60)).isEqualTo(2);
            assertThat(p.stderr()).contains("--console-bind");
        }
    }
}
