package dev.embody.correction;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentences to say and the voices to say them in, each sentence with what the operator means by it: a set the speech
 * path is measured on. {@link #heldOut()} is the project's held-out set (never used for tuning).
 *
 * @param name      what the set is, for reports
 * @param voices    espeak-ng voices
 * @param sentences what is said and meant; {@link Sample#TALK} marks talk that must not be applied
 */
public record SpeechSet(String name, List<String> voices, List<Sample> sentences) {

    /** The held-out set's file, a resource of this package: the second, frozen for issue 20's two hearings. */
    public static final String HELD_OUT = "held-out-speech-2.txt";
    /** The first held-out set: looked at while the grammar's fillers were chosen, so no longer held out. */
    public static final String FIRST_HELD_OUT = "held-out-speech.txt";
    public static final String DEVELOPMENT = "dev-speech.txt";
    /** The set the two hearings' agreement was tuned on: sentences and voices in neither held-out set. */
    public static final String TUNING = "speech-tuning.txt";

    /**
     * A sentence and its meaning as {@link SpeechTrial#describe} writes it: "COMMAND move(direction=left, amount=small)",
     * "STOP", "PAUSE", "RESUME", or "TALK".
     */
    public record Sample(String meaning, String sentence) {
        public static final String TALK = "TALK";

        public boolean correction() {
            return !meaning.equals(TALK);
        }
    }

    public SpeechSet {
        voices = List.copyOf(voices);
        sentences = List.copyOf(sentences);
    }

    public List<Sample> corrections() {
        return sentences.stream().filter(Sample::correction).toList();
    }

    public List<Sample> talk() {
        return sentences.stream().filter(s -> !s.correction()).toList();
    }

    /** The held-out set: sentences and voices never used to tune the recogniser, the grammar or the thresholds. */
    public static SpeechSet heldOut() {
        return resource("held-out", HELD_OUT);
    }

    /** The first held-out set (see {@link #FIRST_HELD_OUT}). */
    public static SpeechSet firstHeldOut() {
        return resource("first held-out", FIRST_HELD_OUT);
    }

    /** The tuning set of the two hearings' agreement. */
    public static SpeechSet tuning() {
        return resource("tuning", TUNING);
    }

    /** The development set: new phrasings in the tuned voices, looked at while tuning (so not a measure of generalising). */
    public static SpeechSet development() {
        return resource("development", DEVELOPMENT);
    }

    private static SpeechSet resource(String name, String file) {
        try (InputStream in = SpeechSet.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("the speech set " + file + " is missing from the build");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A set in the held-out file's format: a {@code voices:} line, then {@code MEANING | SENTENCE} lines; # starts a comment. */
    static SpeechSet parse(String name, String text, String file) {
        List<String> voices = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("voices:")) {
                for (String v : line.substring("voices:".length()).split(",")) {
                    if (!v.isBlank()) {
                        voices.add(v.strip());
                    }
                }
                continue;
            }
            int bar = line.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'MEANING | SENTENCE', got '" + line + "'");
            }
            String meaning = line.substring(0, bar).strip(), sentence = line.substring(bar + 1).strip();
            if (!meaning.matches("TALK|STOP|PAUSE|RESUME|STEP|COMMAND .+") || sentence.isEmpty()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": the meaning must be COMMAND <call>, STOP, PAUSE, RESUME, STEP or TALK"
                        + " and a sentence must follow '|', got '" + line + "'");
            }
            samples.add(new Sample(meaning, sentence));
        }
        if (voices.isEmpty()) {
            throw new IllegalArgumentException(file + ": no 'voices:' line (the espeak-ng voices to say the sentences in)");
        }
        return new SpeechSet(name, voices, samples);
    }
}
