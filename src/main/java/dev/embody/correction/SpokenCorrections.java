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
 * {@link CorrectionParser} as typed text and submitted to the loop's inbox. Speech that lasted longer or shorter than the
 * heard sentence takes, or matched it only weakly, is reported and never applied. A grammar forces any sound onto one of
 * its sentences, so every utterance is also heard freely, with Debian's general English model, and what moves the agent
 * is applied only when the typed parser reads the same command (skill, direction, amount) in those free words; else
 * the operator is asked to say it again. A confident "stop" in either hearing stops: stopping is never the dangerous mistake.
 */
public final class SpokenCorrections implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpokenCorrections.class);
    /** Speech of a sentence lasts at least this many 10 ms frames per phone of it (espeak-ng voices: 5.5 and more). */
    public static final double MIN_FRAMES_PER_PHONE = 4.5;
    /**
     * ... and at most {@code MAX_FRAMES_BASE + MAX_FRAMES_PER_PHONE * phones}: a short command is drawn out at its end,
     * a long one is said briskly. First set on en-gb corrections and other talk (at most 19 frames for 2 phones, 72 for
     * 7, 109 for 15; talk squeezed onto a command 137-197 frames for its 5-18 phones). With fillers in the grammar this
     * and the score floor below were set together on the tuned and development sets: (8 a phone, -64) against the
     * former (7, -66) applied 3 more of 108 development corrections right and refused 3 more of 42 sentences of talk,
     * the tuned set unchanged (108/120, 9/10 talk refused).
     */
    public static final double MAX_FRAMES_BASE = 30;
    public static final double MAX_FRAMES_PER_PHONE = 8;
    /**
     * The grammar's best sentence must match the sound at least this well (log acoustic score per 10 ms frame): below
     * it, the words heard contradict the sound, and nothing that moves the agent is applied. First set at -66 on en-gb
     * corrections and other talk; -64 with fillers in the grammar (see above).
     */
    public static final double MIN_SCORE_PER_FRAME = -64;
    /**
     * A sentence heard with a filler around it must match this much better (-62 a frame): on the development set it
     * refused 2 more of 42 sentences of talk for 3 of 108 corrections, and none of the tuned set's.
     */
    public static final double FILLER_SCORE_MARGIN = 2;
    /** Audio is searched in slices of this many samples (100 ms) as it arrives. */
    static final int SLICE = SpeechAudio.RATE / 10;

    /**
     * What was heard and what came of it.
     *
     * @param text          the recognised sentence ("" for silence)
     * @param score         10 ms frames of speech per phone of the recognised sentence (about 5-11 when it was said)
     * @param applied       submitted to the loop
     * @param why           why it was or was not applied, for the operator
     * @param decodeMillis  recognition time
     * @param appliedAtNanos System.nanoTime() when it reached the inbox (0 when not applied)
     * @param match         how well the sentence matched the sound: log acoustic score per 10 ms frame (0 when nothing was heard)
     * @param free          what the general English model heard in the same sound ("" when it was not asked)
     */
    public record Heard(String text, double score, Understanding understanding, boolean applied, String why, long decodeMillis,
                        long appliedAtNanos, double match, String free) {
        Heard(String text, double score, Understanding understanding, boolean applied, String why, long decodeMillis, long appliedAtNanos) {
            this(text, score, understanding, applied, why, decodeMillis, appliedAtNanos, 0, "");
        }
    }

    private final Supplier<CorrectionParser> parsers;
    private final OperatorInbox inbox;
    private final PronouncingDictionary dictionary;
    private final double minFramesPerPhone;
    private final double maxFramesPerPhone;
    private final double maxFramesBase;
    private final double minScorePerFrame;
    private final PocketSphinx sphinx;
    /** The same sound heard freely (the general en-us language model): what the grammar's sentence must agree with. */
    private final PocketSphinx general;
    /** The free hearing searches on a thread of its own beside the grammar's: two decoders on two cores, half the wait. */
    private final java.util.concurrent.ExecutorService freeHearing = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "speech-free-hearing");
        t.setDaemon(true);
        return t;
    });
    /** One utterance at a time on the one decoder (push-to-talk, the microphone and a file may overlap). */
    private final java.util.concurrent.Semaphore turn = new java.util.concurrent.Semaphore(1, true);
    private volatile CorrectionParser parser;
    private volatile SpeechGrammar grammar;
    private volatile String grammarVersion;

    private SpokenCorrections(Supplier<CorrectionParser> parsers, OperatorInbox inbox, PronouncingDictionary dictionary) {
        this.parsers = parsers;
        this.inbox = inbox;
        this.dictionary = dictionary;
        this.minFramesPerPhone = Double.parseDouble(System.getProperty("embody.speech.min-fpp", Double.toString(MIN_FRAMES_PER_PHONE)));
        this.maxFramesPerPhone = Double.parseDouble(System.getProperty("embody.speech.max-fpp", Double.toString(MAX_FRAMES_PER_PHONE)));
        this.maxFramesBase = Double.parseDouble(System.getProperty("embody.speech.max-frames-base", Double.toString(MAX_FRAMES_BASE)));
        this.minScorePerFrame = Double.parseDouble(System.getProperty("embody.speech.min-score", Double.toString(MIN_SCORE_PER_FRAME)));
        this.parser = parsers.get();
        SkillLibrary lib = parser.library();
        this.grammar = SpeechGrammar.of(lib, dictionary);
        this.grammarVersion = lib.version();
        this.sphinx = PocketSphinx.open(grammar.jsgf(), dictionary.entries(grammar.vocabulary()));
        PocketSphinx free;
        try {
            free = PocketSphinx.openGeneral();
        } catch (RuntimeException e) {
            sphinx.close();
            throw e;
        }
        this.general = free;
        log.info("speech: pocketsphinx in process, en-us model, grammar of {} sentences ({} left out: words not in the dictionary)",
                grammar.sentences(), grammar.skipped().size());
    }

    /** Opens the recogniser, or says why it cannot (empty with the reason logged). */
    public static Optional<SpokenCorrections> open(Supplier<CorrectionParser> library, OperatorInbox inbox) {
        String why = PocketSphinx.unavailableReason();
        if (why != null) {
            log.warn("speech: unavailable: {}", why);
            return Optional.empty();
        }
        try {
            var dict = PronouncingDictionary.load(PocketSphinx.MODEL.resolve("cmudict-en-us.dict"));
            return Optional.of(new SpokenCorrections(library, inbox, dict));
        } catch (IOException | RuntimeException e) {
            log.warn("speech: unavailable: {}", e.toString());
            return Optional.empty();
        }
    }

    public SpeechGrammar grammar() {
        return grammar;
    }

    public Heard hear(byte[] wav, String channel) {
        return hear(wav, channel, i -> true);
    }

    /**
     * Hears a WAV on a channel with a limit: {@code admits} is asked, once it is understood, whether it may reach the
     * loop (the console's {@link CorrectionRate}); it is asked only for what would be applied.
     */
    public Heard hear(byte[] wav, String channel, java.util.function.Predicate<Intervention> admits) {
        short[] samples;
        try {
            samples = SpeechAudio.fromWav(wav);
        } catch (IllegalArgumentException e) {
            Understanding u = new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, "", "bad audio: " + e.getMessage(), 0);
            return new Heard("", 0, u, false, "bad audio: " + e.getMessage(), 0, 0);
        }
        return hear(samples, channel, admits);
    }

    /** Recognises, understands and (when it is a correction heard clearly) applies one utterance, all in hand. */
    public Heard hear(short[] samples, String channel) {
        return hear(samples, channel, i -> true);
    }

    public Heard hear(short[] samples, String channel, java.util.function.Predicate<Intervention> admits) {
        Utterance u = listen(channel, admits);
        for (int off = 0; off < samples.length; off += SLICE) {
            int n = Math.min(SLICE, samples.length - off);
            u.feed(off == 0 && n == samples.length ? samples : java.util.Arrays.copyOfRange(samples, off, off + n), n);
        }
        return u.end();
    }

    /**
     * Starts hearing an utterance whose audio is {@link Utterance#feed fed} as it arrives (the microphone): the decoder
     * searches each slice at once, so when the speaker stops only the final search is left. Waits while another
     * utterance is being heard; {@link Utterance#end} must follow.
     */
    public Utterance listen(String channel) {
        return listen(channel, i -> true);
    }

    private Utterance listen(String channel, java.util.function.Predicate<Intervention> admits) {
        turn.acquireUninterruptibly();
        try {
            refreshGrammar();
            sphinx.start();
            general.start();
        } catch (RuntimeException e) {
            turn.release();
            throw e;
        }
        return new Utterance(channel, admits);
    }

    /** An utterance being heard: its samples so far, searched as they came. */
    public final class Utterance {
        private final String channel;
        private final java.util.function.Predicate<Intervention> admits;
        private short[] samples = new short[SpeechAudio.RATE * 2];
        private int n;
        private long searchNanos;
        private boolean ended;
        /** More audio came than a correction takes (a microphone left open): the rest is not searched, and nothing is applied. */
        private boolean overlong;

        private Utterance(String channel, java.util.function.Predicate<Intervention> admits) {
            this.channel = channel;
            this.admits = admits;
        }

        /** The next {@code count} samples (16 kHz mono). */
        public void feed(short[] chunk, int count) {
            if (ended) {
                throw new IllegalStateException("the utterance has ended");
            }
            if (overlong || n + (long) count > SpeechAudio.MAX_SECONDS * SpeechAudio.RATE) {
                overlong = true;
                return;
            }
            if (n + count > samples.length) {
                samples = java.util.Arrays.copyOf(samples, Math.max(samples.length * 2, n + count));
            }
            System.arraycopy(chunk, 0, samples, n, count);
            n += count;
            long t0 = System.nanoTime();
            beside(() -> {
                general.feed(chunk, count);
                return null;
            }, () -> {
                sphinx.feed(chunk, count);
                return null;
            });
            searchNanos += System.nanoTime() - t0;
        }

        /** Seconds of audio heard so far. */
        public double seconds() {
            return n / (double) SpeechAudio.RATE;
        }

        /** Time the decoder spent on the slices as they came (before the end). */
        public long searchNanos() {
            return searchNanos;
        }

        /** The speaker stopped: finishes the search, then understands and (when heard clearly) applies what was said. */
        public Heard end() {
            if (ended) {
                throw new IllegalStateException("the utterance has ended");
            }
            ended = true;
            try {
                long t0 = System.nanoTime();
                PocketSphinx.Hypothesis[] both = new PocketSphinx.Hypothesis[2];
                both[1] = beside(general::end, () -> both[0] = sphinx.end());
                PocketSphinx.Hypothesis h = both[0];
                PocketSphinx.Hypothesis free = both[1];
                long decodeMs = (System.nanoTime() - t0 + searchNanos) / 1_000_000;
                if (overlong) {
                    String why = String.format(java.util.Locale.ROOT, "bad audio: too long: more than %.0f s of audio (a spoken correction is at most %.0f s)",
                            SpeechAudio.MAX_SECONDS, SpeechAudio.MAX_SECONDS);
                    return notApplied(h.text(), 0, decodeMs, why);
                }
                return judge(h, free.text(), java.util.Arrays.copyOf(samples, n), channel, admits, decodeMs);
            } finally {
                turn.release();
            }
        }
    }

    private Heard judge(PocketSphinx.Hypothesis h, String free, short[] samples, String channel, java.util.function.Predicate<Intervention> admits, long decodeMs) {
        Heard heard = judgeOnly(h, free, samples, channel, admits, decodeMs);
        return new Heard(heard.text(), heard.score(), heard.understanding(), heard.applied(), heard.why(), heard.decodeMillis(),
                heard.appliedAtNanos(), h.frames() == 0 ? 0 : h.scorePerFrame(), free);
    }

    private Heard judgeOnly(PocketSphinx.Hypothesis h, String free, short[] samples, String channel, java.util.function.Predicate<Intervention> admits, long decodeMs) {
        String text = h.text();
        Understanding freely = parser.parse(free);
        // the free hearing's stop must be a stop word as written ("shop close" read with typo tolerance was a stop)
        boolean freeStop = freely.kind() == Understanding.Kind.STOP && CorrectionParser.namesStopExactly(free);
        if (text.isEmpty() || !grammar.isCorrection(text)) {
            return freeStop ? apply(free, 0, freely, channel, admits, decodeMs, " (heard freely)")
                    : notApplied(text, 0, decodeMs, "heard nothing that sounds like a correction");
        }
        // the grammar can only answer with one of its sentences: a long stretch of talk squeezed onto a short command
        // (or the reverse) is not that command. Compare how long the speech lasted with how many sounds the sentence has,
        // and how well the sentence matches the sound at all.
        int frames = voicedFrames(samples);
        int phones = phones(text);
        double perPhone = frames / (double) phones;
        double longest = maxFramesBase + maxFramesPerPhone * phones;
        Understanding u = parser.parse(text);
        // stop always wins: a stop the free hearing is sure of stops whatever the grammar made of the sound
        if (freeStop && u.kind() != Understanding.Kind.STOP) {
            return apply(free, perPhone, freely, channel, admits, decodeMs, " (heard freely; the grammar heard '" + text + "')");
        }
        if (!u.understood()) {
            return new Heard(text, perPhone, u, false, "recognised '" + text + "' but it was not understood: " + u.explanation(), decodeMs, 0);
        }
        boolean fits = perPhone >= minFramesPerPhone && frames <= longest;
        // a stop heard by the grammar must be confident too (it fits the speech, below), else any talk squeezed onto
        // "stop" would stop the agent; the free hearing's "stop" above needs no grammar
        if (!fits) {
            return taken(text, perPhone, u, decodeMs, String.format(java.util.Locale.ROOT,
                    "heard '%s', but the speech was too %s for it (%d frames of speech for its %d sounds, expected %.0f-%.0f): taken as talk, not a correction",
                    text, frames > longest ? "long" : "short", frames, phones, minFramesPerPhone * phones, longest));
        }
        // fillers give talk more ways to fit a command ("I think ... for me"): a sentence heard with one must fit better
        boolean filler = !grammar.withoutFillers(text).equals(SpeechGrammar.clean(text));
        double floor = filler ? minScorePerFrame + FILLER_SCORE_MARGIN : minScorePerFrame;
        if (h.scorePerFrame() < floor) {
            return taken(text, perPhone, u, decodeMs, String.format(java.util.Locale.ROOT,
                    "heard '%s', but it sounded little like it (acoustic score %.0f a frame, at least %.0f expected%s): taken as talk, not a correction",
                    text, h.scorePerFrame(), floor, filler ? " with a filler" : ""));
        }
        // what moves or changes the agent must be what the free hearing's words say too: same skill, direction, amount
        if (u.kind() != Understanding.Kind.STOP && !(freely.understood() && freely.meaning().equals(u.meaning()))) {
            return taken(text, perPhone, u, decodeMs, String.format(java.util.Locale.ROOT,
                    "heard '%s', but heard freely the words were '%s' (%s): not sure, not applied; say it again, or type it",
                    text, free, freely.understood() ? freely.meaning() : "no command"));
        }
        return apply(text, perPhone, u, channel, admits, decodeMs, "");
    }

    private Heard apply(String text, double perPhone, Understanding u, String channel, java.util.function.Predicate<Intervention> admits, long decodeMs, String how) {
        Optional<Intervention> i = u.toIntervention(channel);
        if (i.isEmpty()) {
            return new Heard(text, perPhone, u, false, "nothing to apply", decodeMs, 0);
        }
        if (!admits.test(i.get())) {
            return taken(text, perPhone, u, decodeMs, "heard '" + text + "', but too many corrections came on " + channel + ": not applied");
        }
        inbox.submit(i.get());
        long at = System.nanoTime();
        log.info("speech ({}): '{}' -> {}{}", channel, text, u.explanation(), how);
        return new Heard(text, perPhone, u, true, "applied: " + u.explanation() + how, decodeMs, at);
    }

    private int phones(String sentence) {
        int n = 0;
        for (String w : SpeechGrammar.clean(sentence).split(" ")) {
            n += dictionary.phones(w);
        }
        return Math.max(1, n);
    }

    /** 10 ms frames from the first to the last loud one (loud: above 6% of the loudest frame, and above a floor). */
    static int voicedFrames(short[] samples) {
        int frames = samples.length / 160;
        double[] rms = new double[frames];
        double max = 0;
        for (int f = 0; f < frames; f++) {
            double e = 0;
            for (int k = f * 160; k < (f + 1) * 160; k++) {
                e += samples[k] * (double) samples[k];
            }
            rms[f] = Math.sqrt(e / 160);
            max = Math.max(max, rms[f]);
        }
        double threshold = Math.max(0.06 * max, 80);
        int first = -1, last = -1;
        for (int f = 0; f < frames; f++) {
            if (rms[f] > threshold) {
                if (first < 0) {
                    first = f;
                }
                last = f;
            }
        }
        return first < 0 ? 0 : last - first + 1;
    }

    /** Understood, but taken as talk: reported with what it would have meant, never applied. */
    private Heard taken(String text, double perPhone, Understanding u, long decodeMs, String why) {
        log.info("speech: '{}' not applied: {}", text, why);
        return new Heard(text, perPhone, u, false, why, decodeMs, 0);
    }

    private Heard notApplied(String text, double spf, long decodeMs, String why) {
        Understanding u = new Understanding(Understanding.Kind.NOT_UNDERSTOOD, null, null, text, why, 0);
        log.info("speech: '{}' not applied: {}", text, why);
        return new Heard(text, spf, u, false, why, decodeMs, 0);
    }

    /** New skills mean new sentences: the grammar is regenerated when the library's version changes. */
    private void refreshGrammar() {
        CorrectionParser now = parsers.get();
        SkillLibrary lib = now.library();
        if (!lib.version().equals(grammarVersion)) {
            SpeechGrammar g = SpeechGrammar.of(lib, dictionary);
            for (String w : g.vocabulary()) {
                if (!grammar.vocabulary().contains(w)) {
                    sphinx.addWord(w, dictionary.pronounce(w).get(0));
                }
            }
            sphinx.grammar(g.jsgf());
            grammar = g;
            parser = now;
            grammarVersion = lib.version();
            log.info("speech: skills changed, grammar regenerated ({} sentences)", g.sentences());
        }
    }

    /** Runs {@code free} on the free hearing's thread while {@code here} runs on this one; returns the free one's result. */
    private <T> T beside(java.util.concurrent.Callable<T> free, java.util.concurrent.Callable<?> here) {
        java.util.concurrent.Future<T> f = freeHearing.submit(free);
        Throwable failed = null;
        try {
            here.call();
        } catch (Exception e) {
            failed = e;
        }
        T result = null;
        try {
            result = f.get(); // either way: the turn is not given up while the other decoder still searches
        } catch (java.util.concurrent.ExecutionException e) {
            failed = failed != null ? failed : e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = failed != null ? failed : e;
        }
        if (failed != null) {
            throw failed instanceof RuntimeException r ? r : new IllegalStateException("hearing failed: " + failed, failed);
        }
        return result;
    }

    @Override
    public void close() {
        freeHearing.shutdown();
        try {
            freeHearing.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sphinx.close();
        general.close();
    }
}
