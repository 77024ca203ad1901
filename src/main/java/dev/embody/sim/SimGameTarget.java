package dev.embody.sim;

import dev.embody.actuation.KeyTrackingActuator;
import dev.embody.loop.Actuator;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import dev.embody.loop.Outcome;
import dev.embody.loop.Target;

import java.time.Duration;
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
    private static final long VIEW_SLICE_NANOS = 50_000_000L;

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
        return game.describe(realtime);
    }

    @Override
    public Map<String, Object> score() {
        Map<String, Object> m = game.score(game.ending());
        // the game's own view of what is still held: proof that every exit path released the keys
        m.put("keys_held", game.heldKeys().stream().map(dev.embody.skill.Keys::name).sorted().toList());
        return m;
    }

    /** Keys into the game; time passes in game time (and on the wall clock too when realtime). */
    private final class Keyboard extends KeyTrackingActuator {
        private long sinceView;

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
            if (!realtime) {
                game.advance(d);
                return;
            }
            // on the wall clock, in slices; a viewer (window, console) gets a frame every VIEW_SLICE of game time, so it
            // sees a hold as it happens, however finely the executor slices it
            long left = d.toNanos();
            while (left > 0 && !game.outcome().finished()) {
                long slice = Math.min(left, VIEW_SLICE_NANOS);
                Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
                game.advance(Duration.ofNanos(slice));
                left -= slice;
                sinceView += slice;
                if (view != null && sinceView >= VIEW_SLICE_NANOS) {
                    sinceView = 0;
                    view.accept(game.render());
                }
            }
        }
    }
}
