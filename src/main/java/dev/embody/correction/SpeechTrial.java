package dev.embody.correction;

import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A spoken-correction trial on real audio: sentences said by espeak-ng in several voices, resampled to 16 kHz by sox,
 * recognised and understood; scored against what the same sentence means when typed. Used by the speech test and by
 * {@code ./run bench speech}.
 */
public final class SpeechTrial {

    /** What operators say: 40 corrections across the skills' phrases, values and the stop vocabulary. */
    public static final List<String> CORRECTIONS = List.of("go left", "go right", "go up", "go down", "move left", "move right",
            "move up", "move down", "turn left", "turn right", "head north", "head south", "head east", "head west",
            "a bit more to the left", "a bit more to the right", "a little to the left", "a lot to the right", "a lot to the left",
            "slightly up", "slightly down", "go a bit left", "move a lot right", "nudge right", "nudge up", "go to the left",
            "go to the right", "stop", "stop moving", "stand still", "halt", "wait", "hang on", "wait a while", "left", "right",
            "up", "down", "hold still", "far right");

    /** What people say around an operator that is not a correction. */
    public static final List<String> CHATTER = List.of("what a lovely day it is today", "I think we should have lunch soon",
            "the meeting is at three", "can you send me the report", "my sister bought a new car",
            "please close the window when you leave", "did you watch the game last night", "the coffee machine is broken again",
            "we need more paper for the printer", "how was your weekend");

    /** US English voices of espeak-ng (a male, a female variant, New York City). */
    public static final List<String> US_VOICES = List.of("en-us", "en-us+f3", "en-us-nyc");

