package dev.embody.planning;

import dev.embody.episode.EpisodeFixtures;
import dev.embody.loop.Decision;
import dev.embody.loop.Frame;
import dev.embody.loop.InputLog;
import dev.embody.loop.Observation;
import dev.embody.loop.PersonInput;
import dev.embody.loop.PlanningContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PersonPolicyTest {

    private static PlanningContext seenAt(long nanos) {
        return new PlanningContext(new Observation(0, nanos, new Frame(2, 2, new byte[12])), null, null, null, List.of(), null, null);
    }

    /** The direction of the move the step's command is (the sim game's skills), or its text. */
    private static String key(Decision d) {
        String c = d.call().toString();
        return c.contains("direction=") ? c.replaceAll(".*direction=(\\w+).*", "$1").toUpperCase(java.util.Locale.ROOT) : c;
    }

    @Test
    void aStepsWindowOpensWhenItsFrameWasTaken_inputBeforeIsOnTheFrameAndNoAnswerToIt() throws Exception {
        InputLog log = new InputLog();
        PersonPolicy person = new PersonPolicy(EpisodeFixtures.library(), Map.of(), log, Duration.ofMillis(30), false);
        long frame = System.nanoTime();
        // pressed before the frame was taken (the frame shows its effect), then after it
        log.add(frame - 5_000_000, PersonInput.Event.keyDown("LEFT"));
        log.add(frame - 4_000_000, PersonInput.Event.keyUp("LEFT"));
        log.add(frame + 1_000_000, PersonInput.Event.keyDown("RIGHT"));
        log.add(frame + 2_000_000, PersonInput.Event.keyUp("RIGHT"));
        Decision first = person.plan(seenAt(frame));
        assertThat(key(first)).isEqualTo("RIGHT");
        assertThat(person.counts().beforeFrame()).isEqualTo(2);
        // kept in the step's input, before its window
        assertThat(first.input().events()).first().satisfies(e -> {
            assertThat(e.key()).isEqualTo("LEFT");
            assertThat(e.tMs()).isNegative();
        });

        // between the first window's end and the next frame: on that frame already, so left out of its window too
        long gap = System.nanoTime();
        log.add(gap, PersonInput.Event.keyDown("DOWN"));
        log.add(gap, PersonInput.Event.keyUp("DOWN"));
        Thread.sleep(2);
        long next = System.nanoTime();
        log.add(next + 1_000_000, PersonInput.Event.keyDown("UP"));
        log.add(next + 2_000_000, PersonInput.Event.keyUp("UP"));
        Decision second = person.plan(seenAt(next));
        assertThat(key(second)).isEqualTo("UP");
        assertThat(person.counts().beforeFrame()).isEqualTo(4);
    }

    @Test
    void aKeyPressedBeforeTheFrameAndHeldIntoTheWindowIsStillHeld_andAnUnmappedKeyBeforeItIsCounted() throws Exception {
        InputLog log = new InputLog();
        PersonPolicy person = new PersonPolicy(EpisodeFixtures.library(), Map.of(), log, Duration.ofMillis(30), false);
        long frame = System.nanoTime();
        log.add(frame - 6_000_000, PersonInput.Event.keyDown("Q"));
        log.add(frame - 5_000_000, PersonInput.Event.keyUp("Q"));
        log.add(frame - 2_000_000, PersonInput.Event.keyDown("DOWN"));
        Decision first = person.plan(seenAt(frame));
        assertThat(first.input().unmapped()).anyMatch(u -> u.startsWith("pressed Q"));
        assertThat(person.counts().unmapped()).isEqualTo(1);
        // held on through the window: the person goes on pressing it after seeing the frame
        assertThat(key(first)).isEqualTo("DOWN");
    }

    @Test
    void aPressJustBeforeTheFrameIsTheStepsCommandWhereNothingFollowsIt_noSinglePressIsLost() throws Exception {
        InputLog log = new InputLog();
        PersonPolicy person = new PersonPolicy(EpisodeFixtures.library(), Map.of(), log, Duration.ofMillis(30), false);
        long frame = System.nanoTime();
        log.add(frame - 5_000_000, PersonInput.Event.keyDown("LEFT"));
        log.add(frame - 4_000_000, PersonInput.Event.keyUp("LEFT"));
        Decision d = person.plan(seenAt(frame));
        assertThat(key(d)).isEqualTo("LEFT");
        assertThat(d.why()).contains("before the frame");
        assertThat(person.counts().mapped()).isEqualTo(1);
    }

    @Test
    void framesDatedByAnotherClockKeepTheWindowsEndToEnd() throws Exception {
        InputLog log = new InputLog();
        PersonPolicy person = new PersonPolicy(EpisodeFixtures.library(), Map.of(), log, Duration.ofMillis(20), false);
        person.plan(seenAt(1_000));
        // a simulated game's clock: nothing is left out, the input between steps is the next step's
        log.add(PersonInput.Event.keyDown("DOWN"));
        log.add(PersonInput.Event.keyUp("DOWN"));
        Decision second = person.plan(seenAt(2_000));
        assertThat(key(second)).isEqualTo("DOWN");
        assertThat(person.counts().beforeFrame()).isZero();
    }
}
