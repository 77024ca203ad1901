package dev.embody.cli;

import dev.embody.correction.SpeechSet;
import dev.embody.correction.SpeechTrial;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "speech", mixinStandardHelpOptions = true,
        description = "Spoken corrections on real audio (espeak-ng voices, sox to 16 kHz, PocketSphinx): accuracy on the tuned set and on "
                + "the held-out set (sentences and voices never used for tuning), talk rejected, and the time from the end of an "
                + "utterance to the applied command.")
final class SpeechBenchCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--voices", split = ",", defaultValue = "en-us,en-us+f3,en-us-nyc,en-gb",
            description = "espeak-ng voices for the tuned set (default: ${DEFAULT-VALUE}).")
    List<String> voices;
    @Option(names = "--skills", defaultValue = "skills/sim-game", description = "Skills folder (default: ${DEFAULT-VALUE}).")
    Path skills;
    @Option(names = "--tuned", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Say the tuned set (SpeechTrial's 40 corrections in --voices, 10 sentences of talk; default: on).")
    boolean tuned;
    @Option(names = "--tuning", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also say the tuning set of the two hearings' agreement (" + SpeechSet.TUNING + "; default: on).")
    boolean tuning;
    @Option(names = "--held-out", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also say the held-out set (" + SpeechSet.HELD_OUT + ", sentences and voices never used for tuning; default: on).")
    boolean heldOut;
    @Option(names = "--first-held-out", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also say the first held-out set (" + SpeechSet.FIRST_HELD_OUT + ", looked at since; default: off).")
    boolean firstHeldOut;
    @Option(names = "--dev", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also say the development set (" + SpeechSet.DEVELOPMENT + ", new phrasings in the tuned voices; default: on).")
    boolean development;
    @Option(names = "--results", paramLabel = "FILE", description = "Write every utterance's result as tab-separated lines.")
    Path resultsFile;
    @Option(names = "--misses", negatable = true, defaultValue = "true", fallbackValue = "true", description = "List every miss (default: on).")
    boolean misses;

    @Override
    public Integer call() throws Exception {
        for (String v : voices) {
            if (!v.matches("[A-Za-z0-9_+-]+")) {
                throw Options.of(spec).refused("--voices must name espeak-ng voices such as en-us, got '" + v + "'");
            }
        }
        SkillLibrary library = SkillLibrary.load(skills);
        Path dir = Files.createTempDirectory("embody-speech-bench");
        try {
            List<SpeechTrial.Result> all = new ArrayList<>();
            if (tuned) {
                all.addAll(tunedSet(library, dir));
            }
            if (development) {
                all.addAll(runSet(library, SpeechSet.development(), "development", "looked at while tuning", Files.createDirectory(dir.resolve("dev"))));
            }
            if (tuning) {
                all.addAll(runSet(library, SpeechSet.tuning(), "tuning", "the two hearings' agreement tuned on it", Files.createDirectory(dir.resolve("tuning"))));
            }
            if (firstHeldOut) {
                all.addAll(runSet(library, SpeechSet.firstHeldOut(), "first_held_out", "looked at since", Files.createDirectory(dir.resolve("first-held-out"))));
            }
            if (heldOut) {
                all.addAll(runSet(library, SpeechSet.heldOut(), "held_out", "never used for tuning", Files.createDirectory(dir.resolve("held-out"))));
            }
            if (resultsFile != null) {
                List<String> lines = new ArrayList<>(List.of("voice\tsaid\tmeant\theard\tunderstood_as\tapplied\tright\tseconds\tmatch\tframes_per_phone\theard_freely\twhy"));
                all.forEach(r -> lines.add(String.join("\t", r.voice(), r.said(), r.intended(), r.heard(), r.understoodAs(), Boolean.toString(r.applied()),
                        Boolean.toString(r.right()), String.format(Locale.ROOT, "%.2f", r.seconds()),
                        String.format(Locale.ROOT, "%.1f", r.match()), String.format(Locale.ROOT, "%.2f", r.framesPerPhone()), r.free(), r.why())));
                Files.write(resultsFile, lines);
            }
            List<Long> applied = all.stream().filter(SpeechTrial.Result::applied).map(SpeechTrial.Result::latencyNanos).sorted().toList();
            double audio = all.stream().mapToDouble(SpeechTrial.Result::seconds).sum();
            double search = all.stream().mapToLong(SpeechTrial.Result::searchNanos).sum() / 1e9;
            System.out.printf(Locale.ROOT, "speech: end_of_utterance_to_applied_ms p50=%.1f p95=%.1f max=%.1f (goal < 300; %d applied) "
                            + "search_while_speaking=%.3f x real time cpus=%d%n",
                    percentile(applied, 0.50), percentile(applied, 0.95), percentile(applied, 1.0), applied.size(), search / audio,
                    Runtime.getRuntime().availableProcessors());
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return Main.OK;
    }

    /** SpeechTrial's corrections in --voices and its talk in en-us. */
    private List<SpeechTrial.Result> tunedSet(SkillLibrary library, Path dir) throws Exception {
        System.out.printf("tuned set: %d corrections x %d voices and %d sentences of talk (en-us) ...%n", SpeechTrial.CORRECTIONS.size(),
                voices.size(), SpeechTrial.CHATTER.size());
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CORRECTIONS, voices, Files.createDirectory(dir.resolve("tuned")));
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CORRECTIONS, true, voices, wavs);
        for (String v : voices) {
            List<SpeechTrial.Result> rv = results.stream().filter(r -> r.voice().equals(v)).toList();
            System.out.printf(Locale.ROOT, "voice %-10s understood and applied right: %s%s%n", v, SpeechTrial.Score.of(rv),
                    SpeechTrial.US_VOICES.contains(v) ? "" : "  (not a US voice)");
            printMisses(rv);
        }
        List<SpeechTrial.Result> us = results.stream().filter(r -> SpeechTrial.US_VOICES.contains(r.voice())).toList();
        List<Path> talkWavs = SpeechTrial.synthesise(SpeechTrial.CHATTER, List.of("en-us"), Files.createDirectory(dir.resolve("talk")));
        List<SpeechTrial.Result> chatter = SpeechTrial.run(library, SpeechTrial.CHATTER, false, List.of("en-us"), talkWavs);
        printMisses(chatter);
        List<SpeechTrial.Result> all = new ArrayList<>(results);
        all.addAll(chatter);
        SpeechTrial.Score tunedTalk = SpeechTrial.Score.of(chatter);
        System.out.printf(Locale.ROOT, "tuned: corrections right %s in US voices, %s in all; applied wrong %d; talk not applied %s%n",
                SpeechTrial.Score.of(us), SpeechTrial.Score.of(results), results.stream().filter(SpeechTrial.Result::appliedWrong).count(), tunedTalk);
        System.out.printf(Locale.ROOT, "speech: us_accuracy=%.2f (%d/%d, %d voices) all_accuracy=%.2f talk_not_applied=%d/%d%n",
                SpeechTrial.Score.of(us).rate(), SpeechTrial.Score.of(us).right(), us.size(), SpeechTrial.US_VOICES.size(),
                SpeechTrial.Score.of(results).rate(), tunedTalk.right(), tunedTalk.n());
        return all;
    }

    /** Says a set's sentences in its voices and prints its figures: corrections right, applied wrong, talk not applied. */
    private List<SpeechTrial.Result> runSet(SkillLibrary library, SpeechSet set, String key, String note, Path dir) throws Exception {
        System.out.printf("%s set: %d corrections and %d sentences of talk x %d voices %s, %s ...%n", set.name(), set.corrections().size(),
                set.talk().size(), set.voices().size(), set.voices(), note);
        List<String> said = set.sentences().stream().map(SpeechSet.Sample::sentence).toList();
        List<Path> wavs = SpeechTrial.synthesise(said, set.voices(), dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, set.sentences(), set.voices(), wavs);
        List<SpeechTrial.Result> corrections = results.stream().filter(SpeechTrial.Result::correction).toList();
        List<SpeechTrial.Result> talk = results.stream().filter(r -> !r.correction()).toList();
        for (String v : set.voices()) {
            System.out.printf(Locale.ROOT, "voice %-10s %s corrections right: %s; talk not applied %s%n", v, set.name(),
                    SpeechTrial.Score.of(corrections.stream().filter(r -> r.voice().equals(v)).toList()),
                    SpeechTrial.Score.of(talk.stream().filter(r -> r.voice().equals(v)).toList()));
            printMisses(results.stream().filter(r -> r.voice().equals(v)).toList());
        }
        SpeechTrial.Score right = SpeechTrial.Score.of(corrections), quiet = SpeechTrial.Score.of(talk);
        SpeechTrial.Score refused = SpeechTrial.Score.of(corrections, r -> !r.applied());
        SpeechTrial.Score wrong = SpeechTrial.Score.of(corrections, SpeechTrial.Result::appliedWrong);
        SpeechTrial.Score direction = SpeechTrial.Score.of(corrections, SpeechTrial.Result::wrongDirection);
        SpeechTrial.Score amount = SpeechTrial.Score.of(corrections, SpeechTrial.Result::wrongAmount);
        SpeechTrial.Score other = SpeechTrial.Score.of(corrections, r -> r.appliedWrong() && !r.wrongDirection() && !r.wrongAmount());
        System.out.printf(Locale.ROOT, "%s: %d corrections, %d sentences of talk (95%% Wilson intervals)%n", set.name(), corrections.size(), talk.size());
        System.out.printf(Locale.ROOT, "  understood and applied right: %s%n", right);
        System.out.printf(Locale.ROOT, "  refused (asked to say it again): %s%n", refused);
        System.out.printf(Locale.ROOT, "  applied wrong: %s: wrong direction %s, wrong amount %s, other (stopped, waited) %s%n", wrong, direction, amount, other);
        System.out.printf(Locale.ROOT, "  talk rejected (not applied): %s%n", quiet);
        System.out.printf(Locale.ROOT, "speech: %s_right=%d/%d %s_refused=%d/%d %s_wrong_direction=%d/%d %s_wrong_amount=%d/%d %s_wrong_other=%d/%d "
                        + "%s_talk_rejected=%d/%d%n", key, right.right(), right.n(), key, refused.right(), refused.n(), key, direction.right(), direction.n(),
                key, amount.right(), amount.n(), key, other.right(), other.n(), key, quiet.right(), quiet.n());
        return results;
    }

    private void printMisses(List<SpeechTrial.Result> results) {
        if (!misses) {
            return;
        }
        results.stream().filter(r -> !r.right()).forEach(r -> System.out.printf("  %s '%s' (%s): heard '%s' (freely '%s') -> %s%n",
                r.appliedWrong() ? "APPLIED WRONG" : "missed", r.said(), r.intended(), r.heard(), r.free(), r.understoodAs() + (r.applied() ? "" : " (not applied)")));
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.max(0, Math.ceil(p * sorted.size()) - 1); // nearest rank
        return sorted.get(i) / 1e6;
    }
}
