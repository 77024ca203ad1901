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
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Tag;
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

    @Tag("slow")
    @Test
    void givesADistributionOverEveryCommandAndSaysWhichDeviceItRunsOn() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(PolicyNet.class)).addAppender(logs);
        // the device is logged once a JVM, and a test JVM runs many classes: as if this were the first policy built
        java.lang.reflect.Field once = PolicyNet.class.getDeclaredField("deviceLogged");
        once.setAccessible(true);
        once.set(null, false);
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = SimGameProfile.standard().untrained(library, 1)) {
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.startsWith("learned policy network on " + (PolicyNet.device().isGpu() ? "GPU" : "CPU")));
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            PolicyInput in = read(game.render(), TO_COIN, null);
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
        float[] me = InputFeature.Player.position(read(game.render(), TO_COIN, null));
        // one downscaled pixel is 20x20 frame pixels; the centroid lands within a fraction of a cell
        assertThat(me).isNotNull();
        assertThat((double) me[0]).isCloseTo(game.playerX() / 20.0, within(0.35));
        assertThat((double) me[1]).isCloseTo(game.playerY() / 20.0, within(0.35));
    }

    @Test
    void greedyButNeverRepeatsAMoveThatWentNowhere() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = SimGameProfile.standard().untrained(library, 1).as("greedy", PolicyRules.defaults().greedy())) {
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
    void aReflexGameWaitsAgainWhenWaitingIsLikeliest_aGridGameNeverStandsStillTwice() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy grid = SimGameProfile.standard().untrained(library, 1).as("grid", PolicyRules.defaults().greedy())) {
            LearnedPolicy reflex = grid.as("reflex", PolicyRules.defaults().greedy().withoutLoopBreaking());
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            Observation o = new Observation(0, 0, game.render());
            SkillCall wait = library.commands().stream().filter(c -> c.skill().equals("wait")).findFirst().orElseThrow();
            Decision probe = grid.plan(new PlanningContext(o, Scene.empty(640, 360, "px"), TO_COIN, Reflection.first(), library.commands(), null, null));
            // a command the network likes less than waiting
            SkillCall lessLikely = library.commands().stream().filter(c -> !c.skill().equals("wait") && !c.skill().equals("stop"))
                    .filter(c -> probe.scores().get(c.toString()) < probe.scores().get(wait.toString())).findFirst().orElseThrow();
            List<SkillCall> two = List.of(wait, lessLikely);
            Reflection still = new Reflection(false, 0, true, 1, false, false, "waited; nothing changed");
            PlanningContext afterWaiting = new PlanningContext(o, Scene.empty(640, 360, "px"), TO_COIN, still, two, wait, null);
            assertThat(grid.plan(afterWaiting).call()).as("a grid game never stands still twice").isEqualTo(lessLikely);
            assertThat(reflex.plan(afterWaiting).call()).as("a reflex game waits again for the moment to jump").isEqualTo(wait);
        }
    }

    @Test
    void aMoveThatChangedNothingIsNotTriedAgainUntilTheScreenChanges_waitsBetweenOrNot_whereTheRuleIsChosen() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        // no loop breaking (a person who waits twice), the still-screen rule chosen (a person who never pressed a dead move twice)
        try (LearnedPolicy policy = SimGameProfile.standard().untrained(library, 1).as("reflex", PolicyRules.defaults().greedy().withoutLoopBreaking().withStillScreen(true));
             LearnedPolicy holding = SimGameProfile.standard().untrained(library, 1).as("holding", PolicyRules.defaults().greedy().withoutLoopBreaking())) {
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            Observation o = new Observation(0, 0, game.render());
            Scene scene = Scene.empty(640, 360, "px");
            SkillCall wait = library.commands().stream().filter(c -> c.skill().equals("wait")).findFirst().orElseThrow();
            List<SkillCall> moves = library.commands().stream().filter(c -> c.skill().equals("move")).toList();
            Decision probe = policy.plan(new PlanningContext(o, scene, TO_COIN, Reflection.first(), moves, null, null));
            SkillCall likeliest = probe.call();
            Reflection still = new Reflection(false, 0, false, 0, false, false, "changed nothing");
            Reflection changed = new Reflection(true, 20, false, 0, false, false, "the screen changed");
            Decision after = policy.plan(new PlanningContext(o, scene, TO_COIN, still, moves, likeliest, null));
            assertThat(after.call()).as("the likeliest move changed nothing: another").isNotEqualTo(likeliest);
            assertThat(after.why()).contains("vetoed: changed nothing on the still screen");
            Decision afterWait = policy.plan(new PlanningContext(o, scene, TO_COIN, still, moves, wait, null));
            assertThat(afterWait.call()).as("a wait between, the screen still as it was").isNotEqualTo(likeliest);
            Decision moved = policy.plan(new PlanningContext(o, scene, TO_COIN, changed, moves, wait, null));
            assertThat(moved.call()).as("the screen changed: it may do something again").isEqualTo(likeliest);
            policy.plan(new PlanningContext(o, scene, TO_COIN, still, moves, likeliest, null));
            Decision fresh = policy.plan(new PlanningContext(o, scene, TO_COIN, Reflection.first(), moves, null, null));
            assertThat(fresh.call()).as("a new episode starts afresh").isEqualTo(likeliest);
            // a person who held a key against a wall chose it off: the same move again, as they did
            holding.plan(new PlanningContext(o, scene, TO_COIN, Reflection.first(), moves, null, null));
            assertThat(holding.plan(new PlanningContext(o, scene, TO_COIN, still, moves, likeliest, null)).call()).isEqualTo(likeliest);
        }
    }

    @Test
    void afterAMoveThatChangedNothingAndAWaitThatShowedNothingNew_anotherMove() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = SimGameProfile.standard().untrained(library, 1).as("reflex", PolicyRules.defaults().greedy().withoutLoopBreaking().withStillScreen(true))) {
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            Observation o = new Observation(0, 0, game.render());
            Scene scene = Scene.empty(640, 360, "px");
            SkillCall wait = library.commands().stream().filter(c -> c.skill().equals("wait")).findFirst().orElseThrow();
            Decision probe = policy.plan(new PlanningContext(o, scene, TO_COIN, Reflection.first(), library.commands(), null, null));
            // two moves the network likes less than waiting: one changed nothing, the other is left
            List<SkillCall> lessLikely = library.commands().stream().filter(c -> c.skill().equals("move"))
                    .filter(c -> probe.scores().get(c.toString()) < probe.scores().get(wait.toString())).limit(2).toList();
            assertThat(lessLikely).hasSize(2);
            List<SkillCall> three = List.of(wait, lessLikely.get(0), lessLikely.get(1));
            Reflection still = new Reflection(false, 0, false, 0, false, false, "changed nothing");
            Decision first = policy.plan(new PlanningContext(o, scene, TO_COIN, still, three, lessLikely.get(0), null));
            assertThat(first.call()).as("waiting is likeliest, and allowed once after the move that did nothing").isEqualTo(wait);
            Decision second = policy.plan(new PlanningContext(o, scene, TO_COIN, still, three, wait, null));
            assertThat(second.call()).as("the wait showed nothing new: the move not yet tried").isEqualTo(lessLikely.get(1));
            assertThat(second.why()).contains("waited in vain after a move that changed nothing");
            // a wait on a still screen with no fruitless move before it (a reflex game's) is left alone
            policy.plan(new PlanningContext(o, scene, TO_COIN, Reflection.first(), three, null, null));
            Decision reflex = policy.plan(new PlanningContext(o, scene, TO_COIN, still, three, wait, null));
            assertThat(reflex.call()).isEqualTo(wait);
        }
    }

    @Test
    void theEncoderStacksTheLastFramesNewestFirst_aNewEpisodeStartsAfresh() {
        PolicyEncoder encoder = new PolicyEncoder(new InputSpec(8, 6, 3, 16, List.of("target")));
        SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
        PolicyInput first = encoder.encode(0, game.render(), TO_COIN, null, null);
        assertThat(first.frames()).isEqualTo(3);
        byte[] f0 = first.newest();
        game.keyDown(KeyEvent.VK_RIGHT);
        game.advance(Duration.ofMillis(400));
        game.keyUp(KeyEvent.VK_RIGHT);
        PolicyInput second = encoder.encode(1, game.render(), TO_COIN, "move(direction=right, amount=large)", null);
        assertThat(java.util.Arrays.copyOfRange(second.pixels(), 3 * 48, 6 * 48)).as("the frame before, second in the stack").isEqualTo(f0);
        assertThat(second.targetX()).isEqualTo(300f / 640);
        PolicyInput again = encoder.encode(0, game.render(), TO_COIN, null, null);
        assertThat(java.util.Arrays.copyOfRange(again.pixels(), 3 * 48, 6 * 48)).as("a new episode: no frame before").isEqualTo(again.newest());
    }

    @Test
    void aCheckpointTrainedForOneProfileRefusesToLoadOnAnotherNamingBoth(@TempDir Path dir) throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        var store = dev.embody.learning.Checkpoints.forTarget(dir, "sim-game");
        try (LearnedPolicy p = SimGameProfile.standard().untrained(library, 1)) {
            store.write(p, library.version(), null, java.util.Map.of());
        }
        var c = store.find("v0001").orElseThrow();
        try (LearnedPolicy again = SimGameProfile.standard().load(store, c)) {
            assertThat(again.spec()).isEqualTo(SimGameProfile.standard().inputSpec());
        }
        // the same profile set to read without the waypoint still computes the waypoint planes: it reads the checkpoint's own input
        var noWaypoint = new SimGameProfile(SimGameProfile.standard().config().withoutWaypoint());
        try (LearnedPolicy loaded = noWaypoint.load(store, c)) {
            assertThat(loaded.spec()).isEqualTo(SimGameProfile.standard().inputSpec());
        }
        try (dev.embody.profile.Profile robot = dev.embody.profile.Profiles.open("sim-robot", dev.embody.profile.TargetOptions.defaults())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> robot.load(store, c))
                    .isInstanceOf(dev.embody.file.BadFileException.class)
                    .hasMessageContaining("was trained for the sim-game profile to read 32x18 pixels")
                    .hasMessageContaining("the sim-robot profile reads 64x48 pixels x 2 frame(s), 32 word slots");
        }
    }

    private static PolicyInput read(dev.embody.loop.Frame frame, Task task, String previous) {
        return new PolicyEncoder(SimGameProfile.standard().inputSpec()).encode(0, frame, task, previous, null);
    }

    @Test
    void thePixelsMatter() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills", "sim-game"));
        try (LearnedPolicy policy = SimGameProfile.standard().untrained(library, 1)) {
            SimGame game = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90));
            float[] before = policy.probabilities(read(game.render(), TO_COIN, null));
            game.keyDown(KeyEvent.VK_RIGHT);
            game.advance(Duration.ofMillis(300));
            game.keyUp(KeyEvent.VK_RIGHT);
            float[] after = policy.probabilities(read(game.render(), TO_COIN, null));
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
        List<PolicyInput> inputs = List.of(read(game.render(), TO_COIN, null),
                read(game.render(), TO_COIN, "move(direction=left, amount=small)"),
                read(SimGame.of(6, 1, SimGame.REACH_FLAG, Duration.ofSeconds(90)).render(), Task.of("reach the flag", "explore", "look around"), "stop"));
        try (LearnedPolicy before = SimGameProfile.standard().untrained(small, 3); LearnedPolicy after = before.grownTo(large)) {
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
