package dev.embody.correction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;
import java.util.Optional;

/**
 * The microphone as a speech source (javax.sound): utterances are cut by energy (speech starts above the noise floor,
 * ends after 0.6 s of quiet) and handed to {@link SpokenCorrections}. Where the machine has no microphone it says so.
 */
public final class MicrophoneSpeech implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MicrophoneSpeech.class);
    private static final AudioFormat FORMAT = new AudioFormat(SpeechAudio.RATE, 16, 1, true, false);

    private final TargetDataLine line;
    private final Thread thread;
    private volatile boolean running = true;

    private MicrophoneSpeech(TargetDataLine line, SpokenCorrections speech) {
        this.line = line;
        this.thread = new Thread(() -> listen(speech), "microphone");
        thread.setDaemon(true);
    }

    /** Opens the default microphone, or says why there is none. */
    public static Optional<MicrophoneSpeech> open(SpokenCorrections speech) {
        DataLine.Info info = new DataLine.Info(TargetDataLine.class, FORMAT);
        if (!AudioSystem.isLineSupported(info)) {
            log.warn("speech: this machine has no microphone that records 16 kHz mono (javax.sound found no capture line); --speech is off");
            return Optional.empty();
        }
        try {
            TargetDataLine line = (TargetDataLine) AudioSystem.getLine(info);
            line.open(FORMAT);
            line.start();
            MicrophoneSpeech m = new MicrophoneSpeech(line, speech);
            m.thread.start();
            log.info("speech: listening on the microphone ({})", line.getLineInfo());
            return Optional.of(m);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            log.warn("speech: the microphone cannot be opened: {}; --speech is off", e.getMessage());
            return Optional.empty();
        }
    }

    private void listen(SpokenCorrections speech) {
        byte[] buf = new byte[320 * 2]; // 20 ms
        short[] chunk = new short[320];
        short[] before = new short[320]; // the 20 ms before speech was detected: its onset
        int n = 0, quiet = 0;
        double floor = 300;
        SpokenCorrections.Utterance utterance = null;
        while (running) {
            int got = line.read(buf, 0, buf.length) / 2;
            double energy = 0;
            for (int i = 0; i < got; i++) {
                chunk[i] = (short) ((buf[2 * i] & 0xff) | (buf[2 * i + 1] << 8));
                energy += chunk[i] * (double) chunk[i];
            }
            double rms = Math.sqrt(energy / Math.max(1, got));
            if (utterance == null) {
                floor = 0.95 * floor + 0.05 * rms;
                if (rms > floor * 3 + 200) {
                    // searched while the operator speaks: at the end only the final search is left
                    utterance = speech.listen("speech");
                    utterance.feed(before, before.length);
                    utterance.feed(chunk, got);
                    n = got;
                    quiet = 0;
                } else {
                    System.arraycopy(chunk, 0, before, 0, got);
                }
                continue;
            }
            utterance.feed(chunk, got);
            n += got;
            quiet = rms < floor * 2 + 150 ? quiet + 1 : 0;
            if (quiet >= 30 || n >= SpeechAudio.RATE * 10) { // 0.6 s of quiet ends it, or 10 s
                SpokenCorrections.Heard h = utterance.end();
                utterance = null;
                log.info("speech: heard '{}': {}", h.text(), h.why());
            }
        }
        if (utterance != null) {
            utterance.end();
        }
    }

    @Override
    public void close() {
        running = false;
        line.stop();
        line.close();
    }
}
