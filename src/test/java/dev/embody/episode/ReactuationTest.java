package dev.embody.episode;

import dev.embody.loop.Goal;
import dev.embody.loop.Outcome;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ReactuationTest {

    @TempDir
    Path tmp;

    private static SimGame freshGame(RecordedEpisode e) {
        return SimGame.of(e.meta().path("seed").asLong(), e.meta().path("difficulty").asInt(), SimGame.COLLECT_COINS, Duration.ofSeconds(90));
    }

    @Test
    void resendingAScriptedEpisodesCommandsReproducesItsOutcomeExactly() throws Exception {
        for (EpisodeFixtures.Recorded rec : new EpisodeFixtures.Recorded[]{
                EpisodeFixtures.record(tmp, 11, 2),
                EpisodeFixtures.record(tmp, 5, 1, Map.of(1, "move(direction=up, amount=large)", 4, "stop"))}) {
            RecordedEpisode e = RecordedEpisode.read(rec.dir());
            SimGame game = freshGame(e);
            Reactuation.Result r = new Reactuation().run(e, new SimGameTarget(game), EpisodeFixtures.library());
            assertThat(r.steps()).isEqualTo(e.steps().size());
            assertThat(r.outcome()).isEqualTo(rec.game().outcome());
            assertThat(r.outcome().label()).isEqualTo(e.meta().path("outcome").asText());
            // the very same game, tick for tick
            assertThat(game.timeNanos()).isEqualTo(rec.game().timeNanos());
            assertThat(game.playerX()).isEqualTo(rec.game().playerX());
            assertThat(game.playerY()).isEqualTo(rec.game().playerY());
            assertThat(game.distanceTravelled()).isEqualTo(rec.game().distanceTravelled());
            assertThat(game.coinsCollected()).isEqualTo(rec.game().coinsCollected());
            assertThat(r.score()).isEqualTo(new SimGameTarget(rec.game()).score());
            assertThat(game.heldKeys()).isEmpty();
        }
    }

    @Test
    void stoppingMidWayLetsGoOfEveryKey() throws Exception {
        RecordedEpisode e = RecordedEpisode.read(EpisodeFixtures.record(tmp, 9, 2).dir());
        SimGame game = freshGame(e);
        Reactuation reactuation = new Reactuation();
        AtomicReference<Reactuation.Result> result = new AtomicReference<>();
        // on the wall clock, so it is still holding keys when the stop comes
        Thread t = new Thread(() -> {
            try {
                result.set(reactuation.run(e, new SimGameTarget(game, true, null), EpisodeFixtures.library()));
            } catch (Exception ex) {
                throw new RuntimeException(ex);
            }
        });
        t.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (game.heldKeys().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(game.heldKeys()).as("a key is held mid-step").isNotEmpty();
        reactuation.requestStop();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        assertThat(result.get().reason()).startsWith("stopped");
        assertThat(result.get().steps()).isLessThan(e.steps().size());
        assertThat(game.heldKeys()).isEmpty();
        assertThat(game.outcome()).isEqualTo(Outcome.RUNNING);
    }
}
