package dev.embody.sim;

import dev.embody.actuation.KeyTrackingActuator;
import dev.embody.loop.Actuator;
import dev.embody.loop.FrameSource;
import dev.embody.loop.InputLog;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.PersonInput;
import dev.embody.loop.Target;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The embedded game in a window that a person plays at the keyboard, for a demonstration: the window's timer runs the
 * game on the wall clock and its keys go straight into the game, as in {@code ./run play}; each key is also written to
 * the person's {@link InputLog}. Frames are what the window shows. The agent sends nothing: its actuator holds no keys
 * and only lets time pass. Closing the window stops the episode.
 */
public final class PlayedSimGame implements Target {

    private final SimGame game;
    private final SimWindow.Session window;
    private final Actuator hands = new KeyTrackingActuator() {
        @Override
        protected void press(int keyCode) {
            throw new IllegalStateException("a demonstration sends no keys: the person plays");
        }

        @Override
        protected void release(int keyCode) {
        }

        @Override
        public void elapse(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        }
    };
    private long frames;

    private PlayedSimGame(SimGame game, SimWindow.Session window) {
        this.game = game;
        this.window = window;
    }

    /** Opens the game's window; every key it takes goes to the game and to {@code input}. */
    public static PlayedSimGame open(SimGame game, String title, InputLog input) {
        SimWindow.Session w = SimWindow.open(List.of(game), title, 1500, 1, line -> { },
                (key, down) -> input.add(down ? PersonInput.Event.keyDown(key) : PersonInput.Event.keyUp(key)));
        return new PlayedSimGame(game, w);
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
        return () -> new Observation(frames++, game.timeNanos(), game.render());
    }

    @Override
    public Actuator actuator() {
        return hands;
    }

    @Override
    public Outcome outcome() {
        if (game.outcome().finished()) {
            return game.outcome();
        }
        return window.closed() ? Outcome.STOPPED : Outcome.RUNNING;
    }

    @Override
    public Map<String, Object> describe() {
        return game.describe(true);
    }

    @Override
    public Map<String, Object> score() {
        return game.score(window.closed() && !game.outcome().finished() ? "the window was closed" : game.ending());
    }

    @Override
    public void close() {
        window.close();
    }
}
