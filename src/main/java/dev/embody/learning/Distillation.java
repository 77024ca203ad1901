package dev.embody.learning;

import dev.embody.loop.InformationGathering;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A model's decisions distilled into the learned policy: the steps a vision-language model decided ({@code by: vlm})
 * in recorded episodes are demonstrations ({@link EpisodeExamples#DEMONSTRATORS}), read as {@code train} reads any
 * episode, and a fresh network is trained on them. Uses the learned policy only through its public API
 * ({@link Profile#untrained}, {@link Trainer#train}).
 */
public final class Distillation {

    private Distillation() {
    }

    /** Examples from every step a model (or a person, the oracle, an operator) taught in a folder of episodes. */
    public static EpisodeExamples.Collected examples(Path episodesDir, Profile profile, InformationGathering perception) throws IOException {
        return EpisodeExamples.collect(episodesDir, profile.name(), perception, profile.inputSpec());
    }

    /**
     * A fresh policy trained on the examples.
     *
     * @param bar the progress bar's stream, or null for none
     */
    public static LearnedPolicy train(Profile profile, SkillLibrary library, List<Example> examples, Trainer.Options options, long seed,
                                      String version, PrintStream bar) {
        try (LearnedPolicy init = profile.untrained(library, seed)) {
            Trainer.Result r = new Trainer(options.withSeed(seed), bar).train(init, examples);
            return new LearnedPolicy(r.net(), r.commands(), version, init.rules());
        }
    }
}
