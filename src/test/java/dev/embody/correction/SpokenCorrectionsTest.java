package dev.embody.correction;

import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spoken corrections on real audio: espeak-ng says them in three US voices, sox resamples to 16 kHz, PocketSphinx
 * (in process, Debian's en-us model) recognises them against the grammar of the sim-game skills.
 */
@Tag("external")
class SpokenCorrectionsTest {

    static SkillLibrary library;

    @TempDir
    static Path dir;

    @BeforeAll
    static void needs() throws Exception {
        assumeTrue(PocketSphinx.unavailableReason() == null, "needs Debian's pocketsphinx and pocketsphinx-en-us");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/espeak-ng")) && Files.isExecutable(Path.of("/usr/bin/sox")), "needs espeak-ng and sox");
        library = SkillLibrary.load(Path.of("skills/sim-game"));
    }

    @Test
    void correctionsSpokenInThreeUsVoicesAreUnderstoodAsTheIntendedCommand() throws Exception {
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CORRECTIONS, SpeechTrial.US_VOICES, dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CORRECTIONS, true, SpeechTrial.US_VOICES, wavs);
        long right = results.stream().filter(SpeechTrial.Result::right).count();
        results.stream().filter(r -> !r.right()).forEach(r -> System.out.printf("missed [%s] '%s' (%s): heard '%s' as %s%n",
                r.voice(), r.said(), r.intended(), r.heard(), r.understoodAs()));
        System.out.printf("spoken corrections understood as intended: %d/%d%n", right, results.size());
        // the bar: at least 40 corrections in at least 3 voices, at least 90% understood as the intended command
        assertThat(SpeechTrial.CORRECTIONS).hasSizeGreaterThanOrEqualTo(40);
        assertThat(SpeechTrial.US_VOICES).hasSizeGreaterThanOrEqualTo(3);
        assertThat(results).hasSize(SpeechTrial.CORRECTIONS.size() * SpeechTrial.US_VOICES.size());
        assertThat(SpeechAudio.rate(Files.readAllBytes(wavs.get(0)))).as("resampled to 16 kHz").isEqualTo(16_000);
        assertThat(right / (double) results.size()).isGreaterThanOrEqualTo(0.90);
    }

    /**
     * The held-out set (held-out-speech.txt): sentences and voices never used to tune the grammar, the decoder or the
     * checks. Its bars are what the recogniser reached there when it was frozen, not goals it was tuned to.
     */
    @Test
    void sentencesAndVoicesNeverUsedForTuningAreUnderstoodAsOftenAsMeasuredAndTalkIsNotApplied() throws Exception {
        SpeechSet held = SpeechSet.heldOut();
        assertThat(held.corrections()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(held.voices()).hasSizeGreaterThanOrEqualTo(3).doesNotContainAnyElementsOf(SpeechTrial.US_VOICES).doesNotContain("en-gb");
        assertThat(held.sentences()).extracting(SpeechSet.Sample::sentence).doesNotContainAnyElementsOf(SpeechTrial.CORRECTIONS)
                .doesNotContainAnyElementsOf(SpeechTrial.CHATTER);
        List<Path> wavs = SpeechTrial.synthesise(held.sentences().stream().map(SpeechSet.Sample::sentence).toList(), held.voices(),
                Files.createDirectories(dir.resolve("held-out")));
        List<SpeechTrial.Result> results = SpeechTrial.run(library, held.sentences(), held.voices(), wavs);
        List<SpeechTrial.Result> corrections = results.stream().filter(SpeechTrial.Result::correction).toList();
        List<SpeechTrial.Result> talk = results.stream().filter(r -> !r.correction()).toList();
        SpeechTrial.Score right = SpeechTrial.Score.of(corrections), quiet = SpeechTrial.Score.of(talk);
        long wrong = corrections.stream().filter(SpeechTrial.Result::appliedWrong).count();
        System.out.printf("held-out: corrections right %s, applied wrong %d; talk not applied %s%n", right, wrong, quiet);
        assertThat(right.rate()).as("held-out corrections understood and applied right").isGreaterThanOrEqualTo(HELD_OUT_RIGHT);
        assertThat(wrong / (double) corrections.size()).as("held-out corrections applied with another meaning").isLessThanOrEqualTo(HELD_OUT_WRONG);
        assertThat(quiet.rate()).as("held-out talk not applied").isGreaterThanOrEqualTo(HELD_OUT_TALK);
    }

    /** The held-out set gave 150/280 right, 63/280 applied wrong, 59/80 talk not applied (README, Spoken corrections): these bars sit just below. */
    static final double HELD_OUT_RIGHT = 0.50, HELD_OUT_WRONG = 0.25, HELD_OUT_TALK = 0.70;

    @Test
    void talkThatIsNotACorrectionIsNotApplied() throws Exception {
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CHATTER, List.of("en-us"), dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CHATTER, false, List.of("en-us"), wavs);
        results.stream().filter(r -> r.applied()).forEach(r -> System.out.printf("applied chatter '%s' as %s%n", r.said(), r.understoodAs()));
        assertThat(results).hasSize(10);
        assertThat(results.stream().filter(r -> !r.applied()).count()).as("talk not applied, of 10").isGreaterThanOrEqualTo(8);
    }

    @Test
    void stopAlwaysWinsAndBadAudioSaysSo() throws Exception {
        OperatorInbox inbox = new OperatorInbox();
        try (SpokenCorrections speech = SpokenCorrections.open(() -> new CorrectionParser(library), inbox).orElseThrow()) {
            SpokenCorrections.Heard stop = speech.hear(Files.readAllBytes(SpeechTrial.say("stop", "en-us", dir, 900)), "speech");
            assertThat(stop.applied()).isTrue();
            assertThat(inbox.stopRequested()).isTrue();
            SpokenCorrections.Heard junk = speech.hear(new byte[]{1, 2, 3}, "web-speech");
            assertThat(junk.applied()).isFalse();
            assertThat(junk.why()).contains("bad audio");
            SpokenCorrections.Heard silence = speech.hear(SpeechAudio.toWav(new short[16000]), "web-speech");
            assertThat(silence.applied()).isFalse();
        }
    }

    @Test
    void anUtteranceIsSearchedWhileItArrivesAndAppliedAtItsEnd() throws Exception {
        OperatorInbox inbox = new OperatorInbox();
        short[] audio = SpeechAudio.fromWav(Files.readAllBytes(SpeechTrial.say("a bit more to the left", "en-us", dir, 901)));
        try (SpokenCorrections speech = SpokenCorrections.open(() -> new CorrectionParser(library), inbox).orElseThrow()) {
            SpokenCorrections.Utterance u = speech.listen("speech");
            for (int off = 0; off < audio.length; off += 320) { // 20 ms at a time, as a microphone delivers it
                int n = Math.min(320, audio.length - off);
                u.feed(java.util.Arrays.copyOfRange(audio, off, off + n), n);
            }
            assertThat(u.searchNanos()).as("searched before the end").isPositive();
            assertThat(inbox.drain()).as("nothing applied before the utterance ends").isEmpty();
            SpokenCorrections.Heard h = u.end();
            assertThat(h.applied()).as(h.why()).isTrue();
            assertThat(h.understanding().command()).hasToString("move(direction=left, amount=small)");
            assertThat(inbox.drain()).hasSize(1);
            assertThatThrownBy(() -> u.feed(new short[10], 10)).isInstanceOf(IllegalStateException.class);
        }
    }
}
