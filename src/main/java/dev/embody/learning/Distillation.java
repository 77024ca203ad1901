package dev.embody.learning;

import dev.embody.loop.InformationGathering;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.InputSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's decisions distilled into the learned policy: the steps a vision-language model decided ({@code by: vlm})
 * in recorded episodes are demonstrations ({@link EpisodeExamples#DEMONSTRATORS}), read as {@code train} reads any
 * episode, and a fresh network is trained on them. Uses the learned policy only through its public API
 * (a profile's untrained policy, {@link Trainer#train}).
 */
public final class Distillation {

    private Distillation() {
    }

    /** Examples from every step a model (or a person, the oracle, an operator) taught in a folder of episodes. */
    public static EpisodeExamples.Collected examples(Path episodesDir, String profile, InformationGathering perception, InputSpec input) throws IOException {
        return EpisodeExamples.collect(episodesDir, profile, perception, input);
    }

    /**
     * A fresh policy trained on the examples.
     *
     * @param init the profile's untrained policy (the caller's to close)
     * @param bar  the progress bar's stream, or null for none
     */
    public static LearnedPolicy train(LearnedPolicy init, List<Example> examples, Trainer.Options options, long seed, String version, PrintStream bar) {
        Trainer.Result r = new Trainer(options.withSeed(seed), bar).train(init, examples);
        return new LearnedPolicy(r.net(), r.commands(), version, init.rules());
    }
}
