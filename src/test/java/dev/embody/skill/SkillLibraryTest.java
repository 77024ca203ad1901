package dev.embody.skill;

import dev.embody.file.BadFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkillLibraryTest {

    @TempDir
    Path dir;

    @Test
    void enumeratesEveryCommand() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        // move: 4 directions x 3 amounts, stop, wait: 2 durations
        assertThat(lib.commands()).hasSize(15);
        assertThat(lib.commands()).contains(SkillCall.parse("move(direction=left, amount=small)"), SkillCall.of("stop"));
        assertThat(lib.indexOf(SkillCall.parse("move(direction=up, amount=large)"))).isNotNegative();
        assertThat(lib.indexOf(SkillCall.parse("fly(direction=up)"))).isEqualTo(-1);
        assertThat(lib.version()).hasSize(12).isEqualTo(SkillLibrary.load(Path.of("skills/sim-game")).version());
    }

    @Test
    void normalizeFillsDefaultsAndOrdersArguments() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        SkillCall c = lib.normalize(SkillCall.of("move", "direction", "left"));
        assertThat(c.toString()).isEqualTo("move(direction=left, amount=medium)");
        assertThat(lib.normalize(SkillCall.parse("move(amount=large, direction=up)")).toString()).isEqualTo("move(direction=up, amount=large)");
        assertThatThrownBy(() -> lib.normalize(SkillCall.of("move", "direction", "sideways"))).hasMessageContaining("'sideways' is not a value of move.direction");
        assertThatThrownBy(() -> lib.normalize(SkillCall.of("jump"))).hasMessageContaining("no skill 'jump'");
        assertThat(lib.bindings(c)).containsEntry("direction.key", "LEFT").containsEntry("amount.ms", "200");
    }

    @Test
    void commandTextRoundTrips() {
        SkillCall c = SkillCall.parse(" move( direction = left , amount=small ) ");
        assertThat(c.toString()).isEqualTo("move(direction=left, amount=small)");
        assertThat(SkillCall.parse(c.toString())).isEqualTo(c);
        assertThat(SkillCall.parse("stop")).isEqualTo(SkillCall.of("stop"));
        assertThatThrownBy(() -> SkillCall.parse("move(left)")).hasMessageContaining("'left' is not param=value");
    }

    @Test
    void durations() {
        assertThat(SkillLibrary.parseDuration("200ms")).isEqualTo(Duration.ofMillis(200));
        assertThat(SkillLibrary.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(SkillLibrary.parseDuration("250")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> SkillLibrary.parseDuration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void rejectsCallsToUnknownSkillsAndCycles() throws Exception {
        Path a = write("a.yaml", "name: a\ndescription: calls b\nbody:\n  - call: b\n");
        assertThatThrownBy(() -> SkillLibrary.of(List.of(SkillLoader.load(a)))).isInstanceOf(BadFileException.class)
                .hasMessageContaining(a + ":4:").hasMessageContaining("calls unknown skill 'b'");
        Path b = write("b.yaml", "name: b\ndescription: calls a\nbody:\n  - call: a\n");
        assertThatThrownBy(() -> SkillLibrary.of(List.of(SkillLoader.load(a), SkillLoader.load(b)))).hasMessageContaining("calls itself");
    }

    @Test
    void rejectsADurationThatDoesNotParseForSomeCommand() throws Exception {
        Path f = write("d.yaml", """
                name: d
                description: one value has a bad duration
                parameters:
                  amount:
                    values:
                      small: {ms: 100}
                      odd: {ms: lots}
                body:
                  - wait: "{amount.ms}ms"
                """);
        assertThatThrownBy(() -> SkillLibrary.of(List.of(SkillLoader.load(f)))).hasMessageContaining(f + ":9:")
                .hasMessageContaining("for d(amount=odd)").hasMessageContaining("'lotsms' is not a duration");
    }

    @Test
    void growsWithANewSkillKeepingTheOrderOfOldCommands() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        Skill jump = SkillLoader.load(write("jump.yaml", "name: jump\ndescription: jump\nbody:\n  - press: SPACE\n"));
        SkillLibrary bigger = lib.with(jump);
        assertThat(bigger.commands()).hasSize(16);
        assertThat(bigger.commands().subList(0, 15)).isEqualTo(lib.commands());
        assertThat(bigger.commands().get(15)).isEqualTo(SkillCall.of("jump"));
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
