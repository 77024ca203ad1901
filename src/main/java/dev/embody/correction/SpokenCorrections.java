package dev.embody.correction;

import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Spoken corrections, offline: an utterance (push-to-talk in the console, a WAV file, the microphone) is recognised by
 * {@link PocketSphinx} against the {@link SpeechGrammar} of the current skills, then understood by the same
 * {@link CorrectionParser} as typed text and submitted to the loop's inbox. Speech that took the grammar's chatter path,
 * or matched a command only weakly, is reported and never applied; "stop" is applied whenever it is heard.
 */
public final class SpokenCorrections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpokenCorrections.class);
    /** Path score per 10 ms frame below which a command is too weak a match to move the agent (tuned on espeak-ng voices). */
    public static final double DEFAULT_MIN_SCORE_PER_FRAME = Double.parseDouble(System.getProperty("embody.speech.min", "-1e9"));

    /**
     * What was heard and what came of it.
     *
     * @param text          the recognised sentence ("" for silence)
     * @param score         path score per frame
     * @param applied       submitted to the loop
     * @param why           why it was or was not applied, for the operator
     * @param decodeMillis  recognition time
     * @param appliedAtNanos System.nanoTime() when it reached the inbox (0 when not applied)
     */
    public record Heard(String text, double score, Understanding understanding, boolean applied, String why, long decodeMillis,
                        long appliedAtNanos) {
    }

    private final Supplier<SkillLibrary> library;
    private final OperatorInbox inbox;
    private final Set<String> dictionary;
    private final double minScorePerFrame;
    private final PocketSphinx sphinx;
    private volatile SpeechGrammar grammar;
    private volatile String grammarVersion;

    private SpokenCorrections(Supplier<SkillLibrary> library, OperatorInbox inbox, Set<String> dictionary, double minScorePerFrame) {
        this.library = library;
        this.inbox = inbox;
        this.dictionary = dictionary;
        this.minScorePerFrame = minScorePerFrame;
        SkillLibrary lib = library.get();
        this.grammar = SpeechGrammar.of(lib, dictionary);
        this.grammarVersion = lib.version();
        this.sphinx = PocketSphinx.open(grammar.jsgf(), grammar.chatterJsgf());
        log.info("speech: pocketsphinx in process, en-us model, grammar of {} sentences ({} left out: words not in the dictionary)",
                grammar.sentences(), grammar.skipped().size());
    }

    /** Opens the recogniser, or says why it cannot (empty with the reason logged). */
    public static Optional<SpokenCorrections> open(Supplier<SkillLibrary> library, OperatorInbox inbox) {
        String why = PocketSphinx.unavailableReason();
        if (why != null) {
            log.warn("speech: unavailable: {}", why);
            return Optional.empty();
        }
        try {
            Set<String> dict = SpeechGrammar.dictionary(PocketSphinx.MODEL.resolve("cmudict-en-us.dict"));
            return Optional.of(new SpokenCorrections(library, inbox, dict, DEFAULT_MIN_SCORE_PER_FRAME));
        } catch (IOException | RuntimeException e) {
            log.warn("speech: unavailable: {}", e.toString());
            return Optional.empty();
        }
    }

    public SpeechGrammar grammar() {
        return grammar;
    }

    public Heard hear(byte[] wav, String channel) {
        short[] samples;
        try {
            samples = SpeechAudio.fromWav(wav);
        } catch (IllegalArgumentException e) {
            Understanding u = new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, "", "bad audio: " + e.getMessage(), 0);
            return new Heard("", 0, u, false, "bad audio: " + e.getMessage(), 0, 0);
        }
        return hear(samples, channel);
    }

    /** Recognises, understands and (when it is a correction heard clearly) applies one utterance. */
    public Heard hear(short[] samples, String channel) {
        refreshGrammar();
        long t0 = System.nanoTime();
        PocketSphinx.Hypothesis h = sphinx.decode(samples);
        PocketSphinx.Hypothesis chatter = sphinx.decodeChatter(samples);
        long decodeMs = (System.nanoTime() - t0) / 1_000_000;
        String text = h.text();
        // how much better (> 0) or worse the best correction explains the sound than the best string of everyday words
        double spf = h.frames() == 0 ? Double.NEGATIVE_INFINITY : (h.score() - chatter.score()) / (double) h.frames();
        log.debug("speech: correction '{}' {} vs chatter '{}' {} over {} frames", text, h.score(), chatter.text(), chatter.score(), h.frames());
        if (text.isEmpty() || !grammar.isCorrection(text)) {
            return notApplied(text, spf, decodeMs, text.isEmpty() ? "heard nothing" : "heard something that is not a correction");
        }
        Understanding u = new CorrectionParser(library.get()).parse(text);
        if (!u.understood()) {
            return new Heard(text, spf, u, false, "recognised '" + text + "' but it was not understood: " + u.explanation(), decodeMs, 0);
        }
        // stop always wins: applied however weakly it was heard; anything that moves the agent must be heard clearly
        if (u.kind() != Understanding.Kind.STOP && spf < minScorePerFrame) {
            return new Heard(text, spf, u, false, String.format(java.util.Locale.ROOT,
                    "heard '%s', but it sounded more like chatter than a correction (margin %.0f per frame, needs %.0f)", text, spf, minScorePerFrame), decodeMs, 0);
        }
        Optional<Intervention> i = u.toIntervention(channel);
        if (i.isEmpty()) {
            return new Heard(text, spf, u, false, "nothing to apply", decodeMs, 0);
        }
        inbox.submit(i.get());
        long at = System.nanoTime();
        log.info("speech ({}): '{}' -> {}", channel, text, u.explanation());
        return new Heard(text, spf, u, true, "applied: " + u.explanation(), decodeMs, at);
    }

    private Heard notApplied(String text, double spf, long decodeMs, String why) {
        Understanding u = new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, text, why, 0);
        log.info("speech: '{}' not applied: {}", text, why);
        return new Heard(text, spf, u, false, why, decodeMs, 0);
    }

    /** New skills mean new sentences: the grammar is regenerated when the library's version changes. */
    private void refreshGrammar() {
        SkillLibrary lib = library.get();
        if (!lib.version().equals(grammarVersion)) {
            SpeechGrammar g = SpeechGrammar.of(lib, dictionary);
            sphinx.grammar(g.jsgf(), g.chatterJsgf());
            grammar = g;
            grammarVersion = lib.version();
            log.info("speech: skills changed, grammar regenerated ({} sentences)", g.sentences());
        }
    }

    @Override
    public void close() {
        sphinx.close();
    }
}
