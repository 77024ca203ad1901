package dev.embody.bench;

import dev.embody.profile.DesktopProfile;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.TargetOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An arena's operator is a program of its own that prints corrections one a line: no episode starts before it says
 * it watches, and one that ends (or never says so) is refused with what it said.
 */
class DesktopArenaTest {

    static Profile moonBuggy() throws Exception {
        return Profiles.open(DesktopProfile.NAME, TargetOptions.defaults().withCalibration(Path.of("calibration/desktop/moon-buggy.yaml")));
    }

    @Test
    void anOperatorThatEndsBeforeItWatchesIsRefusedWithWhatItSaid() throws Exception {
        try (Profile p = moonBuggy(); DesktopArena arena = new DesktopArena(p, p.skills(), DesktopArena.Settings.realtime(Duration.ofSeconds(5)))) {
            assertThatThrownBy(() -> arena.operator(List.of("sh", "-c", "echo 'no display here' >&2; exit 3"), "watching", System.err))
                    .hasMessageContaining("ended with 3").hasMessageContaining("no display here");
            assertThat(arena.corrected()).isFalse();
        }
    }

    @Test
    void anOperatorThatWatchesHasItsLinesParsedAsCorrections() throws Exception {
        ByteArrayOutputStream told = new ByteArrayOutputStream();
        try (Profile p = moonBuggy(); DesktopArena arena = new DesktopArena(p, p.skills(), DesktopArena.Settings.realtime(Duration.ofSeconds(5)))) {
            arena.operator(List.of("sh", "-c", "echo 'watching for the game' >&2; echo 'jump!'; sleep 30"), "watching",
                    new PrintStream(told, true, StandardCharsets.UTF_8));
            assertThat(arena.corrected()).isTrue();
            for (int i = 0; i < 100 && !told.toString(StandardCharsets.UTF_8).contains("jump!"); i++) {
                Thread.sleep(50);
            }
            assertThat(told.toString(StandardCharsets.UTF_8)).contains("correction \"jump!\": command jump (confidence 1.00)");
        }
    }
}
