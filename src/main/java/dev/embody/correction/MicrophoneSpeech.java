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
        short[] utt = new short[SpeechAudio.RATE * 10];
        int n = 0, quiet = 0;
        double floor = 300;
        boolean speaking = false;
        while (running) {
            int got = line.read(buf, 0, buf.length);
            double energy = 0;
            for (int i = 0; i + 1 < got; i += 2) {
                short s = (short) ((buf[i] & 0xff) | (buf[i + 1] << 8));
                energy += s * (double) s;
                if (speaking && n < utt.length) {
                    utt[n++] = s;
                }
            }
            double rms = Math.sqrt(energy / Math.max(1, got / 2));
            if (!speaking) {
                floor = 0.95 * floor + 0.05 * rms;
                if (rms > floor * 3 + 200) {
                    speaking = true;
                    n = 0;
                    quiet = 0;
                }
            } else if (rms < floor * 2 + 150) {
                if (++quiet >= 30 || n >= utt.length) {
                    speaking = false;
                    SpokenCorrections.Heard h = speech.hear(java.util.Arrays.copyOf(utt, n), "speech");
                    log.info("speech: heard '{}': {}", h.text(), h.why());
                }
            } else {
                quiet = 0;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        line.stop();
        line.close();
    }
}
