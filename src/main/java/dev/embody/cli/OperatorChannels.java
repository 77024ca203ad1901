package dev.embody.cli;

import dev.embody.console.ConsoleSettings;
import dev.embody.console.OperatorConsole;
import dev.embody.console.SessionTraining;
import dev.embody.correction.CorrectionParser;
import dev.embody.correction.GamepadChannel;
import dev.embody.correction.MicrophoneSpeech;
import dev.embody.correction.MqttCorrections;
import dev.embody.correction.SpokenCorrections;
import dev.embody.correction.StickMapping;
import dev.embody.learning.TrainingStatus;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.StepListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** The operator's channels a live session opens from its options (console, speech, gamepad, MQTT), all into one inbox. */
final class OperatorChannels implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorChannels.class);

    record Options(boolean console, String consoleBind, int consolePort, boolean speech, Path speechFile, boolean gamepad,
                   String mqttBroker, String agentId, Path episodesDir) {
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<StepListener> listeners = new ArrayList<>();
    private OperatorConsole console;
    private Path pendingSpeechFile;
    private SpokenCorrections speech;


    /**
     * @param parser the correction parser for the skills as they stand
     * @param stick  what the gamepad's stick commands on this target (its profile's)
     * @param trainer the periodic trainer the console's training panel shows, or null when none runs
     */
    static OperatorChannels open(Options o, OperatorInbox inbox, Supplier<CorrectionParser> parser, Supplier<String> policy,
                                 StickMapping stick, TrainingStatus trainer) throws Exception {
        OperatorChannels c = new OperatorChannels();
        try {
            if (o.speechFile() != null && !Files.isRegularFile(o.speechFile())) {
                throw new IllegalArgumentException("--speech-file: no such file " + o.speechFile());
            }
            if (o.speechFile() != null) {
                try {
                    dev.embody.correction.SpeechAudio.fromWav(Files.readAllBytes(o.speechFile()));
                } catch (IllegalArgumentException e) {
                    throw new dev.embody.file.BadFileException(o.speechFile(), 0, e.getMessage() + " (expected a PCM WAV of a spoken correction, at most "
                            + (int) dev.embody.correction.SpeechAudio.MAX_SECONDS + " s)");
                }
            }
            if (o.console() || o.speech() || o.speechFile() != null) {
                c.speech = SpokenCorrections.open(parser, inbox).orElse(null);
                if (c.speech != null) {
                    c.open.add(c.speech);
                }
            }
            if (o.console()) {
                // the trainer when the policy is learned; else what this session gathered for one
                TrainingStatus training = trainer != null ? trainer : new SessionTraining(policy);
                if (training instanceof StepListener l) {
                    c.listeners.add(l);
                }
                ConsoleSettings settings;
                try {
                    settings = ConsoleSettings.of(o.consoleBind(), o.consolePort());
                } catch (IllegalArgumentException e) {
                    throw e;
                }
                c.console = OperatorConsole.start(settings, inbox, parser, training, o.episodesDir(), c.speech);
                c.open.add(c.console);
                c.listeners.add(c.console);
            }
            if (o.speech()) {
                if (c.speech == null) {
                    log.warn("speech: --speech is off: the recogniser is unavailable");
                } else {
                    MicrophoneSpeech.open(c.speech).ifPresent(c.open::add);
                }
            }
            c.pendingSpeechFile = o.speechFile();
            if (o.gamepad()) {
                GamepadChannel.findController().ifPresent(ctl -> {
                    GamepadChannel g = new GamepadChannel(ctl, inbox, stick).start();
                    c.open.add(g);
                    c.listeners.add(g);
                });
            }
            if (o.mqttBroker() != null) {
                c.open.add(MqttCorrections.connect(o.mqttBroker(), o.agentId(), parser, inbox));
            }
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    OperatorConsole console() {
        return console;
    }

    List<StepListener> listeners() {
        return listeners;
    }

    /** A new episode: the console logs the operator's commands into it; a --speech-file is heard at the first one. */
    void episode(String id, BiConsumer<String, Object> episodeLog) {
        if (console != null) {
            console.episode(id, episodeLog);
        }
        if (pendingSpeechFile != null) {
            Path f = pendingSpeechFile;
            pendingSpeechFile = null;
            if (speech == null) {
                log.warn("speech: {} not heard: the recogniser is unavailable", f);
                return;
            }
            try {
                SpokenCorrections.Heard h = speech.hear(Files.readAllBytes(f), "speech-file");
                System.out.println("speech-file: heard '" + h.text() + "': " + h.why());
            } catch (java.io.IOException e) {
                log.warn("speech: cannot read {}: {}", f, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                log.debug("closing a channel", e);
            }
        }
        open.clear();
    }
}
