package dev.embody.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.loop.Frame;
import dev.embody.bench.StandInVlm;
import dev.embody.testkit.CliRun;
import dev.embody.testkit.StandInModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code live --modules ...=vlm} end to end on the embedded game. No model can be downloaded on these machines, so the
 * model server is the stand-in ({@link StandInVlm}): it decodes each image the client sends and answers from what it
 * sees through the game's own scene parser and planner, or badly on purpose; the whole wire path is real.
 */
@Tag("slow")
class VlmLiveTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static StandInModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        model = StandInModel.start();
    }

    @AfterAll
    static void stop() {
        model.close();
    }

    @AfterEach
    void good() {
        model.server.behave(StandInVlm.Behaviour.GOOD).delay(Duration.ZERO);
    }

    List<String> live(String... more) {
        List<String> a = new ArrayList<>(List.of("live", "--episodes-dir", dir.resolve("eps").toString(), "--memory", dir.resolve("mem").toString(),
                "--no-stdin-corrections", "--vlm", model.server.endpoint().toString(), "--vlm-model", "stand-in", "--vlm-log", dir.resolve("vlm").toString()));
        a.addAll(List.of(more));
        return a;
    }

    List<JsonNode> steps() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("eps"))) {
            for (Path e : s.sorted().toList()) {
                for (String l : Files.readAllLines(e.resolve("steps.jsonl"))) {
                    out.add(JSON.readTree(l));
                }
            }
        }
        return out;
    }

    List<JsonNode> calls() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("vlm/calls.jsonl"))) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void theEmbeddedGameIsPlayedEndToEndWithTheModelPlanningAndInferringTasks() throws Exception {
        CliRun r = CliRun.of(live("--modules", "plan=vlm,task=vlm", "--vlm-wait", "--episodes", "3", "--seed", "11").toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("episode 1/3 seed=11 difficulty=1 outcome=success coins=3/3 steps=\\d+ game_s=[\\d.]+ model_calls_per_step=2\\.000");
        assertThat(r.line("summary:")).contains("success=1.00").contains("model_calls_per_step=2.000").contains("plan_fell_back=0").contains("task_fell_back=0");
        List<JsonNode> steps = steps();
        assertThat(steps).isNotEmpty().allSatisfy(s -> {
            assertThat(s.get("by").asText()).isEqualTo("vlm");
            assertThat(s.get("why").asText()).startsWith("model: go to the ");
        });
        // the model's decisions are demonstrations: every step becomes a training example, as a person's would
        try (dev.embody.perception.GameSceneParser parser = dev.embody.perception.GameSceneParser.forSimGame()) {
            assertThat(dev.embody.learning.EpisodeExamples.collect(dir.resolve("eps"), "sim-game", parser, dev.embody.profile.SimGameProfile.standard().inputSpec()).examples()).hasSize(steps.size())
                    .allMatch(e -> e.source() == dev.embody.learning.Example.Source.DEMONSTRATION);
        }
        List<JsonNode> calls = calls();
        assertThat(calls).hasSize(2 * steps.size()).allMatch(c -> c.get("verdict").asText().equals("ok"));
        assertThat(model.server.asked()).contains("task", "plan");
        // meta.json says which modules the model backed
        try (Stream<Path> s = Files.list(dir.resolve("eps"))) {
            JsonNode meta = JSON.readTree(s.findFirst().orElseThrow().resolve("meta.json").toFile());
            assertThat(meta.at("/modules/tasks").asText()).isEqualTo("VlmTaskInference");
            assertThat(meta.at("/profile/modules/plan").asText()).isEqualTo("vlm");
            assertThat(meta.at("/profile/modules/vlm/model").asText()).isEqualTo("stand-in");
        }
    }

    /** Every kind of bad answer: the step falls back to the local module, says so, and the loop keeps stepping. */
    @Test
    void everyKindOfBadAnswerFallsBackSaysSoAndIsLoggedWithTheRequestThatCausedIt() throws Exception {
        Map<StandInVlm.Behaviour, String> kinds = new LinkedHashMap<>();
        kinds.put(StandInVlm.Behaviour.UNKNOWN_COMMAND, "schema");
        kinds.put(StandInVlm.Behaviour.MALFORMED_JSON, "not-json");
        kinds.put(StandInVlm.Behaviour.SERVER_ERROR, "http-error");
        kinds.put(StandInVlm.Behaviour.REFUSAL, "refused");
        kinds.put(StandInVlm.Behaviour.LATE, "timeout");
        kinds.put(StandInVlm.Behaviour.HUGE, "too-large");
        kinds.put(StandInVlm.Behaviour.OUT_OF_FRAME, "unusable");
        for (var k : kinds.entrySet()) {
            Path run = dir.resolve(k.getKey().name());
            model.server.behave(k.getKey());
            // the client gives each answer 1 s a try, two tries; the late stand-in answers 30 s late, so a third of a second
            // times it out as surely and saves the suite 12 s (three modules, three steps, two tries each)
            String timeout = k.getKey() == StandInVlm.Behaviour.LATE ? "0.3" : "1";
            CliRun r = CliRun.of("live", "--episodes-dir", run.resolve("eps").toString(), "--memory", run.resolve("mem").toString(), "--no-stdin-corrections",
                    "--vlm", model.server.endpoint().toString(), "--vlm-model", "stand-in", "--vlm-log", run.resolve("vlm").toString(),
                    "--modules", "plan=vlm,task=vlm,gathering=vlm", "--vlm-wait", "--vlm-retries", "1", "--vlm-timeout", timeout, "--episodes", "1", "--max-steps", "3");
            assertThat(r.exit()).as(k.getKey() + ": " + r.err()).isZero();
            Path ep;
            try (Stream<Path> s = Files.list(run.resolve("eps"))) {
                ep = s.findFirst().orElseThrow();
            }
            List<String> lines = Files.readAllLines(ep.resolve("steps.jsonl"));
            assertThat(lines).as(k.getKey() + ": the loop kept stepping").hasSize(3);
            for (String l : lines) {
                JsonNode step = JSON.readTree(l);
                assertThat(step.get("failed").asBoolean()).isFalse();
                String why = step.get("why").asText();
                if (k.getKey() == StandInVlm.Behaviour.OUT_OF_FRAME) {
                    // the plan answer was good; task and gathering fell back, and the decision says so
                    assertThat(step.get("by").asText()).isEqualTo("vlm");
                    assertThat(why).contains("[gathering: the model's answer was not usable, unusable: the box of ")
                            .contains("task: the model's answer was not usable, unusable: the target (");
                } else {
                    assertThat(step.get("by").asText()).as(k.getKey() + ": the profile's local policy decided").isEqualTo("scene-planner");
                    assertThat(why).as(k.getKey().name()).contains("the model's answer was not usable, " + k.getValue() + ": ")
                            .contains("scene-planner decided: ");
                    if (k.getKey() != StandInVlm.Behaviour.UNKNOWN_COMMAND) {
                        // a command the library lacks is the plan's answer only; task and gathering answered well
                        assertThat(why).contains("task: the model's answer was not usable, " + k.getValue())
                                .contains("gathering: the model's answer was not usable, " + k.getValue());
                    }
                }
            }
            List<JsonNode> bad = new ArrayList<>();
            for (String l : Files.readAllLines(run.resolve("vlm/calls.jsonl"))) {
                JsonNode c = JSON.readTree(l);
                if (c.get("verdict").asText().equals("bad")) {
                    bad.add(c);
                }
            }
            assertThat(bad).as(k.getKey().name()).isNotEmpty().allSatisfy(c -> {
                assertThat(c.at("/problem/kind").asText()).isEqualTo(k.getValue());
                // with the request that caused it: the prompt, and the image sent, in a file that decodes
                assertThat(c.at("/request/messages/1/content/0/text").asText()).isNotBlank();
                String url = c.at("/request/messages/1/content/1/image_url/url").asText();
                Path png = run.resolve("vlm").resolve(url.substring("file:".length(), url.indexOf(' ')));
                Frame sent = Frame.of(ImageIO.read(png.toFile()));
                assertThat(sent.width()).isEqualTo(640);
            });
            if (k.getKey() == StandInVlm.Behaviour.UNKNOWN_COMMAND) {
                assertThat(bad).as("the plan, tried twice at each of 3 steps").hasSize(3 * 2);
            } else if (k.getKey() != StandInVlm.Behaviour.OUT_OF_FRAME) {
                // plan, task and gathering, each tried twice, at each of 3 steps
                assertThat(bad).as(k.getKey().name()).hasSize(3 * 3 * 2);
            } else {
                assertThat(bad).as("task and gathering, tried twice at each of 3 steps").hasSize(2 * 3 * 2);
            }
        }
    }

    @Test
    void besideTheLoopTheGameGoesOnWhileTheModelIsThirtySecondsLate() throws Exception {
        model.server.behave(StandInVlm.Behaviour.LATE);
        long t0 = System.nanoTime();
        CliRun r = CliRun.of(live("--modules", "plan=vlm,task=vlm", "--episodes", "1", "--seed", "4").toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("outcome=success");
        assertThat(seconds).as("never waited for the model").isLessThan(30);
        assertThat(steps()).allSatisfy(s -> {
            assertThat(s.get("by").asText()).isEqualTo("scene-planner");
            assertThat(s.get("why").asText()).startsWith("the model is thinking for ");
        });
    }

    @Test
    void besideTheLoopTheModelsAnswersAreActedOnAsTheyArrive() throws Exception {
        model.server.delay(Duration.ofMillis(150));
        CliRun r = CliRun.of(live("--modules", "plan=vlm", "--episodes", "1", "--seed", "6", "--realtime", "--rate", "10").toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        // a command arrives for a frame the game has moved on from: acted on a step late, it may cost the level (measured in the README)
        assertThat(r.out()).containsPattern("outcome=(success|failure|timeout|max_steps)");
        List<JsonNode> steps = steps();
        long byModel = steps.stream().filter(s -> s.get("by").asText().equals("vlm")).count();
        assertThat(byModel).as("some steps acted on the model's answers").isPositive();
        assertThat(byModel).as("the others were the local policy's meanwhile").isLessThan(steps.size());
        assertThat(steps.stream().filter(s -> s.get("by").asText().equals("vlm")))
                .allSatisfy(s -> assertThat(s.get("why").asText()).containsPattern("asked on frame \\d+, answered in [\\d.]+ s, [\\d.]+ s ago"));
    }

    @Test
    void replayAsksTheModelAgainOnTheRecordedFrames() throws Exception {
        CliRun rec = CliRun.of(live("--modules", "plan=vlm", "--vlm-wait", "--episodes", "1", "--seed", "21").toArray(String[]::new));
        assertThat(rec.exit()).as(rec.err()).isZero();
        int steps = steps().size();
        Path ep;
        try (Stream<Path> s = Files.list(dir.resolve("eps"))) {
            ep = s.findFirst().orElseThrow();
        }
        CliRun r = CliRun.of("replay", ep.toString(), "--no-progress", "--out", dir.resolve("report").toString(), "--modules", "plan=vlm",
                "--vlm", model.server.endpoint().toString(), "--vlm-model", "stand-in", "--vlm-log", dir.resolve("replay-vlm").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        // the stand-in sees the same frames again and plans the same way
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("agreement=([\\d.]+) \\((\\d+)/(\\d+)\\)").matcher(r.line("episode 1/1"));
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0.9);
        assertThat(Files.readAllLines(dir.resolve("replay-vlm/calls.jsonl"))).as("one call a replayed step, waited for").hasSize(steps);
    }

    /** Distillation live: a policy trained on the model's recorded decisions plays, asking the model only where unsure. */
    @Test
    void theLearnedPolicyAsksTheModelOnlyWhereItIsUnsure() throws Exception {
        CliRun rec = CliRun.of(live("--modules", "plan=vlm", "--vlm-wait", "--episodes", "4", "--seed", "31").toArray(String[]::new));
        assertThat(rec.exit()).as(rec.err()).isZero();
        dev.embody.skill.SkillLibrary library = model.library;
        var profile = dev.embody.profile.SimGameProfile.standard();
        var examples = dev.embody.learning.Distillation.examples(dir.resolve("eps"), profile.name(), dev.embody.perception.GameSceneParser.forSimGame(), profile.inputSpec()).examples();
        assertThat(examples).hasSize(steps().size());
        try (dev.embody.planning.LearnedPolicy init = profile.untrained(library, 1);
             dev.embody.planning.LearnedPolicy p = dev.embody.learning.Distillation.train(init, examples,
                new dev.embody.learning.Trainer.Options(40, 64, 3e-3f, 300, 1), 1, "distilled", null)) {
            var store = dev.embody.learning.Checkpoints.forTarget(dir.resolve("checkpoints"), "sim-game");
            var c = store.write(p, library.version(), null, Map.of());
            store.use(c.version());
        }
        Path played = dir.resolve("played");
        CliRun r = CliRun.of("live", "--episodes-dir", played.toString(), "--memory", dir.resolve("mem2").toString(), "--no-stdin-corrections",
                "--vlm", model.server.endpoint().toString(), "--vlm-model", "stand-in", "--vlm-log", dir.resolve("vlm2").toString(),
                "--modules", "plan=vlm", "--vlm-wait", "--policy", "learned", "--checkpoints", dir.resolve("checkpoints").toString(),
                "--train-every", "0", "--train-minutes", "0", "--gate-episodes", "0", "--episodes", "3", "--seed", "41");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> steps = new ArrayList<>();
        try (Stream<Path> s = Files.list(played)) {
            for (Path e : s.sorted().toList()) {
                for (String l : Files.readAllLines(e.resolve("steps.jsonl"))) {
                    steps.add(JSON.readTree(l));
                }
            }
        }
        long asked = steps.stream().filter(s -> s.get("why").asText().startsWith("unsure (top ")).count();
        long alone = steps.stream().filter(s -> s.get("why").asText().startsWith("confident (top ")).count();
        assertThat(asked + alone).isEqualTo(steps.size());
        assertThat(alone).as("the learned policy decided most steps alone").isGreaterThan(steps.size() / 2);
        assertThat(steps.stream().filter(s -> s.get("why").asText().startsWith("unsure")))
                .allSatisfy(s -> assertThat(s.get("by").asText()).isEqualTo("vlm"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("model_calls_per_step=([\\d.]+) ").matcher(r.line("summary:"));
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isEqualTo(asked / (double) steps.size(), org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void badModelOptionsAreOneClearLine() {
        CliRun noServer = CliRun.of("live", "--modules", "plan=vlm");
        assertThat(noServer.exit()).isEqualTo(Main.USAGE);
        assertThat(noServer.err().strip()).isEqualTo("error: --modules plan=vlm needs --vlm URL (the model's OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1) (see 'embody live --help')");
        CliRun impl = CliRun.of("live", "--modules", "plan=gpt4");
        assertThat(impl.exit()).isEqualTo(Main.USAGE);
        assertThat(impl.err()).contains("--modules plan: the implementation must be one of local, vlm, got 'gpt4'");
        CliRun url = CliRun.of("live", "--modules", "plan=vlm", "--vlm", "ftp://x", "--vlm-model", "m");
        assertThat(url.exit()).isEqualTo(Main.USAGE);
        assertThat(url.err()).contains("--vlm must be an http:// or https:// URL");
        CliRun unused = CliRun.of("live", "--vlm", "http://127.0.0.1:1/v1", "--vlm-model", "m");
        assertThat(unused.exit()).isEqualTo(Main.USAGE);
        assertThat(unused.err()).contains("no module is backed by it: say which, e.g. --modules plan=vlm");
        CliRun timeout = CliRun.of("live", "--modules", "plan=vlm", "--vlm", "http://127.0.0.1:1/v1", "--vlm-model", "m", "--vlm-timeout", "NaN");
        assertThat(timeout.exit()).isEqualTo(Main.USAGE);
        assertThat(timeout.err()).contains("--vlm-timeout must be a number from 0.1 to 3600 (seconds), got NaN");
        CliRun prompts = CliRun.of("live", "--modules", "plan=vlm", "--vlm", "http://127.0.0.1:1/v1", "--vlm-model", "m", "--vlm-prompts", "no/such/folder",
                "--episodes-dir", "target/never", "--no-record");
        assertThat(prompts.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(prompts.err().strip()).startsWith("error: no/such/folder/plan.md: no prompt for the plan module");
    }
}
