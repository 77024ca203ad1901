package dev.embody.episode;

import dev.embody.loop.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordedFramesTest {

    @TempDir
    Path tmp;

    @Test
    void playsBackExactlyWhatTheAgentSawInRecordedOrderThenEnds() throws Exception {
        EpisodeFixtures.Recorded rec = EpisodeFixtures.record(tmp, 4, 1);
        RecordedEpisode episode = RecordedEpisode.read(rec.dir());
        assertThat(episode.steps()).hasSize(rec.seen().size());
        try (RecordedFrames frames = new RecordedFrames(episode, false)) {
            for (Observation seen : rec.seen()) {
                Observation back = frames.next();
                assertThat(back.index()).isEqualTo(seen.index());
                assertThat(back.timeNanos()).isEqualTo(seen.timeNanos());
                assertThat(back.frame().width()).isEqualTo(seen.frame().width());
                // lossless: the replay sees the very pixels the agent saw
                assertThat(back.frame().bgr()).isEqualTo(seen.frame().bgr());
            }
            assertThatThrownBy(frames::next).isInstanceOf(EOFException.class);
            assertThat(frames.videoEnded()).isFalse();
        }
    }

    @Test
    void realtimeKeepsTheRecordedPaceOnTheTargetClock() throws Exception {
        EpisodeFixtures.Recorded rec = EpisodeFixtures.record(tmp, 2, 1);
        RecordedEpisode episode = RecordedEpisode.read(rec.dir());
        int n = Math.min(4, episode.steps().size());
        long recordedSpan = episode.steps().get(n - 1).targetNanos() - episode.steps().get(0).targetNanos();
        long start = System.nanoTime();
        try (RecordedFrames frames = new RecordedFrames(episode, true)) {
            for (int i = 0; i < n; i++) {
                frames.next();
            }
        }
        // never faster than recorded (it may be slower on a busy machine)
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(recordedSpan);
    }
}
