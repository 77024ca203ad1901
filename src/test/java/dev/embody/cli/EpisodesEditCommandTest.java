package dev.embody.cli;

import dev.embody.episode.EpisodeFixtures;
import dev.embody.testkit.CliRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code episodes edit}: marks and trims from the command line, shown by list and show, honoured by replay; bad input refused. */
class EpisodesEditCommandTest {

    @TempDir
    Path dir;

    @Tag("slow")
    @Test
    void trimAndMark_areShown_andReplayComparesOnlyTheKeptSteps_andSkipsABadEpisode() throws Exception {
        var rec = EpisodeFixtures.recordDemonstration(dir, 1, 12, EpisodeFixtures.KEYS);
        String id = rec.dir().getFileName().toString();
        String eps = dir.toString();

        CliRun trim = CliRun.of("episodes", "edit", id, "--dir", eps, "--trim", "2..5");
        assertThat(trim.exit()).as(trim.err()).isZero();
        assertThat(trim.out()).contains("mark=- trim=2..5 (4 of 12 steps kept)");
        CliRun show = CliRun.of("episodes", "show", id, "--dir", eps);
        assertThat(show.out()).contains("edited      trim=2..5 (4 of 12 steps kept)").contains("decided by {person=12}");

        CliRun replay = CliRun.of("replay", rec.dir().toString(), "--policy", "recorded", "--out", dir.resolve("r1").toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("steps=4/12 agreement=1.000 (4/4)").contains("trim=2..5");

        CliRun bad = CliRun.of("episodes", "edit", rec.dir().toString(), "--dir", eps, "--mark", "bad");
        assertThat(bad.exit()).as(bad.err()).isZero();
        assertThat(CliRun.of("episodes", "list", "--dir", eps).out()).contains("mark=bad trim=2..5");
        CliRun skipped = CliRun.of("replay", rec.dir().toString(), "--out", dir.resolve("r2").toString(), "--no-progress");
        assertThat(skipped.exit()).isZero();
        assertThat(skipped.err()).contains("skipped " + id + ": marked bad");
        assertThat(skipped.out()).contains("total: episodes=0");

        CliRun good = CliRun.of("episodes", "edit", id, "--dir", eps, "--mark", "good", "--untrim");
        assertThat(good.out()).contains("mark=good trim=- (all of 12 steps kept)");
    }

    @Test
    void badInput_isRefusedWithWhatIsWrong_andChangesNothing() throws Exception {
        var rec = EpisodeFixtures.recordDemonstration(dir, 2, 6, EpisodeFixtures.KEYS);
        String id = rec.dir().getFileName().toString();
        String eps = dir.toString();
        String meta = Files.readString(rec.dir().resolve("meta.json"));

        CliRun unknown = CliRun.of("episodes", "edit", "nope", "--dir", eps, "--mark", "bad");
        assertThat(unknown.exit()).isEqualTo(Main.USAGE);
        assertThat(unknown.err()).contains("no episode 'nope' in " + eps);
        CliRun backwards = CliRun.of("episodes", "edit", id, "--dir", eps, "--trim", "4..1");
        assertThat(backwards.exit()).isEqualTo(Main.USAGE);
        assertThat(backwards.err()).contains("--trim: FROM (4) is after TO (1)");
        CliRun past = CliRun.of("episodes", "edit", id, "--dir", eps, "--trim", "0..6");
        assertThat(past.exit()).isEqualTo(Main.USAGE);
        assertThat(past.err()).contains("the episode has steps 0..5, so TO (6) is past its end");
        CliRun words = CliRun.of("episodes", "edit", id, "--dir", eps, "--trim", "start..end");
        assertThat(words.exit()).isEqualTo(Main.USAGE);
        assertThat(words.err()).contains("expected FROM..TO");
        CliRun mark = CliRun.of("episodes", "edit", id, "--dir", eps, "--mark", "great");
        assertThat(mark.exit()).isEqualTo(Main.USAGE);
        assertThat(mark.err()).contains("--mark must be one of good, bad, got 'great'");
        CliRun nothing = CliRun.of("episodes", "edit", id, "--dir", eps);
        assertThat(nothing.exit()).isEqualTo(Main.USAGE);
        assertThat(nothing.err()).contains("say what to change");
        assertThat(Files.readString(rec.dir().resolve("meta.json"))).as("nothing written").isEqualTo(meta);

        Files.writeString(rec.dir().resolve("meta.json"), "{\"id\": \"x\", \"target\": \"sim-game\", ");
        CliRun broken = CliRun.of("episodes", "edit", id, "--dir", eps, "--mark", "bad");
        assertThat(broken.exit()).isEqualTo(Main.BAD_FILE);
        assertThat(broken.err()).contains("meta.json").contains("not valid JSON");
    }

    @Test
    void anIdThatIsAPath_isRefused_andNoEpisodeOutsideDirIsEdited() throws Exception {
        Path eps = Files.createDirectories(dir.resolve("mine"));
        Path other = Files.createDirectories(dir.resolve("other"));
        var theirs = EpisodeFixtures.recordDemonstration(other, 3, 4, EpisodeFixtures.KEYS);
        String theirId = theirs.dir().getFileName().toString();
        String meta = Files.readString(theirs.dir().resolve("meta.json"));

        for (String id : new String[] {"../other/" + theirId, other.resolve(theirId).toString(), "..", "."}) {
            CliRun edit = CliRun.of("episodes", "edit", id, "--dir", eps.toString(), "--mark", "bad");
            assertThat(edit.exit()).as(id + ": " + edit.err()).isEqualTo(Main.USAGE);
            assertThat(edit.err()).as(id).containsAnyOf("not a plain episode id", "is not in --dir");
        }
        assertThat(Files.readString(theirs.dir().resolve("meta.json"))).as("the other folder's episode is untouched").isEqualTo(meta);

        CliRun show = CliRun.of("episodes", "show", "../other/" + theirId, "--dir", eps.toString());
        assertThat(show.exit()).as(show.err()).isEqualTo(Main.USAGE);
        assertThat(show.err()).contains("not a plain episode id");
        CliRun replay = CliRun.of("replay", "../other/" + theirId, "--episodes-dir", eps.toString(), "--policy", "recorded",
                "--out", dir.resolve("r").toString(), "--no-progress");
        assertThat(replay.exit()).as(replay.err()).isEqualTo(Main.USAGE);
        assertThat(replay.err()).contains("not a plain episode id");
        CliRun eval = CliRun.of("eval", "--recorded", "../other/" + theirId, "--episodes-dir", eps.toString());
        assertThat(eval.exit()).as(eval.err()).isEqualTo(Main.USAGE);
        assertThat(eval.err()).contains("not a plain episode id");
    }
}
