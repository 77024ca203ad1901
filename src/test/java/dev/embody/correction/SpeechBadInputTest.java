package dev.embody.correction;

import dev.embody.cli.Main;
import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Audio that is not what the recogniser hears (not a WAV, a WAV it cannot read, too long) gets a message saying what is
 * wrong and what is expected, is never applied, and never throws past the speech path (the console's POST /api/speech,
 * {@code live --speech-file}, the microphone).
 */
class SpeechBadInputTest {

    @TempDir
    Path dir;

    /** A RIFF/WAVE file of these chunks (id, body). */
    static byte[] riff(Object... chunks) {
        ByteBuffer b = ByteBuffer.allocate(64 + Stream.of(chunks).filter(c -> c instanceof byte[]).mapToInt(c -> ((byte[]) c).length + 9).sum()).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(0).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < chunks.length; i += 2) {
            byte[] body = (byte[]) chunks[i + 1];
            b.put(((String) chunks[i]).getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
            if ((body.length & 1) == 1) {
                b.put((byte) 0);
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    static byte[] fmt(int format, int channels, int rate, int bits) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) format).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * Math.max(1, bits / 8)).putShort((short) (channels * Math.max(1, bits / 8))).putShort((short) bits).array();
    }

    static byte[] pcm(int samples) {
        return new byte[samples * 2];
    }

    /** A chunk whose declared size is this, whatever follows. */
    static byte[] lying(byte[] wav, String id, int declared) {
        byte[] out = wav.clone();
        for (int i = 12; i + 8 <= out.length; ) {
            ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            int size = b.getInt(i + 4);
            if (new String(out, i, 4, StandardCharsets.US_ASCII).equals(id)) {
                b.putInt(i + 4, declared);
                return out;
            }
            i += 8 + size + (size & 1);
        }
        throw new IllegalArgumentException("no chunk " + id);
    }

    static Stream<Arguments> badAudio() {
        byte[] good = riff("fmt ", fmt(1, 1, 16000, 16), "data", pcm(16000));
        return Stream.of(
                arguments("empty", new byte[0], "not a WAV file (no RIFF/WAVE header)"),
                arguments("text", "this is not audio".getBytes(StandardCharsets.UTF_8), "not a WAV file (no RIFF/WAVE header)"),
                arguments("an MP3 frame", new byte[]{(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "not a WAV file"),
                arguments("the header alone", Arrays.copyOf(good, 12), "WAV without a data chunk"),
                arguments("data before fmt", riff("data", pcm(100), "fmt ", fmt(1, 1, 16000, 16)), "WAV data before its fmt chunk"),
                arguments("a short fmt chunk", riff("fmt ", new byte[6], "data", pcm(100)), "WAV fmt chunk of 6 bytes (expected at least 16)"),
                arguments("a fmt chunk cut off", Arrays.copyOf(good, 20), "WAV fmt chunk of 16 bytes runs past the end of the file"),
                arguments("a chunk that claims 2 GB", lying(riff("LIST", new byte[8], "fmt ", fmt(1, 1, 16000, 16), "data", pcm(10)), "LIST", 0x7ffffff0),
                        "WAV without a data chunk"),
                arguments("a negative chunk size", lying(good, "fmt ", -5), "WAV chunk with a negative size"),
                arguments("ADPCM", riff("fmt ", fmt(2, 1, 16000, 4), "data", pcm(100)), "unsupported WAV: format 2, 4-bit, 1 channel(s); send 16-bit PCM"),
                arguments("24-bit", riff("fmt ", fmt(1, 1, 16000, 24), "data", pcm(100)), "unsupported WAV: format 1, 24-bit"),
                arguments("no channels", riff("fmt ", fmt(1, 0, 16000, 16), "data", pcm(100)), "unsupported WAV: format 1, 16-bit, 0 channel(s)"),
                arguments("rate 0", riff("fmt ", fmt(1, 1, 0, 16), "data", pcm(100)), "WAV with sample rate 0 Hz (expected 4000 to 192000)"),
                arguments("rate 1 Hz", riff("fmt ", fmt(1, 1, 1, 16), "data", pcm(100)), "WAV with sample rate 1 Hz (expected 4000 to 192000)"),
                arguments("rate 10 MHz", riff("fmt ", fmt(1, 1, 10_000_000, 16), "data", pcm(100)), "sample rate 10000000 Hz"),
                arguments("a minute of audio", riff("fmt ", fmt(1, 1, 16000, 16), "data", pcm(16000 * 60)),
                        "too long: 60.0 s of audio (a spoken correction is at most " + (int) SpeechAudio.MAX_SECONDS + " s)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAudio")
    void badAudioIsRefusedWithWhatIsExpected(String what, byte[] wav, String message) {
        assertThatThrownBy(() -> SpeechAudio.fromWav(wav)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void audioAtOtherRatesAndLayoutsIsResampledNotRefused() {
        // 8 kHz stereo, 44.1 kHz 8-bit, 48 kHz float: all become 16 kHz mono
        short[] eight = SpeechAudio.fromWav(riff("fmt ", fmt(1, 2, 8000, 16), "data", new byte[8000 * 4]));
        assertThat(eight).hasSize(16000);
        short[] cd = SpeechAudio.fromWav(riff("fmt ", fmt(1, 1, 44100, 8), "data", new byte[44100]));
        assertThat(cd).hasSize(16000);
        short[] f = SpeechAudio.fromWav(riff("fmt ", fmt(3, 1, 48000, 32), "data", new byte[48000 * 4]));
        assertThat(f).hasSize(16000);
        // a data chunk that claims more than the file holds is read as far as it goes
        short[] cut = SpeechAudio.fromWav(lying(riff("fmt ", fmt(1, 1, 16000, 16), "data", pcm(1600)), "data", 1 << 30));
        assertThat(cut).hasSize(1600);
    }

    @Tag("external")
    @Test
    void theRecogniserSaysWhyAndAppliesNothing() throws Exception {
        assumeTrue(PocketSphinx.unavailableReason() == null, "needs Debian's pocketsphinx and pocketsphinx-en-us");
        SkillLibrary library = SkillLibrary.load(Path.of("skills/sim-game"));
        OperatorInbox inbox = new OperatorInbox();
        try (SpokenCorrections speech = SpokenCorrections.open(() -> new CorrectionParser(library), inbox).orElseThrow()) {
            for (Arguments a : badAudio().toList()) {
                SpokenCorrections.Heard h = speech.hear((byte[]) a.get()[1], "web-speech");
                assertThat(h.applied()).as((String) a.get()[0]).isFalse();
                assertThat(h.why()).as((String) a.get()[0]).startsWith("bad audio: ").contains((String) a.get()[2]);
            }
            // silence, and a hiss of noise: heard as nothing, not applied
            assertThat(speech.hear(SpeechAudio.toWav(new short[16000]), "web-speech").applied()).isFalse();
            short[] hiss = new short[16000];
            java.util.Random r = new java.util.Random(3);
            for (int i = 0; i < hiss.length; i++) {
                hiss[i] = (short) (r.nextGaussian() * 3000);
            }
            assertThat(speech.hear(SpeechAudio.toWav(hiss), "web-speech").applied()).isFalse();
            // a microphone that never stops: what comes after the limit is not searched, and the utterance is refused
            SpokenCorrections.Utterance u = speech.listen("microphone");
            short[] second = new short[SpeechAudio.RATE];
            for (int s = 0; s < SpeechAudio.MAX_SECONDS + 5; s++) {
                u.feed(second, second.length);
            }
            SpokenCorrections.Heard endless = u.end();
            assertThat(endless.applied()).isFalse();
            assertThat(endless.why()).contains("too long").contains("at most " + (int) SpeechAudio.MAX_SECONDS + " s");
            assertThat(inbox.drain()).isEmpty();
        }
    }

    @Test
    void aSpeechFileThatIsNotAudioEndsLiveBeforeItStartsWithExit3() throws Exception {
        Path notWav = Files.writeString(dir.resolve("note.wav"), "hello, I am text");
        CliRun r = CliRun.of("live", "--speech-file", notWav.toString(), "--max-steps", "1");
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.BAD_FILE);
        assertThat(r.err()).contains("note.wav").contains("not a WAV file (no RIFF/WAVE header)").contains("expected a PCM WAV");
    }
}
