package dev.embody.cli;

import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The checkpoint --policy names (learned: the one in use; or a version such as v0003), its policy grown to the skills. */
record ChosenCheckpoint(Checkpoint checkpoint, LearnedPolicy policy) {

    /**
     * Loads it from {@code store}; {@code choice} is "learned" or a version already checked to be one. None there is
     * refused (exit 2) naming the folder and {@code howToTrain}; one that does not load is a bad file (exit 3).
     */
    static ChosenCheckpoint load(CommandSpec spec, Profile profile, Checkpoints store, String choice, SkillLibrary library,
                                 String howToTrain) throws Exception {
        Checkpoint c;
        LearnedPolicy p;
        if ("learned".equals(choice)) {
            // the checkpoint in use, or the newest that loads; none that loads is a bad file (exit 3)
            Checkpoints.Loaded in = profile.loadInUse(store).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--policy learned: no checkpoint under " + store.root() + " (train one with " + howToTrain + ")"));
            c = in.checkpoint();
            p = in.policy();
        } else {
            c = store.find(choice).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--policy " + choice + ": no checkpoint " + Checkpoints.normalise(choice) + " under " + store.root()));
            p = profile.load(store, c);
        }
        return new ChosenCheckpoint(c, p.commands().equals(LearnedPolicy.names(library)) ? p : p.grownTo(library));
    }
}
