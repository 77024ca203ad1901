package dev.embody.correction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.actuation.MqttLink;
import dev.embody.actuation.MqttOptions;
import dev.embody.actuation.MqttRobotTarget;
import dev.embody.actuation.RobotLimits;
import dev.embody.actuation.RobotMessages;
import dev.embody.actuation.RobotTopics;
import dev.embody.console.ConsoleSettings;
import dev.embody.console.OperatorConsole;
import dev.embody.console.SessionTraining;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Intervention;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.planning.IdlePolicy;
import dev.embody.profile.RobotProfile;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.sim.SimRobot;
import dev.embody.sim.TableWorld;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stop always wins (issue 20): on every channel an operator or a robot can stop the agent by (the terminal, the
 * console's E-STOP and pause over its API, a stop typed there, the page's Escape key, MQTT corrections, speech heard
 * directly and through the console, the gamepad, the robot's e-stop topic), the channel is first flooded with commands
 * until its rate limiter refuses them, then told to stop: the stop is never refused, and it lands at the next step
 * (the episode ends stopped, at most the step running when the stop arrived comes after it, and nothing stays held).
 * Real parts throughout: the real loop on the sim game (or the sim robot on a real Mosquitto), the real console over
 * HTTP and in headless Chromium, a real broker, espeak-ng and PocketSphinx.
 */
@Tag("external")
@Tag("slow")
class StopAlwaysWinsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static SkillLibrary library;
    static CorrectionParser parser;

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void load() throws Exception {
        library = SkillLibrary.load(Path.of("skills", "sim-game"));
        parser = new CorrectionParser(library);
    }

    /**
     * A live sim-game session on the wall clock, as `./run live` runs it, counting the steps ended when the operator
     * halted it. Its policy waits (the planner could finish the level before a slow flood ends): what moves it is the
     * flood, and only the stop ends it.
     */
    static final class Live implements AutoCloseable {
        final OperatorInbox inbox = new OperatorInbox();
        final SimGameTarget target = new SimGameTarget(SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(120)), true, null);
        final List<Step> steps = new CopyOnWriteArrayList<>();
        /** Steps ended when the first stop or pause reached the inbox (-1: none did). */
        final AtomicInteger endedAtHalt = new AtomicInteger(-1);
        final List<Intervention> heard = new CopyOnWriteArrayList<>();
        final Modules modules = SimGameProfile.standard().modules(library).withPolicy(new IdlePolicy(library));
        final AgentLoop loop;
        final CompletableFuture<AgentLoop.EpisodeResult> result = new CompletableFuture<>();

        Live() throws Exception {
            inbox.observe(i -> {
                heard.add(i);
                if (i.kind() == Intervention.Kind.STOP || i.kind() == Intervention.Kind.PAUSE) {
                    endedAtHalt.compareAndSet(-1, steps.size());
                }
            });
            loop = AgentLoop.builder().target(target).library(library).modules(modules).memory(EpisodicMemory.inMemory())
                    .goal(SimGame.COLLECT_COINS).period(Duration.ofMillis(100)).maxSteps(3000).inbox(inbox)
                    .listener(new StepListener() {
                        @Override
                        public void onStep(Step step, Observation observation) {
                            steps.add(step);
                        }
                    }).build();
            Thread t = new Thread(() -> {
                try {
                    result.complete(loop.run());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }, "stop-test-loop");
            t.setDaemon(true);
            t.start();
            await(() -> steps.size() >= 2, "the agent's first steps");
        }

        /** The stop landed at the next step: the episode ended stopped, right after the step running when it arrived. */
        void stoppedAtTheNextStep() throws Exception {
            AgentLoop.EpisodeResult r = result.get(30, TimeUnit.SECONDS);
            assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
            assertThat(heard).as("the stop reached the loop").anyMatch(i -> i.kind() == Intervention.Kind.STOP);
            assertThat(steps).as("steps after the stop arrived (ended then: %d)", endedAtHalt.get()).hasSizeLessThanOrEqualTo(endedAtHalt.get() + 1);
            assertThat(target.game().heldKeys()).as("keys held after the stop").isEmpty();
        }

        /** Commands the flood got into the inbox. */
        long commandsHeard() {
            return heard.stream().filter(i -> i.kind() == Intervention.Kind.COMMAND).count();
        }

        @Override
        public void close() throws Exception {
            loop.requestStop();
            try {
                result.get(30, TimeUnit.SECONDS);
            } finally {
                modules.close();
            }
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s for " + what).isLessThan(end);
            Thread.sleep(5);
        }
    }

    /** A console on this session whose limiter allows one correction a second (two at once): any flood exhausts it. */
    OperatorConsole console(Live s, SpokenCorrections speech) {
        return OperatorConsole.start(new ConsoleSettings("127.0.0.1", 0, null, 500, 1), s.inbox, () -> parser,
                new SessionTraining(() -> "scene-planner"), dir, speech);
    }

    HttpResponse<String> post(OperatorConsole c, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Floods the console with typed commands until its limiter refuses one (429), and says how many it refused. */
    int flood(OperatorConsole c) throws Exception {
        int refused = 0;
        for (int i = 0; i < 20; i++) {
            refused += post(c, "/api/correct", "{\"text\":\"go " + (i % 2 == 0 ? "left" : "right") + "\"}").statusCode() == 429 ? 1 : 0;
        }
        assertThat(refused).as("the flood of commands met the limiter").isGreaterThan(0);
        return refused;
    }

    // ---- the limiter and the parser themselves ----

    @Test
    void noLimiterEverAnswersAStopOrAPauseWithARefusal() {
        CorrectionRate rate = new CorrectionRate(1, 1);
        assertThat(rate.admits(Intervention.command(library.commands().get(0), "go", "test"))).isTrue();
        assertThat(rate.admits(Intervention.command(library.commands().get(0), "go", "test"))).as("the bucket is empty").isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(rate.admits(Intervention.of(Intervention.Kind.STOP, null, "stop", "test"))).isTrue();
            assertThat(rate.admits(Intervention.of(Intervention.Kind.PAUSE, null, "pause", "test"))).isTrue();
        }
        assertThat(rate.admits(Intervention.of(Intervention.Kind.RESUME, null, "resume", "test"))).as("resume moves the agent: limited").isFalse();
    }

    @Test
    void aStopWordWinsEvenInASentenceTooLongToBeACorrection() {
        String rant = "go left and then ".repeat(20) + "stop, there is lava";
        assertThat(parser.parse(rant).kind()).isEqualTo(Understanding.Kind.STOP);
        assertThat(parser.parse("go left and then ".repeat(20)).kind()).isEqualTo(Understanding.Kind.NOT_UNDERSTOOD);
    }

    // ---- every channel, flooded, then stopped ----

    @Test
    void terminal() throws Exception {
        try (Live s = new Live()) {
            PipedOutputStream keyboard = new PipedOutputStream();
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            try (TerminalChannel terminal = new TerminalChannel(() -> parser, s.inbox, new PipedInputStream(keyboard, 1 << 16),
                    new PrintStream(said, true, StandardCharsets.UTF_8)).start()) {
                keyboard.write("go left\ngo right\n".repeat(200).getBytes(StandardCharsets.UTF_8));
                keyboard.write("stop, there is lava\n".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                s.stoppedAtTheNextStep();
                assertThat(s.commandsHeard()).isEqualTo(400);
                assertThat(said.toString(StandardCharsets.UTF_8)).contains("correction \"stop, there is lava\": stop");
            }
        }
    }

    @Test
    void consoleEstopButtonAndPauseAfterAFlood() throws Exception {
        try (Live s = new Live(); OperatorConsole c = console(s, null)) {
            flood(c);
            HttpResponse<String> pause = post(c, "/api/control", "{\"action\":\"pause\"}");
            assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
            assertThat(post(c, "/api/control", "{\"action\":\"resume\"}").statusCode()).as("resume moves the agent: limited like a command").isEqualTo(429);
            HttpResponse<String> estop = post(c, "/api/control", "{\"action\":\"estop\"}");
            assertThat(estop.statusCode()).as(estop.body()).isEqualTo(200);
            s.stoppedAtTheNextStep();
        }
    }

    @Test
    void consoleStopTypedInASentenceAfterAFlood() throws Exception {
        try (Live s = new Live(); OperatorConsole c = console(s, null)) {
            flood(c);
            HttpResponse<String> stop = post(c, "/api/correct", "{\"text\":\"stop, there is lava\"}");
            assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
            assertThat(JSON.readTree(stop.body()).path("applied").asBoolean()).isTrue();
            s.stoppedAtTheNextStep();
        }
    }

    @Test
    void consolePageEscapeKeyAfterThePageFloodedCorrections() throws Exception {
        assumeTrue(new File("/usr/bin/chromedriver").canExecute() && new File("/usr/bin/chromium").canExecute(), "needs Debian's chromium and chromium-driver");
        try (Live s = new Live(); OperatorConsole c = console(s, null)) {
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
            WebDriver browser = new ChromeDriver(service, options);
            try {
                browser.get(c.url());
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> !d.findElement(By.id("status")).getText().isBlank());
                // the page itself floods the console with corrections, as a stuck key on its Send would
                Object codes = ((JavascriptExecutor) browser).executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        const posts = [];
                        for (let i = 0; i < 20; i++) posts.push(fetch('/api/correct', {method: 'POST', headers: {'Content-Type': 'application/json'},
                            body: JSON.stringify({text: i % 2 ? 'go right' : 'go left'})}).then(r => r.status));
                        Promise.all(posts).then(done);""");
                assertThat(((List<?>) codes).stream().map(String::valueOf)).as("the page's flood met the limiter").contains("429");
                browser.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
                s.stoppedAtTheNextStep();
                assertThat(browser.findElement(By.id("applied")).getText()).doesNotContain("refused");
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void mqttCorrectionsStopAfterABurstOfWaits() throws Exception {
        try (Mosquitto m = Mosquitto.start(dir.resolve("mosquitto")); Live s = new Live();
             MqttCorrections channel = MqttCorrections.connect(m.url(), "stopper", () -> parser, s.inbox);
             MqttLink probe = MqttLink.connect(MqttOptions.of(m.url(), "test-probe-" + System.nanoTime()).withVersion("5"))) {
            BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
            probe.subscribe(channel.topic() + "/understood", 1, (t, p) -> {
                try {
                    replies.add(JSON.readTree(p));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            // a burst of waits far past the limiter's, at once (QoS 0: nothing paces it), then the stop
            for (int i = 0; i < 200; i++) {
                probe.publish(channel.topic(), "wait".getBytes(StandardCharsets.UTF_8), 0, false);
            }
            probe.publish(channel.topic(), "stop".getBytes(StandardCharsets.UTF_8), 0, false);
            List<JsonNode> answers = new ArrayList<>();
            JsonNode stop = null;
            while (stop == null) {
                JsonNode reply = replies.poll(20, TimeUnit.SECONDS);
                assertThat(reply).as("an answer to every message, the stop's among them").isNotNull();
                answers.add(reply);
                stop = reply.path("text").asText().equals("stop") ? reply : null;
            }
            assertThat(answers).as("the burst of waits met the limiter").anyMatch(a -> a.has("refused"));
            assertThat(stop.has("refused")).as(stop.toString()).isFalse();
            assertThat(stop.path("applied").asBoolean()).as(stop.toString()).isTrue();
            assertThat(stop.path("kind").asText()).isEqualTo("stop");
            s.stoppedAtTheNextStep();
        }
    }

    @Test
    void speechHeardDirectlyAndThroughTheConsole() throws Exception {
        assumeTrue(PocketSphinx.unavailableReason() == null, "needs Debian's pocketsphinx and pocketsphinx-en-us");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/espeak-ng")) && Files.isExecutable(Path.of("/usr/bin/sox")), "needs espeak-ng and sox");
        List<Path> wavs = SpeechTrial.synthesise(List.of("go to the left", "go to the right", "stop"), List.of("en-us"), dir);
        List<byte[]> moves = List.of(Files.readAllBytes(wavs.get(0)), Files.readAllBytes(wavs.get(1)));
        byte[] stop = Files.readAllBytes(wavs.get(2));
        // the microphone's (and a speech file's) path: no limiter; a move is applied only when both hearings agree, a stop always
        try (Live s = new Live(); SpokenCorrections speech = SpokenCorrections.open(() -> parser, s.inbox).orElseThrow()) {
            for (int i = 0; i < 5; i++) {
                speech.hear(moves.get(i % 2), "speech");
            }
            SpokenCorrections.Heard h = speech.hear(stop, "speech");
            assertThat(h.applied()).as(h.why()).isTrue();
            assertThat(h.understanding().kind()).isEqualTo(Understanding.Kind.STOP);
            s.stoppedAtTheNextStep();
        }
        // push-to-talk in the console: its limiter refuses spoken commands past the rate, never the spoken stop
        try (Live s = new Live(); SpokenCorrections speech = SpokenCorrections.open(() -> parser, s.inbox).orElseThrow();
             OperatorConsole c = console(s, speech)) {
            // typed and spoken corrections share the console's limiter: a typed flood exhausts it, spoken moves follow
            flood(c);
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + "/api/speech"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "audio/wav").POST(HttpRequest.BodyPublishers.ofByteArray(moves.get(i % 2))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isIn(200, 429);
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + "/api/speech"))
                    .timeout(Duration.ofSeconds(20)).header("Content-Type", "audio/wav").POST(HttpRequest.BodyPublishers.ofByteArray(stop)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("applied").asBoolean()).as(r.body()).isTrue();
            assertThat(JSON.readTree(r.body()).path("kind").asText()).isEqualTo("stop");
            s.stoppedAtTheNextStep();
        }
    }

    @Test
    void consoleEstopWhileAConcurrentFloodOfRecordingsWaitsOnTheDecoder() throws Exception {
        assumeTrue(PocketSphinx.unavailableReason() == null, "needs Debian's pocketsphinx and pocketsphinx-en-us");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/espeak-ng")) && Files.isExecutable(Path.of("/usr/bin/sox")), "needs espeak-ng and sox");
        byte[] move = Files.readAllBytes(SpeechTrial.synthesise(List.of("go to the left"), List.of("en-us"), dir).get(0));
        try (Live s = new Live(); SpokenCorrections speech = SpokenCorrections.open(() -> parser, s.inbox).orElseThrow();
             OperatorConsole c = console(s, speech)) {
            // thirty recordings at once: the one decoder takes them one by one, the rest are answered at once, never queued
            List<CompletableFuture<HttpResponse<String>>> flood = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                flood.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + "/api/speech"))
                        .timeout(Duration.ofSeconds(60)).header("Content-Type", "audio/wav").POST(HttpRequest.BodyPublishers.ofByteArray(move)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            HttpResponse<String> estop = post(c, "/api/control", "{\"action\":\"estop\"}");
            assertThat(estop.statusCode()).as(estop.body()).isEqualTo(200);
            s.stoppedAtTheNextStep();
            long busy = 0;
            for (CompletableFuture<HttpResponse<String>> f : flood) {
                busy += f.get(120, TimeUnit.SECONDS).statusCode() == 503 ? 1 : 0;
            }
            assertThat(busy).as("recordings past the decoder's few waiting places were answered 503, not queued").isGreaterThan(0);
        }
    }

    @Test
    void gamepadEstopButtonWhileTheStickFloodsCommands() throws Exception {
        try (Live s = new Live()) {
            GamepadChannelTest.TestGamepad pad = GamepadChannelTest.TestGamepad.create();
            GamepadChannel channel = new GamepadChannel(pad, s.inbox, SimGameProfile.standard().stick(library));
            // the stick thrown from side to side: every poll a new command, cutting the running hold short
            for (int i = 0; i < 300; i++) {
                pad.x.value = i % 2 == 0 ? -1f : 1f;
                assertThat(channel.poll()).isTrue();
            }
            pad.b.value = 1;
            channel.poll();
            s.stoppedAtTheNextStep();
            assertThat(s.commandsHeard()).isEqualTo(300);
        }
    }

    @Test
    void robotEstopTopicWhileStrangersFloodItsCommandTopic() throws Exception {
        TableWorld world = new TableWorld(4);
        world.placeRobot(0.25, 0.30, 0);
        try (Mosquitto m = Mosquitto.start(dir.resolve("mosquitto"))) {
            MqttOptions o = MqttOptions.of(m.url(), null).withVersion("5");
            RobotLimits limits = RobotLimits.load(Path.of("calibration/robot/limits.yaml"));
            RobotTopics topics = RobotTopics.of("sw");
            try (MqttLink robotLink = MqttLink.connect(o.withClientId("test-robot-sw-" + System.nanoTime()));
                 SimRobot robot = new SimRobot(world, robotLink, topics, limits, true);
                 MqttRobotTarget target = new MqttRobotTarget("sim-robot", o, topics, limits, Duration.ofSeconds(10), true,
                         () -> world.reached() ? Outcome.SUCCESS : Outcome.RUNNING, null);
                 MqttLink stranger = MqttLink.connect(o.withClientId("test-stranger-" + System.nanoTime()))) {
                SkillLibrary robotSkills = SkillLibrary.load(Path.of("skills/robot"));
                List<Step> steps = new CopyOnWriteArrayList<>();
                // steps that ended after the e-stop reached the agent: the one running then, and no other
                AtomicInteger endedStopped = new AtomicInteger();
                try (Modules modules = new RobotProfile(RobotProfile.Config.of(TargetOptions.defaults())).modules(robotSkills)) {
                    AgentLoop loop = AgentLoop.builder().target(target).library(robotSkills).modules(modules).memory(EpisodicMemory.inMemory())
                            .goal(new Goal("reach the target marker")).maxSteps(500).listener(new StepListener() {
                                @Override
                                public void onStep(Step step, Observation observation) {
                                    steps.add(step);
                                    if (target.robot().estopped()) {
                                        endedStopped.incrementAndGet();
                                    }
                                }

                                @Override
                                public void onFailedStep(Step step, Observation observation) {
                                    onStep(step, observation);
                                }
                            }).build();
                    CompletableFuture<AgentLoop.EpisodeResult> run = CompletableFuture.supplyAsync(() -> {
                        try {
                            return loop.run();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    await(() -> steps.size() >= 2, "the robot agent's first steps");
                    List<RobotMessages.Ack> floodAcks = new CopyOnWriteArrayList<>();
                    stranger.subscribe(topics.ack(), 1, (t, p) -> {
                        try {
                            RobotMessages.Ack a = RobotMessages.readAck(p);
                            if (a.id() != null && a.id().startsWith("flood-")) {
                                floodAcks.add(a);
                            }
                        } catch (RobotMessages.Malformed e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    // someone else floods the robot with short moves (4 s of them); the e-stop must not wait behind them
                    for (int i = 0; i < 40; i++) {
                        stranger.publish(topics.cmd(), RobotMessages.write(new RobotMessages.Command("flood-" + i, "move", i % 2 == 0 ? "forward" : "backward",
                                0.01, 0.10, null, null, null)), 1, false);
                    }
                    await(robot::moving, "the robot moving");
                    stranger.publish(topics.estop(), RobotMessages.write(new RobotMessages.Estop("operator pressed e-stop", null)), 1, false);
                    AgentLoop.EpisodeResult r = run.get(30, TimeUnit.SECONDS);
                    assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
                    // the step running (or blocked on the flooded robot) when the e-stop came ends, and none begins after it
                    assertThat(endedStopped.get()).as("steps ended after the e-stop reached the agent").isLessThanOrEqualTo(1);
                    assertThat(robot.estopped()).isTrue();
                    await(() -> !robot.moving(), "the robot halted");
                    assertThat(robot.movedInHaltedMotion()).as("metres moved after the e-stop reached the robot").isLessThan(0.01);
                    double x = world.x(), y = world.y();
                    // the rest of the flood is answered, and none of it moves the robot again
                    await(() -> floodAcks.size() >= 40, "an answer to every move of the flood");
                    // refused for the e-stop, or cancelled by the stop the agent sends when it halts: never started either way
                    assertThat(floodAcks).as("moves of the flood refused for the e-stop or cancelled by the agent's stop")
                            .anyMatch(a -> a.status().equals("refused") && a.detail().contains("e-stopped")
                                    || a.status().equals("stopped") && a.detail().contains("cancelled"));
                    assertThat(world.x()).isEqualTo(x);
                    assertThat(world.y()).isEqualTo(y);
                }
            }
        }
    }
}
