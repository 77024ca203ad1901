package dev.embody.profile;

import dev.embody.correction.StickMapping;
import dev.embody.file.BadFileException;
import dev.embody.loop.Goal;
import dev.embody.loop.Modules;
import dev.embody.loop.Target;
import dev.embody.planning.VlmPolicy;
import dev.embody.planning.WithModelNotes;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.VlmTaskInference;
import dev.embody.vlm.VlmSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelBackedProfileTest {

    @TempDir
    Path dir;

    ModuleChoice choice(Set<String> modules, boolean waits, Path prompts) {
        // nothing listens there: building modules asks nothing
        return new ModuleChoice(modules, VlmSettings.of(URI.create("http://127.0.0.1:9/v1"), "m", dir.resolve("vlm")).withWait(waits), prompts, false, 0.6);
    }

    @Test
    void itAnswersEveryMethodOfProfileItselfSoNothingFallsToADefault() {
        // a method Profile gains must be delegated here, or the model-backed profile would silently use the default
        List<String> missing = Arrays.stream(Profile.class.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> {
                    try {
                        Method own = ModelBackedProfile.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                        return own.getDeclaringClass() != ModelBackedProfile.class;
                    } catch (NoSuchMethodException e) {
                        return true;
                    }
                }).map(Method::getName).toList();
        assertThat(missing).isEmpty();
    }

    @Test
    void theChosenModulesAreTheModelsInFrontOfTheProfilesOwn() throws Exception {
        try (Profile p = Profiles.choose(SimGameProfile.standard(), choice(Set.of("plan", "task"), false, Path.of("prompts")))) {
            SkillLibrary library = p.skills();
            try (Modules m = p.modules(library)) {
                assertThat(m.tasks()).isInstanceOf(VlmTaskInference.class);
                assertThat(m.policy()).isInstanceOf(WithModelNotes.class);
                assertThat(((WithModelNotes) m.policy()).inner()).isInstanceOf(VlmPolicy.class);
                assertThat(m.names()).containsEntry("gathering", "GameSceneParser").containsEntry("tasks", "VlmTaskInference")
                        .containsEntry("policy", "vlm (m, else scene-planner)");
            }
            assertThat(p.describe()).containsEntry("name", "sim-game");
            @SuppressWarnings("unchecked") Map<String, Object> modules = (Map<String, Object>) p.describe().get("modules");
            assertThat(modules).containsEntry("plan", "vlm").containsEntry("task", "vlm").containsEntry("gathering", "local");
            p.checkGoal(new Goal("build a castle"), library); // a model reads any goal
        }
        try (Profile plain = Profiles.choose(SimGameProfile.standard(), ModuleChoice.local())) {
            assertThat(plain).isInstanceOf(SimGameProfile.class);
        }
    }

    @Test
    void waitingIsRefusedWhereTheTargetGoesOnWhileTheModelThinks() {
        Profile running = new Profile() {
            public String name() { return "clock"; }
            public Path skillsDir() { return Path.of("skills/sim-game"); }
            public Modules modules(SkillLibrary library) { return SimGameProfile.standard().modules(library); }
            public Target open(EpisodeSpec spec) { throw new UnsupportedOperationException(); }
            public Goal defaultGoal() { return new Goal("collect all coins"); }
            public StickMapping stick(SkillLibrary library) { return null; }
            public Map<String, Object> describe() { return Map.of(); }
        };
        assertThatThrownBy(() -> Profiles.choose(running, choice(Set.of("plan"), true, Path.of("prompts"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--vlm-wait: the clock profile's target goes on while a model thinks and declares no way to hold it still; "
                        + "let the model answer beside the loop (leave out --vlm-wait)");
        assertThat(SimGameProfile.standard().stillWhileThinking()).isPresent();
    }

    @Test
    void aMissingPromptOrAnUnknownSlotIsABadFileNamingFileAndLine() throws Exception {
        Path prompts = dir.resolve("prompts");
        Files.createDirectories(prompts);
        assertThatThrownBy(() -> Profiles.choose(SimGameProfile.standard(), choice(Set.of("plan"), false, prompts)))
                .isInstanceOf(BadFileException.class).hasMessageContaining(prompts.resolve("plan.md").toString()).hasMessageContaining("no prompt for the plan module");
        Files.writeString(prompts.resolve("plan.md"), "Goal: {{goal}}\nCommands: {{comands}}\n");
        assertThatThrownBy(() -> Profiles.choose(SimGameProfile.standard(), choice(Set.of("plan"), false, prompts)))
                .isInstanceOf(BadFileException.class).hasMessageStartingWith(prompts.resolve("plan.md") + ":2: unknown slot {{comands}}");
    }

    @Test
    void theChoiceIsReadFromTheCommandLinesWords() {
        assertThat(ModuleChoice.parse("plan=vlm,task=vlm")).containsExactlyInAnyOrder("plan", "task");
        assertThat(ModuleChoice.parse("policy=vlm, gather=vlm, reflection=local")).containsExactlyInAnyOrder("plan", "gathering");
        assertThatThrownBy(() -> ModuleChoice.parse("plan=gpt")).hasMessage("--modules plan: the implementation must be one of local, vlm, got 'gpt'");
        assertThatThrownBy(() -> ModuleChoice.parse("memory=vlm")).hasMessage("--modules: no module 'memory' (expected one of gathering, reflection, task, curation, plan)");
        assertThatThrownBy(() -> ModuleChoice.parse("plan")).hasMessageContaining("MODULE=IMPLEMENTATION pairs");
        assertThatThrownBy(() -> ModuleChoice.parse("plan=vlm,policy=local")).hasMessage("--modules names plan twice");
    }
}
