package dev.embody.learning;

import dev.embody.cli.Main;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Broken checkpoints as a user meets them ({@code policy list}, {@code live --policy learned}, {@code policy use}):
 * a checkpoint that does not load is named with its file and reason wherever it shows, {@code live} falls back to the
 * newest one that loads or says that none does (exit 3), and no checkpoint file is changed.
 */
class CheckpointsBadInputTest {

    @TempDir
    Path tmp;
    Path checkpoints;
    Path v1;
    Path v2;

    /** Two checkpoints of the sim game, the second in use. */
    @BeforeEach
    void write() throws Exception {
        checkpoints = tmp.resolve("checkpoints");
        SkillLibrary library = LearningFixtures.library();
        Checkpoints store = Checkpoints.forTarget(checkpoints, "sim-game");
        try (LearnedPolicy a = SimGameProfile.standard().untrained(library, 1); LearnedPolicy b = SimGameProfile.standard().untrained(library, 2)) {
            store.write(a, library.version(), null, Map.of());
            store.write(b, library.version(), "v0001", Map.of());
        }
        store.use("v0002");
        v1 = checkpoints.resolve("sim-game/v0001");
        v2 = checkpoints.resolve("sim-game/v0002");
    }

    private CliRun list() {
        return CliRun.of("policy", "list", "--checkpoints", checkpoints.toString());
    }

    private CliRun live(String policy) {
        return CliRun.of("live", "--policy", policy, "--checkpoints", checkpoints.toString(), "--episodes", "1", "--max-steps", "3",
                "--rate", "0", "--no-record", "--no-stdin-corrections", "--memory", tmp.resolve("memory").toString(),
                "--train-every", "0", "--train-minutes", "0", "--gate-episodes", "0");
    }

    private static void corrupt(Path params) throws Exception {
        byte[] b = Files.readAllBytes(params);
        Files.write(params, Arrays.copyOf(b, b.length / 2));
    }

    @Tag("slow")
    @Test
    void parametersThatDoNotLoadAreMarkedBrokenAndLiveFallsBackToTheNewestThatLoads() throws Exception {
        Path params = v2.resolve(Checkpoint.PARAMS);
        corrupt(params);
        Map<String, String> saved = snapshot(checkpoints);

        CliRun list = list();
        assertThat(list.exit()).as(list.out() + list.err()).isEqualTo(Main.OK);
        assertThat(list.out()).contains("! v0002 broken: " + params + ": cannot load the parameters: ").contains("* v0001 ");

        CliRun live = live("learned");
        assertThat(live.exit()).as(live.out() + live.err()).isEqualTo(Main.OK);
        assertThat(live.err()).contains(params + ": cannot load the parameters: ", "; using v0001, the newest checkpoint that loads");
        assertThat(live.line("summary: ")).contains("episodes=1");
        assertThat(snapshot(checkpoints)).as("nothing saved is lost").isEqualTo(saved);
    }

    @Test
    void aCheckpointJsonThatDoesNotReadIsListedAsBrokenToo() throws Exception {
        Path meta = v2.resolve(Checkpoint.META);
        Files.writeString(meta, "{\"version\": \"v0002\", \"commands\": [");

        CliRun list = list();
        assertThat(list.exit()).isEqualTo(Main.OK);
        assertThat(list.out()).contains("! v0002 broken: " + meta + ":1: not valid JSON").contains("* v0001 ");
        CliRun live = live("learned");
        assertThat(live.exit()).as(live.out() + live.err()).isEqualTo(Main.OK);
        assertThat(live.err()).contains("using v0001, the newest checkpoint that loads");
    }

    @Test
    void whenNoCheckpointLoadsLiveSaysSoWithEveryFileAndReasonAndExitsThree() throws Exception {
        corrupt(v1.resolve(Checkpoint.PARAMS));
        corrupt(v2.resolve(Checkpoint.PARAMS));
        Map<String, String> saved = snapshot(checkpoints);

        CliRun live = live("learned");
        assertThat(live.exit()).as(live.out() + live.err()).isEqualTo(Main.BAD_FILE);
        assertThat(live.err()).contains("error: " + v2.resolve(Checkpoint.PARAMS) + ": cannot load the parameters: ",
                "no checkpoint under " + checkpoints.resolve("sim-game") + " loads (" + v1.resolve(Checkpoint.PARAMS) + ": cannot load the parameters: ");
        CliRun list = list();
        assertThat(list.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(list.out()).contains("! v0001 broken: ", "! v0002 broken: ", "loads: live --policy learned has none to use");
        assertThat(snapshot(checkpoints)).isEqualTo(saved);
    }

    @Test
    void aBrokenCheckpointAskedForByVersionIsABadFileNotARunTimeFailure() throws Exception {
        Path params = v1.resolve(Checkpoint.PARAMS);
        Files.write(params, "not an NDList".getBytes());

        CliRun live = live("v0001");
        assertThat(live.exit()).as(live.out() + live.err()).isEqualTo(Main.BAD_FILE);
        assertThat(live.err()).contains("error: " + params + ": cannot load the parameters: ");
        CliRun use = CliRun.of("policy", "use", "v0001", "--checkpoints", checkpoints.toString());
        assertThat(use.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(use.err()).contains("error: " + params + ": cannot load the parameters: ");
        assertThat(Files.readString(checkpoints.resolve("sim-game/current")).strip()).as("still in use").isEqualTo("v0002");
    }

    @Test
    void aCurrentFileThatNamesNoCheckpointIsRefusedWithTheFileAndWhatIsExpected_neverAnotherVersionInUse() throws Exception {
        Checkpoints store = Checkpoints.forTarget(checkpoints, "sim-game");
        store.use("v0001");
        Path current = checkpoints.resolve("sim-game/current");
        for (String named : new String[] {"v0009", "rollback to v0001", "", "../other/v0001"}) {
            Files.writeString(current, named + "\n");
            Map<String, String> saved = snapshot(checkpoints);
            String expected = current + ":1: names '" + named + "', which is no checkpoint here: expected one of v0001, v0002";

            assertThatThrownBy(store::current).as(named).isInstanceOf(dev.embody.file.BadFileException.class).hasMessageContaining(expected);
            CliRun list = list();
            assertThat(list.exit()).as(named + ": " + list.out() + list.err()).isEqualTo(Main.BAD_FILE);
            assertThat(list.out()).as(named).contains(expected).doesNotContain("* v0002");
            CliRun live = live("learned");
            assertThat(live.exit()).as(named + ": " + live.out() + live.err()).isEqualTo(Main.BAD_FILE);
            assertThat(live.err()).as(named).contains(expected);
            assertThat(live.out()).as(named).doesNotContain("summary: ");
            assertThat(snapshot(checkpoints)).as("nothing saved is changed").isEqualTo(saved);
        }
        CliRun use = CliRun.of("policy", "use", "v0001", "--checkpoints", checkpoints.toString());
        assertThat(use.exit()).as("policy use mends it: " + use.err()).isEqualTo(Main.OK);
        assertThat(store.current().orElseThrow().version()).isEqualTo("v0001");
    }

    /** Every file under a folder and a hash of its bytes. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
