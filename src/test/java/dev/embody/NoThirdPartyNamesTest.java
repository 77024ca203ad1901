package dev.embody;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A third-party program's specifics are data: no class, switch or string under src/main names a program the tests
 * launch (its calibration and skills folder say all there is to say about it).
 */
class NoThirdPartyNamesTest {

    /** The third-party programs the tests launch, as their names could be written in code. */
    static final List<String> PROGRAMS = List.of("moon-buggy", "moonbuggy", "moon_buggy", "buggy", "worm", "ninvaders", "invader", "tmux");

    @Test
    void nothingUnderSrcMainNamesAThirdPartyProgram() throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                for (String name : PROGRAMS) {
                    if (text.contains(name) || f.getFileName().toString().toLowerCase(Locale.ROOT).contains(name.replace("-", ""))) {
                        found.add(f + " names " + name);
                    }
                }
            }
        }
        assertThat(found).as("program names under src/main").isEmpty();
    }
}
