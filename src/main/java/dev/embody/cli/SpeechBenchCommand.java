package dev.embody.cli;

import dev.embody.correction.SpeechTrial;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "speech", mixinStandardHelpOptions = true,
        description = "Spoken corrections on real audio (espeak-ng voices, sox to 16 kHz, PocketSphinx): accuracy, talk rejected, "
                + "and the time from the end of an utterance to the applied command.")
final class SpeechBenchCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--voices", split = ",", defaultValue = "en-us,en-us+f3,en-us-nyc,en-gb",
            description = "espeak-ng voices (default: ${DEFAULT-VALUE}).")
    List<String> voices;
    @Option(names = "--skills", defaultValue = "skills/sim-game", description = "Skills folder (default: ${DEFAULT-VALUE}).")
    Path skills;

    @Override
    public Integer call() throws Exception {
        for (String v : voices) {
            if (!v.matches("[A-Za-z0-9_+-]+")) {
                throw Options.of(spec).refused("--voices must name espeak-ng voices such as en-us, got '" + v + "'");
            }
        }
        SkillLibrary library = SkillLibrary.load(skills);
        Path dir = Files.createTempDirectory("embody-speech-bench");
        System.out.printf("synthesising %d corrections x %d voices and %d sentences of talk ...%n", SpeechTrial.CORRECTIONS.size(), voices.size(),
                SpeechTrial.CHATTER.size());
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CORRECTIONS, voices, dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CORRECTIONS, true, voices, wavs);
        for (String v : voices) {
            List<SpeechTrial.Result> rv = results.stream().filter(r -> r.voice().equals(v)).toList();
            long right = rv.stream().filter(SpeechTrial.Result::right).count();
            System.out.printf(Locale.ROOT, "voice %-10s understood as intended: %d/%d (%.2f)%s%n", v, right, rv.size(), right / (double) rv.size(),
                    SpeechTrial.US_VOICES.contains(v) ? "" : "  (not a US voice)");
            rv.stream().filter(r -> !r.right()).forEach(r -> System.out.printf("  missed '%s': heard '%s' -> %s%s%n", r.said(), r.heard(),
                    r.understoodAs(), r.applied() ? "" : " (not applied)"));
        }
        List<SpeechTrial.Result> us = results.stream().filter(r -> SpeechTrial.US_VOICES.contains(r.voice())).toList();
        long usRight = us.stream().filter(SpeechTrial.Result::right).count();
        List<Path> talk = SpeechTrial.synthesise(SpeechTrial.CHATTER, List.of("en-us"), dir);
        List<SpeechTrial.Result> chatter = SpeechTrial.run(library, SpeechTrial.CHATTER, false, List.of("en-us"), talk);
        long rejected = chatter.stream().filter(r -> !r.applied()).count();
        chatter.stream().filter(SpeechTrial.Result::applied).forEach(r -> System.out.printf("  talk applied: '%s' heard as '%s'%n", r.said(), r.heard()));
        List<Long> applied = results.stream().filter(SpeechTrial.Result::applied).map(SpeechTrial.Result::latencyNanos).sorted().toList();
        double audio = results.stream().mapToDouble(SpeechTrial.Result::seconds).sum();
        double search = results.stream().mapToLong(SpeechTrial.Result::searchNanos).sum() / 1e9;
        System.out.printf(Locale.ROOT, "speech: us_accuracy=%.2f (%d/%d, %d voices) all_accuracy=%.2f talk_not_applied=%d/%d%n",
                usRight / (double) us.size(), usRight, us.size(), SpeechTrial.US_VOICES.size(),
                results.stream().filter(SpeechTrial.Result::right).count() / (double) results.size(), rejected, chatter.size());
        System.out.printf(Locale.ROOT, "speech: end_of_utterance_to_applied_ms p50=%.1f p95=%.1f max=%.1f (goal < 300; %d applied) "
                        + "search_while_speaking=%.3f x real time cpus=%d%n",
                percentile(applied, 0.50), percentile(applied, 0.95), percentile(applied, 1.0), applied.size(), search / audio,
                Runtime.getRuntime().availableProcessors());
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
        return Main.OK;
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.max(0, Math.ceil(p * sorted.size()) - 1); // nearest rank
        return sorted.get(i) / 1e6;
    }
}
