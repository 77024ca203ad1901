package dev.embody.perception;

import dev.embody.file.BadFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a calibration says about its program beside where it is: the goals its modules can pursue and how to start it
 * afresh for every episode (moon-buggy's: an xterm running the game, RETURN past the title screen). Written by
 * {@code calibrate screen --goal ... --launch ... --launch-key ...}, read back as written, each wrong field named.
 */
class CalibrationProgramTest {

    static final String GOOD = """
            name: moon
            window: {title: moon-buggy, focus: xdotool}
            scene: {width: 644, height: 412}
            parser: none
            goals:
            - drive on without crashing
            launch:
              command: [xterm, -T, moon-buggy, -fa, DejaVu Sans Mono, -fs, 10, -e, /usr/games/moon-buggy]
              keys: [RETURN]
            """;

    @TempDir
    Path dir;

    Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("moon.yaml"), text);
    }

    @Test
    void goalsAndTheLaunchCommandAreReadAsWritten_andSavedBackTheSame() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(write(GOOD));
        assertThat(c.parser()).isEqualTo("none");
        assertThat(c.goals()).containsExactly("drive on without crashing");
        assertThat(c.launch().command()).containsExactly("xterm", "-T", "moon-buggy", "-fa", "DejaVu Sans Mono", "-fs", "10", "-e", "/usr/games/moon-buggy");
        assertThat(c.launch().keys()).containsExactly("RETURN");
        Path again = dir.resolve("again.yaml");
        c.withRegion(new ScreenRegion(0, 0, 644, 412)).save(again);
        ScreenCalibration back = ScreenCalibration.load(again);
        assertThat(back.goals()).isEqualTo(c.goals());
        assertThat(back.launch()).isEqualTo(c.launch());
    }

    /** What calibrate screen --launch writes without --launch-key: a program started with no keys is a program all the same. */
    @Test
    void aLaunchWithNoKeys_isAccepted_andSavedBackTheSame() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(write(GOOD.replace("keys: [RETURN]", "keys: []")));
        assertThat(c.launch().command()).contains("/usr/games/moon-buggy");
        assertThat(c.launch().keys()).isEmpty();
        Path again = dir.resolve("again.yaml");
        c.withRegion(new ScreenRegion(0, 0, 644, 412)).save(again);
        assertThat(ScreenCalibration.load(again).launch()).isEqualTo(c.launch());
    }

    @Test
    void withoutThemThereAreNoGoalsAndNothingIsLaunched() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(write("name: p\nregion: {x: 0, y: 0, width: 64, height: 36}\n"));
        assertThat(c.goals()).isEmpty();
        assertThat(c.launch()).isNull();
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            '- drive on without crashing' | '- ""'          | 6 | field 'goals[0]': expected a goal in words, got ''
            '- drive on without crashing' | '- [a, b]'      | 6 | field 'goals[0]': expected a goal in words, got a list
            '  keys: [RETURN]'            | '  keys: [WARPDRIVE]' | 9 | field 'launch.keys[0]': expected a key name such as RETURN, SPACE or Y, got 'WARPDRIVE'
            '  keys: [RETURN]'            | '  keys: RETURN'  | 9 | field 'launch.keys': expected a list of keys such as [RETURN], got 'RETURN'
            '  keys: [RETURN]'            | '  keyz: [RETURN]' | 9 | field 'launch.keyz': expected one of command, keys, got an unknown field (did you mean 'keys'?)
            '  command: [xterm, -T, moon-buggy, -fa, DejaVu Sans Mono, -fs, 10, -e, /usr/games/moon-buggy]' | '  command: []' | 8 | field 'launch.command': expected the program and its arguments as a list such as [xterm, -e, my-program], got an empty list
            '  command: [xterm, -T, moon-buggy, -fa, DejaVu Sans Mono, -fs, 10, -e, /usr/games/moon-buggy]' | '  command: xterm -e moon-buggy' | 8 | field 'launch.command': expected the program and its arguments as a list such as [xterm, -e, my-program], got 'xterm -e moon-buggy'
            '  command: [xterm, -T, moon-buggy, -fa, DejaVu Sans Mono, -fs, 10, -e, /usr/games/moon-buggy]' | '  command: [xterm, ""]' | 8 | field 'launch.command[1]': expected a word of the command, got ''
            '  command: [xterm, -T, moon-buggy, -fa, DejaVu Sans Mono, -fs, 10, -e, /usr/games/moon-buggy]' | '' | 7 | field 'launch.command': expected the program and its arguments as a list such as [xterm, -e, my-program], got nothing
            'parser: none'                | 'parser: moon-buggy' | 4 | field 'parser': expected one of none, sim-game, got 'moon-buggy'
            """)
    void eachWrongFieldIsNamedWithItsLine(String line, String replacement, int expectedLine, String reason) throws Exception {
        assertThat(GOOD).contains(line + "\n");
        Path f = write(GOOD.replace(line + "\n", replacement.isEmpty() ? "" : replacement + "\n"));
        assertThatThrownBy(() -> ScreenCalibration.load(f)).isInstanceOf(BadFileException.class).hasMessage(f + ":" + expectedLine + ": " + reason);
    }

    @Test
    void goalsMustBeAList() throws Exception {
        Path f = write(GOOD.replace("goals:\n- drive on without crashing\n", "goals: drive\n"));
        assertThatThrownBy(() -> ScreenCalibration.load(f)).hasMessage(f + ":5: field 'goals': expected a list of goals in words such as "
                + "[drive on without crashing], got 'drive'");
    }
}
