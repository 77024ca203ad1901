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

    /**
     * The tuned set in three US voices. Since issue 20 a movement is applied only when the general English model's free
     * hearing confirms the grammar's, which on espeak-ng voices it seldom does: the bar is that nothing moves the agent
     * other than meant (none in another direction, under 2 in 100 another amount); what is not confirmed is asked again.
     */
    @Test
    void correctionsSpokenInThreeUsVoicesNeverMoveTheAgentOtherThanMeant() throws Exception {
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CORRECTIONS, SpeechTrial.US_VOICES, dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CORRECTIONS, true, SpeechTrial.US_VOICES, wavs);
        results.stream().filter(SpeechTrial.Result::appliedWrong).forEach(r -> System.out.printf("applied wrong [%s] '%s' (%s): heard '%s' (freely '%s') as %s%n",
                r.voice(), r.said(), r.intended(), r.heard(), r.free(), r.understoodAs()));
        System.out.printf("tuned set: right %s, applied wrong %s%n", SpeechTrial.Score.of(results), SpeechTrial.Score.of(results, SpeechTrial.Result::appliedWrong));
        assertThat(results).hasSize(SpeechTrial.CORRECTIONS.size() * SpeechTrial.US_VOICES.size());
        assertThat(SpeechAudio.rate(Files.readAllBytes(wavs.get(0)))).as("resampled to 16 kHz").isEqualTo(16_000);
        assertThat(results).as("moved another way than meant").noneMatch(SpeechTrial.Result::wrongDirection);
        assertThat(results.stream().filter(SpeechTrial.Result::wrongAmount).count() / (double) results.size()).as("another amount").isLessThan(0.02);
        assertThat(results).as("some corrections are confirmed and applied as meant").anyMatch(SpeechTrial.Result::right);
    }

    /**
     * The held-out set's voices are used by no other set, and its sentences not by the set the agreement was tuned on
     * (three of its 60 sentences, "halt", "wait longer", "stop now please", are also in older sets, in other voices).
     */
    @Test
    void theHeldOutSetSharesNoVoiceWithAnyOtherSetAndNoSentenceWithTheTuningSet() {
        SpeechSet held = SpeechSet.heldOut();
        assertThat(held.talk()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(held.corrections()).hasSizeGreaterThanOrEqualTo(40);
        for (SpeechSet other : List.of(SpeechSet.tuning(), SpeechSet.development(), SpeechSet.firstHeldOut())) {
            assertThat(held.voices()).doesNotContainAnyElementsOf(other.voices());
        }
        assertThat(held.voices()).doesNotContainAnyElementsOf(SpeechTrial.US_VOICES).doesNotContain("en-gb");
        assertThat(held.sentences()).extracting(SpeechSet.Sample::sentence).doesNotContainAnyElementsOf(
                SpeechSet.tuning().sentences().stream().map(SpeechSet.Sample::sentence).toList());
    }

    @Test
    void talkThatIsNotACorrectionIsNotApplied() throws Exception {
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CHATTER, List.of("en-us"), dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CHATTER, false, List.of("en-us"), wavs);
        results.stream().filter(r -> r.applied()).forEach(r -> System.out.printf("applied chatter '%s' as %s%n", r.said(), r.understoodAs()));
        assertThat(results).hasSize(10);
        assertThat(results.stream().filter(r -> !r.applied()).count()).as("talk not applied, of 10").isGreaterThanOrEqualTo(8);
    }

    /**
     * Issue 20, defect 4: the grammar forces any sound onto one of its sentences, and alone it heard these (espeak-ng,
     * each voice once) as another direction or talk as a move: "move a little bit down" as "move up", "go left" as "go
     * up", a remark about a meeting as "go east a touch". Heard freely as well, none of them may move the agent other
     * than meant; a stop is still applied.
     */
    @Test
    void aMisheardWordNeverMovesTheAgent() throws Exception {
        List<String[]> said = List.of(new String[]{"move a little bit down", "en-us", "COMMAND move(direction=down, amount=small)"},
                new String[]{"go left", "en-us+f3", "COMMAND move(direction=left, amount=medium)"},
                new String[]{"the meeting is at three", "en-gb", SpeechSet.Sample.TALK},
                new String[]{"stop", "en-us+f3", "STOP"});
        OperatorInbox inbox = new OperatorInbox();
        CorrectionParser parser = new CorrectionParser(library);
        int misheard = 0;
        try (SpokenCorrections speech = SpokenCorrections.open(() -> parser, inbox).orElseThrow()) {
            for (int i = 0; i < said.size(); i++) {
                String[] s = said.get(i);
                SpokenCorrections.Heard h = speech.hear(Files.readAllBytes(SpeechTrial.say(s[0], s[1], dir, 910 + i)), "speech");
                String grammarAlone = parser.parse(h.text()).meaning();
                System.out.printf("'%s' (%s): grammar '%s', freely '%s': %s%n", s[0], s[1], h.text(), h.free(), h.why());
                if (!grammarAlone.equals(s[2]) && !s[2].equals("STOP")) {
                    misheard++;
                }
                if (s[2].equals("STOP")) {
                    assertThat(h.applied()).as("stop always wins: " + h.why()).isTrue();
                    assertThat(inbox.stopRequested()).isTrue();
                } else if (h.applied()) {
                    assertThat(h.understanding().meaning()).as("applied '%s' as %s", s[0], h.why()).isEqualTo(s[2]);
                } else {
                    assertThat(h.why()).as("what was not applied says why").isNotBlank();
                }
                inbox.drain();
            }
        }
        // the test can fail: the grammar alone misheard at least one of them (else it would not show the defect)
        assertThat(misheard).as("utterances the grammar alone misheard").isPositive();
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
        // "stop": on a decoder that has heard nothing yet few movements are confirmed by the free hearing, a stop that
        // fits the speech is applied from the grammar alone
        short[] audio = SpeechAudio.fromWav(Files.readAllBytes(SpeechTrial.say("stop", "en-us", dir, 901)));
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
            assertThat(h.understanding().kind()).isEqualTo(Understanding.Kind.STOP);
            assertThat(inbox.drain()).hasSize(1);
            assertThatThrownBy(() -> u.feed(new short[10], 10)).isInstanceOf(IllegalStateException.class);
        }
    }
}
