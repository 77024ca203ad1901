package dev.embody.testkit;

import dev.embody.profile.ModuleChoice;
import dev.embody.profile.SimGameProfile;
import dev.embody.bench.StandInVlm;
import dev.embody.skill.SkillLibrary;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.Prompts;
import dev.embody.vlm.SkillProposals;
import dev.embody.vlm.VlmClient;
import dev.embody.vlm.VlmSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The stand-in model server for tests (no model can be downloaded on these machines): it decodes the images the
 * client sends and answers from what it sees through the embedded game's own parser and planner. Sessions and module
 * choices pointed at it, with the project's prompts.
 */
public final class StandInModel implements AutoCloseable {

    public final StandInVlm server;
    public final SkillLibrary library;

    private StandInModel(StandInVlm server, SkillLibrary library) {
        this.server = server;
        this.library = library;
    }

    public static StandInModel start() throws Exception {
        SkillLibrary library = SimGameProfile.standard().skills();
        return new StandInModel(StandInVlm.start(library), library);
    }

    public VlmSettings settings(Path log, boolean waits) {
        return VlmSettings.of(server.endpoint(), "stand-in", log).withWait(waits).withRetries(1).withBackoff(Duration.ofMillis(20))
                .withTimeout(Duration.ofSeconds(20));
    }

    /** A session with every prompt of the project's prompts/ folder. */
    public ModelSession session(VlmSettings settings) throws Exception {
        return new ModelSession(new VlmClient(settings, v -> null), Prompts.load(Path.of("prompts"), Prompts.MODULES), new SkillProposals(false));
    }

    public ModuleChoice choice(VlmSettings settings, String... modules) {
        return new ModuleChoice(Set.of(modules), settings, Path.of("prompts"), false, 0.6);
    }

    @Override
    public void close() {
        server.close();
    }
}
