package dev.embody.sim;

import dev.embody.actuation.KeyTrackingActuator;
import dev.embody.loop.Actuator;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The embedded game as a target: frames are rendered on demand, keys go straight into the game, and time is simulated
 * (a 250 ms hold advances the game 250 ms at once) unless {@code realtime} is set, as for a window a person watches.
 */
public final class SimGameTarget implements Target {

    private final SimGame game;
    private final boolean realtime;
    private final Consumer<dev.embody.loop.Frame> view;
    private final Keyboard keyboard = new Keyboard();
    private long frames;

    public SimGameTarget(SimGame game, boolean realtime, Consumer<dev.embody.loop.Frame> view) {
        this.game = game;
        this.realtime = realtime;
        this.view = view;
    }

    public SimGameTarget(SimGame game) {
        this(game, false, null);
    }

    public SimGame game() {
        return game;
    }

    @Override
    public String name() {
        return "sim-game";
    }

    @Override
    public FrameSource frames() {
        return () -> {
            var frame = game.render();
            if (view != null) {
                view.accept(frame);
            }
            return new Observation(frames++, game.timeNanos(), frame);
        };
    }

    @Override
    public Actuator actuator() {
        return keyboard;
    }

    @Override
    public Outcome outcome() {
        return game.outcome();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", game.level().seed());
        m.put("difficulty", game.level().difficulty());
        m.put("goal", game.goal().text());
        m.put("coins", game.level().coins().size());
        m.put("realtime", realtime);
        return m;
    }

    @Override
    public Map<String, Object> score() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("coins", game.coinsCollected());
        m.put("coins_total", game.level().coins().size());
        m.put("game_s", Math.round(game.timeNanos() / 1e7) / 100.0);
        m.put("ending", game.ending());
        // the game's own view of what is still held: proof that every exit path released the keys
        m.put("keys_held", game.heldKeys().stream().map(dev.embody.actuation.Keys::name).sorted().toList());
        return m;
    }

    /** Keys into the game; time passes in game time (and on the wall clock too when realtime). */
    private final class Keyboard extends KeyTrackingActuator {
        @Override
        protected void press(int keyCode) {
            game.keyDown(keyCode);
        }

        @Override
        protected void release(int keyCode) {
            game.keyUp(keyCode);
        }

        @Override
        public void elapse(Duration d) throws InterruptedException {
            if (realtime) {
                Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            }
            game.advance(d);
        }
    }
}
