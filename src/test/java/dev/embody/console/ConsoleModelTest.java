package dev.embody.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.correction.CorrectionParser;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Modules;
import dev.embody.loop.OperatorInbox;
import dev.embody.memory.EpisodicMemory;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillFolder;
import dev.embody.skill.SkillLibrary;
import dev.embody.loop.Target;
import dev.embody.testkit.StandInModel;
import dev.embody.vlm.ModelSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console with model-backed modules: the step view carries the model's last thought and its age, and a skill the
 * model proposes waits for the operator's approval there. The model is the stand-in server (no model exists on this
 * machine), 300 ms an answer, beside a live sim session on the wall clock.
 */
@Tag("external")
class ConsoleModelTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HALT = "name: halt\ndescription: Let go of everything at once.\ntags: [any]\nphrases: [\"halt\"]\nbody:\n  - release_all: true\n";

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();

    JsonNode get(String base, String path) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    HttpResponse<String> post(String base, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theStepViewShowsTheModelsLastThoughtAndItsAgeAndTheOperatorApprovesAProposedSkill() throws Exception {
        Path folder = dir.resolve("skills");
        Files.createDirectories(folder);
        for (String f : List.of("move.yaml", "stop.yaml", "wait.yaml")) {
            Files.copy(Path.of("skills/sim-game", f), folder.resolve(f));
        }
        OperatorInbox inbox = new OperatorInbox();
        try (StandInModel model = StandInModel.start();
             Profile profile = Profiles.open(SimGameProfile.NAME, TargetOptions.defaults().withSkills(folder),
                     model.choice(model.settings(dir.resolve("vlm"), false), "plan", "curation"))) {
            model.server.delay(Duration.ofMillis(300)).propose(HALT);
            ModelSession session = Profiles.modelSession(profile).orElseThrow();
            session.proposals().attach(inbox);
            SkillLibrary library = profile.skills();
            CorrectionParser parser = new CorrectionParser(library);
            OperatorConsole console = OperatorConsole.start(new ConsoleSettings("127.0.0.1", 0, null, 500, 20), inbox, () -> parser,
                    new SessionTraining(() -> "vlm"), dir, null);
            console.model(session);
            String base = "http://127.0.0.1:" + console.port();
            // episodes one after another, as live runs them, the skills as they stand carried into the next
            java.util.concurrent.atomic.AtomicReference<AgentLoop> current = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread t = new Thread(() -> {
                SkillLibrary skills = library;
                for (long seed = 4; !stop.get(); seed++) {
                    try (Target target = profile.open(new EpisodeSpec(seed, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(300), true, console));
                         Modules m = profile.modules(skills)) {
                        AgentLoop loop = AgentLoop.builder().target(target).library(skills).modules(m).goal(SimGame.COLLECT_COINS)
                                .memory(EpisodicMemory.inMemory()).inbox(inbox).skillFolder(new SkillFolder(folder)).period(Duration.ofMillis(100))
                                .maxSteps(5000).listener(console).listener(session).build();
                        synchronized (current) {
                            if (stop.get()) {
                                return; // the test ended while this episode opened: a loop left running would write into the temp dir
                            }
                            current.set(loop);
                        }
                        loop.run();
                        skills = loop.library();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "console-model-session");
            t.setDaemon(true);
            t.start();
            try {
                JsonNode m = null;
                for (int i = 0; i < 200; i++) {
                    JsonNode step = get(base, "/api/state").path("step");
                    if (step.path("model").has("last")) {
                        m = step.get("model");
                        break;
                    }
                    Thread.sleep(50);
                }
                assertThat(m).as("the step view carries the model's status").isNotNull();
                assertThat(m.at("/last/module").asText()).isIn("plan", "curation");
                assertThat(m.at("/last/thought").asText()).isNotBlank();
                assertThat(m.at("/last/age_s").asDouble()).isBetween(0.0, 10.0);
                assertThat(m.get("model").asText()).isEqualTo("stand-in");
                assertThat(m.get("mode").asText()).isEqualTo("beside the loop");

                WebDriver browser = browserIfAny();
                if (browser != null) {
                    try {
                        browser.get(base + "/");
                        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("model-thought")).getText().contains(" s ago"));
                        assertThat(browser.findElement(By.id("model-thought")).getText()).containsPattern("(plan|curation): \".+\" [\\d.]+ s ago")
                                .contains("stand-in, beside the loop");
                        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("proposals")).getText().contains("halt"));
                    } finally {
                        browser.quit();
                    }
                }

                JsonNode proposals = get(base, "/api/model").get("proposals");
                assertThat(proposals).hasSize(1);
                assertThat(proposals.get(0).get("skill").asText()).isEqualTo("halt");
                assertThat(proposals.get(0).get("state").asText()).as("nothing added before the operator says so").isEqualTo("waiting");
                assertThat(current.get().library().skill("halt")).isEmpty();
                assertThat(post(base, "/api/model/skills", "{\"id\":\"1\",\"verdict\":\"maybe\"}").statusCode()).isEqualTo(400);
                HttpResponse<String> ok = post(base, "/api/model/skills", "{\"id\":\"1\",\"verdict\":\"approve\"}");
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                assertThat(JSON.readTree(ok.body()).get("state").asText()).isEqualTo("approved");
                HttpResponse<String> again = post(base, "/api/model/skills", "{\"id\":\"1\",\"verdict\":\"approve\"}");
                assertThat(again.statusCode()).isEqualTo(409);
                assertThat(again.body()).contains("approved already");
                for (int i = 0; i < 200 && current.get().library().skill("halt").isEmpty(); i++) {
                    Thread.sleep(50);
                }
                assertThat(current.get().library().skill("halt")).as("taught between steps, as the operator's own").isPresent();
                assertThat(folder.resolve("halt.yaml")).exists();
            } finally {
                // one monitor with the thread's start of an episode, so no episode starts after this stop (CI: one did, and
                // JUnit could not delete the temp dir it was writing in)
                synchronized (current) {
                    stop.set(true);
                    if (current.get() != null) {
                        current.get().requestStop();
                    }
                }
                t.join(10_000);
                assertThat(t.isAlive()).as("the session thread ended").isFalse();
                console.close();
            }
        }
    }

    static WebDriver browserIfAny() {
        if (new File(ConsoleBrowserTest.CHROMEDRIVER).canExecute() && new File(ConsoleBrowserTest.CHROMIUM).canExecute()) {
            return ConsoleBrowserTest.browser();
        }
        return null;
    }
}
