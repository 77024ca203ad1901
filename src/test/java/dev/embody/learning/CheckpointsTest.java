package dev.embody.learning;

import dev.embody.profile.SimGameProfile;
import dev.embody.planning.LearnedPolicy;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointsTest {

    @TempDir
    Path dir;

    @Tag("slow")
    @Test
    void writesVersionedCheckpointsReadsThemBackAndRollsBack() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        List<Example> demo = LearningFixtures.demonstration(library, 5);
        Checkpoints store = Checkpoints.forTarget(dir, "sim-game");
        assertThat(store.current()).isEmpty();
        try (LearnedPolicy first = SimGameProfile.standard().untrained(library, 1)) {
            Checkpoint v1 = store.write(first, library.version(), null, Map.of("success_heldout", 0.25));
            store.use(v1.version());
            Trainer.Result r = new Trainer(new Trainer.Options(10, 16, 5e-3f, 15, 1), null).train(first, demo);
            try (LearnedPolicy second = new LearnedPolicy(r.net(), r.commands(), "x", first.rules())) {
                Checkpoint v2 = store.write(second, library.version(), v1.version(), Map.of("success_heldout", 0.5));
                store.use("2");

                assertThat(store.list()).extracting(Checkpoint::version).containsExactly("v0001", "v0002");
                assertThat(dir.resolve("sim-game/v0002/params.ndlist")).isRegularFile();
                assertThat(v2.parent()).isEqualTo("v0001");
                assertThat(v2.commands()).isEqualTo(LearnedPolicy.names(library));
                assertThat(v2.skillsVersion()).isEqualTo(library.version());
                assertThat(v2.metrics().get("success_heldout").asDouble()).isEqualTo(0.5);
                assertThat(store.current().orElseThrow().version()).isEqualTo("v0002");
                try (LearnedPolicy loaded = SimGameProfile.standard().load(store, store.current().orElseThrow())) {
                    assertThat(loaded.version()).isEqualTo("v0002");
                    assertThat(loaded.probabilities(demo.get(0).input())).containsExactly(second.probabilities(demo.get(0).input()));
                }

                store.use("v0001"); // rollback
                try (LearnedPolicy loaded = SimGameProfile.standard().load(store, store.current().orElseThrow())) {
                    assertThat(loaded.probabilities(demo.get(0).input())).containsExactly(first.probabilities(demo.get(0).input()));
                }
            }
        }
        assertThatThrownBy(() -> store.use("v0009")).hasMessageContaining("no checkpoint v0009");
        assertThatThrownBy(() -> Checkpoints.normalise("latest")).hasMessageContaining("not a checkpoint version");
    }

    @Tag("slow")
    @Test
    void aCrashMidTrainingLeavesTheLastGoodCheckpointInUseAndLoadable() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        List<Example> demo = LearningFixtures.demonstration(library, 6);
        Checkpoints store = Checkpoints.forTarget(dir, "sim-game");
        try (LearnedPolicy good = SimGameProfile.standard().untrained(library, 2)) {
            store.use(store.write(good, library.version(), null, Map.of()).version());
            float[] expected = good.probabilities(demo.get(0).input());

            // training dies at step 3 of 20: nothing is written
            Trainer trainer = new Trainer(new Trainer.Options(10, 16, 5e-3f, 20, 1), null);
            assertThatThrownBy(() -> trainer.train(good, demo, (step, total, loss) -> {
                if (step == 3) {
                    throw new IllegalStateException("simulated crash");
                }
            })).hasMessage("simulated crash");
            // and a process killed while writing leaves only a temporary folder behind
            Path partial = Files.createDirectory(store.root().resolve(".tmp-v0002-12345"));
            Files.write(partial.resolve(Checkpoint.PARAMS), new byte[]{1, 2, 3});

            assertThat(store.list()).extracting(Checkpoint::version).containsExactly("v0001");
            Checkpoint current = store.current().orElseThrow();
            assertThat(current.version()).isEqualTo("v0001");
            try (LearnedPolicy loaded = SimGameProfile.standard().load(store, current)) {
                assertThat(loaded.probabilities(demo.get(0).input())).containsExactly(expected);
            }
            // the next good run still gets the next version
            assertThat(store.write(good, library.version(), "v0001", Map.of()).version()).isEqualTo("v0002");
        }
    }

    @Test
    void aNormalisedInputIsKeptInTheCheckpoint_andReadAtRunTimeAsItWasTrained_oneWithoutStatisticsReadsAsBefore() throws Exception {
        SkillLibrary library = LearningFixtures.library();
        dev.embody.planning.InputSpec plain = new dev.embody.planning.InputSpec(6, 4, 1, 32, List.of("position"));
        dev.embody.planning.InputSpec spec = plain.withNormalisation(new dev.embody.planning.InputSpec.Normalisation(
                List.of(0.9, 0.9, 0.9, 0.0, 0.0), List.of(0.2, 0.2, 0.2, 0.6, 0.6)));
        byte[] rgb = new byte[3 * 24];
        java.util.Arrays.fill(rgb, (byte) 230);
        rgb[5] = rgb[29] = rgb[53] = 20; // one dark glyph on white
        dev.embody.planning.PolicyInput in = new dev.embody.planning.PolicyInput(rgb, 6, 4, 1, Float.NaN, Float.NaN, "", null);
        Checkpoints store = Checkpoints.forTarget(dir, "desktop");
        try (LearnedPolicy trained = LearnedPolicy.untrained(spec, library, dev.embody.planning.PolicyRules.defaults(), 3)) {
            Checkpoint c = store.write(trained, library.version(), null, Map.of());
            assertThat(c.spec()).isEqualTo(spec);
            try (LearnedPolicy loaded = store.load(c)) {
                assertThat(loaded.spec().normalisation()).isEqualTo(spec.normalisation());
                assertThat(loaded.probabilities(in)).containsExactly(trained.probabilities(in));
            }
            // the same parameters read as levels over 255 decide otherwise: the statistics are what the network was trained on
            Path old = Files.createDirectories(dir.resolve("old/desktop/v0001"));
            Files.copy(c.dir().resolve(Checkpoint.PARAMS), old.resolve(Checkpoint.PARAMS));
            String meta = Files.readString(c.dir().resolve(Checkpoint.META));
            Files.writeString(old.resolve(Checkpoint.META), meta.replaceAll("(?s),\\s*\"normalisation\"\\s*:\\s*\\{[^}]*\\}", ""));
            Checkpoints before = Checkpoints.forTarget(dir.resolve("old"), "desktop");
            Checkpoint o = before.current().orElseThrow();
            assertThat(o.spec()).as("a checkpoint.json without statistics").isEqualTo(plain);
            try (LearnedPolicy asBefore = before.load(o)) {
                assertThat(asBefore.probabilities(in)).isNotEqualTo(trained.probabilities(in));
            }
            // statistics of another channel count: refused with the file, nothing else put in use
            Files.writeString(old.resolve(Checkpoint.META), meta.replace("[ 0.9, 0.9, 0.9, 0.0, 0.0 ]", "[ 0.9 ]").replace("[ 0.2, 0.2, 0.2, 0.6, 0.6 ]", "[ 0.2 ]"));
            assertThat(before.list()).as("not a checkpoint to use").isEmpty();
            assertThat(before.survey().get(0).problem()).hasMessageContaining(old.resolve(Checkpoint.META).toString())
                    .hasMessageContaining("'input_spec' is not an input: normalisation has 1 channels; the input has 5");
        }
    }
}