    /**
     * One utterance's result: what was said, what it means typed, what was heard and applied, and how long it took.
     *
     * @param latencyNanos from the end of the utterance (its last slice of audio fed) to the command in the inbox
     * @param searchNanos  decoder time on the slices while they came, before the end
     * @param seconds      length of the audio
     * @param free         what the general English model heard
     */
    public record Result(String voice, String said, String intended, boolean correction, String heard, String understoodAs,
                         boolean applied, long latencyNanos, long searchNanos, double seconds, String why, double match,
                         double framesPerPhone, String free) {
        public boolean right() {
            return correction ? applied && Objects.equals(intended, understoodAs) : !applied;
        }

        /** Applied, and not what was meant (or talk applied): the outcome that must not happen. */
        public boolean appliedWrong() {
            return applied && !right();
        }

        /**
         * Applied, and it moves the agent another way than meant: another direction, or a direction where none was meant
         * (a stop, a wait or talk heard as a move).
         */
        public boolean wrongDirection() {
            String applied = argument(understoodAs, "direction");
            return appliedWrong() && applied != null && !applied.equals(argument(intended, "direction"));
        }

        /** Applied with the meant skill and direction, and another amount (or duration). */
        public boolean wrongAmount() {
            return appliedWrong() && !wrongDirection() && skill(understoodAs) != null && Objects.equals(skill(understoodAs), skill(intended));
        }

        private static String argument(String meaning, String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("[(,] ?" + name + "=([^,)]+)").matcher(meaning);
            return m.find() ? m.group(1) : null;
        }

        private static String skill(String meaning) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^COMMAND ([a-z0-9_]+)").matcher(meaning);
            return m.find() ? m.group(1) : null;
        }
    }

    /**
     * How many of {@code n} came out right, with the 95% Wilson score interval (sound for small n and rates near 1).
     */
    public record Score(long right, long n) {
        public static Score of(List<Result> results) {
            return new Score(results.stream().filter(Result::right).count(), results.size());
        }

        /** How many of {@code results} are {@code which}: a count, not necessarily a good outcome. */
        public static Score of(List<Result> results, java.util.function.Predicate<Result> which) {
            return new Score(results.stream().filter(which).count(), results.size());
        }

        public double rate() {
            return n == 0 ? Double.NaN : right / (double) n;
        }

        public double low() {
            return wilson()[0];
        }

        public double high() {
            return wilson()[1];
        }

        private double[] wilson() {
            if (n == 0) {
                return new double[]{Double.NaN, Double.NaN};
            }
            double z = 1.959964, p = rate(), z2 = z * z / n;
            double centre = (p + z2 / 2) / (1 + z2);
            double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z2);
            return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d/%d = %.2f (95%% CI %.2f-%.2f)", right, n, rate(), low(), high());
        }
    }

    private SpeechTrial() {
    }

    /** Synthesises every (sentence, voice) WAV under {@code dir} in parallel; returns them in the same order. */
    public static List<Path> synthesise(List<String> sentences, List<String> voices, Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> jobs = new ArrayList<>();
            int n = 0;
            for (String v : voices) {
                for (String s : sentences) {
                    int k = n++;
                    jobs.add(pool.submit(() -> say(s, v, dir, k)));
                }
            }
            List<Path> out = new ArrayList<>();
            for (Future<Path> f : jobs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The 16 kHz WAV of {@code text} in {@code voice}: espeak-ng, then sox. */
    public static Path say(String text, String voice, Path dir, int n) throws IOException, InterruptedException {
        String tag = n + "-" + voice.replaceAll("[^a-z0-9]", "_");
        Path raw = dir.resolve(tag + "-raw.wav");
        Path wav = dir.resolve(tag + ".wav");
        run(List.of("espeak-ng", "-v", voice, "-w", raw.toString(), text));
        // -D: no dither, so the same sentence and voice give the same audio on every run
        run(List.of("sox", "-D", raw.toString(), "-r", "16000", "-c", "1", "-b", "16", wav.toString()));
        Files.delete(raw);
        return wav;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /**
     * Hears each file in turn and scores it. The audio is fed in 100 ms slices as a microphone delivers it, each searched
     * as it comes; the clock starts when the last slice is in (the speaker stopped) and stops when the command reaches the
     * inbox. The decoder keeps up with the audio when searchNanos is well under the audio's length.
     */
    public static List<Result> run(SkillLibrary library, List<String> sentences, boolean corrections, List<String> voices, List<Path> wavs)
            throws IOException {
        CorrectionParser parser = new CorrectionParser(library);
        List<SpeechSet.Sample> samples = sentences.stream().map(s -> new SpeechSet.Sample(
                corrections ? describe(parser.parse(s)) : SpeechSet.Sample.TALK, s)).toList();
        return run(library, samples, voices, wavs);
    }

    /** Every sample in every voice, in the order {@link #synthesise} made {@code wavs}: each scored against its meaning. */
    public static List<Result> run(SkillLibrary library, List<SpeechSet.Sample> samples, List<String> voices, List<Path> wavs)
            throws IOException {
        List<Result> out = new ArrayList<>();
        OperatorInbox inbox = new OperatorInbox();
        CorrectionParser parser = new CorrectionParser(library);
        try (SpokenCorrections speech = SpokenCorrections.open(() -> parser, inbox)
                .orElseThrow(() -> new IllegalStateException("speech recognition is unavailable: " + PocketSphinx.unavailableReason()))) {
            int n = 0;
            for (String v : voices) {
                for (SpeechSet.Sample s : samples) {
                    short[] audio = SpeechAudio.fromWav(Files.readAllBytes(wavs.get(n++)));
                    SpokenCorrections.Utterance u = speech.listen("speech");
                    for (int off = 0; off < audio.length; off += SpokenCorrections.SLICE) {
                        int k = Math.min(SpokenCorrections.SLICE, audio.length - off);
                        u.feed(java.util.Arrays.copyOfRange(audio, off, off + k), k);
                    }
                    long t0 = System.nanoTime(); // the speaker stopped: the last slice is in
                    SpokenCorrections.Heard h = u.end();
                    long latency = h.applied() ? h.appliedAtNanos() - t0 : System.nanoTime() - t0;
                    inbox.drain();
                    out.add(new Result(v, s.sentence(), s.meaning(), s.correction(), h.text(), describe(h.understanding()), h.applied(), latency,
                            u.searchNanos(), u.seconds(), h.why(), h.match(), h.score(), h.free()));
                }
            }
        }
        return out;
    }

    /** A meaning as {@link SpeechSet.Sample} writes it: "COMMAND move(direction=left, amount=small)", "STOP", ... */
    static String describe(Understanding u) {
        return u.meaning();
    }
}
