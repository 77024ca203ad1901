package dev.embody.profile;

import dev.embody.loop.Frame;
import dev.embody.loop.Goal;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What one episode is asked to be.
 *
 * @param seed       the level (sim game) or table layout (sim robot); real targets ignore it
 * @param difficulty 1..3 in the sim game
 * @param timeLimit  the target's own clock limit (game seconds), where it has one
 * @param realtime   run on the wall clock, not simulated time
 * @param view       gets every frame a person should see (a window, the console), or null
 */
public record EpisodeSpec(long seed, int difficulty, Goal goal, Duration timeLimit, boolean realtime, Consumer<Frame> view) {
}
