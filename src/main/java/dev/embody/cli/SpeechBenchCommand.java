package dev.embody.cli;

import dev.embody.correction.SpeechTrial;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "speech", mixinStandardHelpOptions = true,
        description = "Spoken corrections on real audio (espeak-ng voices, sox to 16 kHz, PocketSphinx): accuracy, talk rejected, "
                + "and the time from the end of an utterance to the applied command.")
final class SpeechBenchCommand implements Callable<Integer> {

    @Option(names = "--voices", split = ",", defaultValue = "en-us,en-us+f3,en-us-nyc,en-gb",
            description = "espeak-ng voices (default: ${DEFAULT-VALUE}).")
    List<String> voices;
    @Option(names = "--skills", defaultValue = "skills/sim-game", description = "Skills folder (default: ${DEFAULT-VALUE}).")
    Path skills;

    @Override
    public Integer call() throws Exception {
        SkillLibrary library = SkillLibrary.load(skills);
        Path dir = Files.createTempDirectory("embody-speech-bench");
        System.out.printf("synthesising %d corrections x %d voices and %d sentences of talk ...%n", SpeechTrial.CORRECTIONS.size(), voices.size(),
                SpeechTrial.CHATTER.size());
        List<Path> wavs = SpeechTrial.synthesise(SpeechTrial.CORRECTIONS, voices, dir);
        List<SpeechTrial.Result> results = SpeechTrial.run(library, SpeechTrial.CORRECTIONS, true, voices, wavs);
        List<Long> applied = new ArrayList<>();
        for (String v : voices) {
            List<SpeechTrial.Result> rv = results.stream().filter(r -> r.voice().equals(v)).toList();
            long right = rv.stream().filter(SpeechTrial.Result::right).count();
            System.out.printf(Locale.ROOT, "voice %-10s understood as intended: %d/%d (%.2f)%n", v, right, rv.size(), right / (double) rv.size());
        }
        results.stream().filter(SpeechTrial.Result::applied).forEach(r -> applied.add(r.latencyNanos()));
        List<SpeechTrial.Result> us = results.stream().filter(r -> SpeechTrial.US_VOICES.contains(r.voice())).toList();
        long usRight = us.stream().filter(SpeechTrial.Result::right).count();
        List<Path> talk = SpeechTrial.synthesise(SpeechTrial.CHATTER, List.of("en-us"), dir);
        List<SpeechTrial.Result> chatter = SpeechTrial.run(library, SpeechTrial.CHATTER, false, List.of("en-us"), talk);
        long rejected = chatter.stream().filter(r -> !r.applied()).count();
        applied.sort(Long::compare);
        double p50 = applied.isEmpty() ? Double.NaN : applied.get(applied.size() / 2) / 1e6;
        double p90 = applied.isEmpty() ? Double.NaN : applied.get((int) Math.min(applied.size() - 1, Math.round(applied.size() * 0.9))) / 1e6;
        double max = applied.isEmpty() ? Double.NaN : applied.get(applied.size() - 1) / 1e6;
        System.out.printf(Locale.ROOT, "speech: us_accuracy=%.2f (%d/%d) all_accuracy=%.2f talk_rejected=%d/%d end_of_utterance_to_applied_ms p50=%.0f p90=%.0f max=%.0f (goal < 300) cpus=%d%n",
                usRight / (double) us.size(), usRight, us.size(), results.stream().filter(SpeechTrial.Result::right).count() / (double) results.size(),
                rejected, chatter.size(), p50, p90, max, Runtime.getRuntime().availableProcessors());
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
        return Main.OK;
    }
}
