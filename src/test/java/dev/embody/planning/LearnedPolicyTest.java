package dev.embody.planning;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.embody.loop.Decision;
import dev.embody.loop.Goal;
import dev.embody.loop.Observation;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Reflection;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LearnedPolicyTest {

    private static final Task TO_COIN = new Task("collect all coins", "navigate", "go to the coin at (300, 200)", "coin", 300, 200);

    @Test
    void givesADistributionOverEveryCommandAndSaysWhichDeviceItRunsOn() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(PolicyNet.class)).addAppender(logs);
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = LearnedPolicy.untrained(library, 1)) {
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.startsWith("learned policy network on " + (PolicyNet.device().isGpu() ? "GPU" : "CPU")));
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            PolicyInput in = PolicyInput.of(game.render(), TO_COIN, null, 640, 360);
            float[][] p = policy.probabilities(List.of(in, in, in));
            assertThat(p).hasNumberOfRows(3);
            assertThat(p[0]).hasSize(library.commands().size());
            double sum = 0;
            for (float v : p[0]) {
                sum += v;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-4));

            // the decision is restricted to the curated candidates and renormalised over them
            List<SkillCall> candidates = library.commands().stream().filter(c -> c.skill().equals("move")).toList();
            Decision d = policy.plan(new PlanningContext(new Observation(0, 0, game.render()), Scene.empty(640, 360, "px"), TO_COIN,
                    Reflection.first(), candidates, null, null));
            assertThat(candidates).contains(d.call());
            assertThat(d.scores().keySet()).containsExactlyInAnyOrderElementsOf(candidates.stream().map(Object::toString).toList());
            assertThat(d.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-6));
            assertThat(d.by()).isEqualTo("learned untrained");
        } finally {
            ((Logger) LoggerFactory.getLogger(PolicyNet.class)).detachAppender(logs);
        }
    }

    @Test
    void findsThePlayerFromItsColourInTheDownscaledFrame() {
        SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        game.keyDown(KeyEvent.VK_RIGHT);
        game.advance(Duration.ofMillis(130));
        game.keyUp(KeyEvent.VK_RIGHT);
        float[] me = PolicyInput.of(game.render(), TO_COIN, null, 640, 360).player();
        // one downscaled pixel is 20x20 frame pixels; the centroid lands within a fraction of a cell
        assertThat(me).isNotNull();
        assertThat((double) me[0]).isCloseTo(game.playerX() / 20.0, within(0.35));
        assertThat((double) me[1]).isCloseTo(game.playerY() / 20.0, within(0.35));
    }

    @Test
    void greedyButNeverRepeatsAMoveThatWentNowhere() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = new LearnedPolicy(PolicyNet.create(library.commands().size(), 1), LearnedPolicy.names(library), "greedy", -1)) {
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            List<SkillCall> moves = library.commands().stream().filter(c -> c.skill().equals("move")).toList();
            Observation o = new Observation(0, 0, game.render());
            Decision first = policy.plan(new PlanningContext(o, Scene.empty(640, 360, "px"), TO_COIN, Reflection.first(), moves, null, null));
            Reflection moved = new Reflection(true, 20, false, 0, true, false, "moved");
            Reflection stuck = new Reflection(false, 0, true, 1, false, false, "did not move");
            // greedy: after a move that went somewhere, the likeliest command again (an untrained net barely weighs the previous one)
            Decision again = policy.plan(new PlanningContext(o, Scene.empty(640, 360, "px"), TO_COIN, moved, moves, first.call(), null));
            Decision unstuck = policy.plan(new PlanningContext(o, Scene.empty(640, 360, "px"), TO_COIN, stuck, moves, first.call(), null));
            assertThat(again.call()).isEqualTo(first.call());
            assertThat(unstuck.call()).isNotEqualTo(first.call());
        }
    }

    @Test
    void theShieldVetoesMovesThatSweepThePlayerOverLava() {
        int w = PolicyInput.WIDTH, h = PolicyInput.HEIGHT, n = w * h;
        byte[] px = new byte[3 * n];
        int lava = 9 * w + 12;
        px[lava] = (byte) 235;
        px[n + lava] = 70;
        px[2 * n + lava] = 20;
        PolicyInput in = new PolicyInput(px, Float.NaN, Float.NaN, "collect all coins", null);
        float[] me = {10.5f, 9.5f};
        assertThat(LearnedPolicy.intoLava(in, me, SkillCall.parse("move(direction=right, amount=large)"))).isTrue();
        assertThat(LearnedPolicy.intoLava(in, me, SkillCall.parse("move(direction=right, amount=small)"))).isFalse();
        assertThat(LearnedPolicy.intoLava(in, me, SkillCall.parse("move(direction=left, amount=large)"))).isFalse();
        assertThat(LearnedPolicy.intoLava(in, me, SkillCall.parse("stop()"))).isFalse();
    }

    @Test
    void thePixelsMatter() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = LearnedPolicy.untrained(library, 1)) {
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            float[] before = policy.probabilities(PolicyInput.of(game.render(), TO_COIN, null, 640, 360));
            game.keyDown(KeyEvent.VK_RIGHT);
            game.advance(Duration.ofMillis(300));
            game.keyUp(KeyEvent.VK_RIGHT);
            float[] after = policy.probabilities(PolicyInput.of(game.render(), TO_COIN, null, 640, 360));
            assertThat(after).isNotEqualTo(before);
        }
    }

    @Test
    void theOutputLayerGrowsWithNewSkillsAndKeepsWhatItPredicted(@TempDir Path dir) throws Exception {
        for (String f : List.of("move.yaml", "stop.yaml", "wait.yaml")) {
            Files.copy(Path.of("skills", "sim-game", f), dir.resolve(f));
        }
        SkillLibrary small = SkillLibrary.load(dir);
        Files.writeString(dir.resolve("dash.yaml"), """
                name: dash
                description: Run right for a long time.
                tags: [navigate]
                parameters:
                  speed:
                    values:
                      fast: {ms: 800}
                      faster: {ms: 1200}
                body:
                  - hold: RIGHT
                    for: "{speed.ms}ms"
                """);
        SkillLibrary large = SkillLibrary.load(dir);
        SimGame game = SimGame.of(5, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        List<PolicyInput> inputs = List.of(PolicyInput.of(game.render(), TO_COIN, null, 640, 360),
                PolicyInput.of(game.render(), TO_COIN, "move(direction=left, amount=small)", 640, 360),
                PolicyInput.of(SimGame.of(6, 1, SimGame.REACH_FLAG, Duration.ofSeconds(90)).render(), Task.of("reach the flag", "explore", "look around"), "stop", 640, 360));
        try (LearnedPolicy before = LearnedPolicy.untrained(small, 3); LearnedPolicy after = before.grownTo(large)) {
            assertThat(after.commands()).hasSize(small.commands().size() + 2).containsAll(before.commands())
                    .contains("dash(speed=fast)", "dash(speed=faster)");
            float[][] old = before.probabilities(inputs);
            float[][] grown = after.probabilities(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                double oldMass = 0;
                for (int j = 0; j < before.commands().size(); j++) {
                    oldMass += grown[i][after.commands().indexOf(before.commands().get(j))];
                }
                for (int j = 0; j < before.commands().size(); j++) {
                    double renormalised = grown[i][after.commands().indexOf(before.commands().get(j))] / oldMass;
                    assertThat(renormalised).as("input %d, %s", i, before.commands().get(j)).isCloseTo(old[i][j], within(1e-5));
                }
            }
        }
    }
}
