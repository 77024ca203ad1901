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
 * What a calibration declares about its program (policy input, choice rules, stick, words, ready screen, endings,
 * score) is read back as written, and each wrong field is refused naming its line and what is expected.
 */
class ProgramTraitsTest {

    static final String GOOD = """
            name: p
            region: {x: 0, y: 0, width: 644, height: 412}
            policy:
              input: {width: 80, height: 6, frames: 3, crop: {x: 0, y: 0.73, width: 1, height: 0.17}, position: true}
              choice: greedy
              loop_breaking: false
            stick: {up: jump, right: press_key key=right}
            words: [buggy, crater]
            ready: {kind: text, text: jump, region: {x: 2, y: 376, width: 400, height: 17}}
            ending:
            - {kind: text, text: continue, region: {x: 2, y: 376, width: 400, height: 17}, outcome: failure, says: crashed}
            - {kind: time_limit, outcome: success}
            score: {kind: time_survived}
            """;

    @TempDir
    Path dir;

    @Test
    void readsBackAsWritten_andSavesTheSame() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(Files.writeString(dir.resolve("p.yaml"), GOOD));
        ProgramTraits t = c.traits();
        assertThat(t.input().width()).isEqualTo(80);
        assertThat(t.input().crop()).containsExactly(0, 0.73, 1, 0.17);
        assertThat(t.input().position()).isTrue();
        assertThat(t.choice()).isEqualTo("greedy");
        assertThat(t.loopBreaking()).isFalse();
        assertThat(t.stick()).containsEntry("up", "jump").containsEntry("right", "press_key key=right");
        assertThat(t.words()).containsExactly("buggy", "crater");
        assertThat(t.ready().text()).isEqualTo("jump");
        assertThat(t.ending()).extracting(ScreenRule::kind).containsExactly("text", "time_limit");
        assertThat(t.ending().get(0).line()).isEqualTo(11);
        Path again = dir.resolve("again.yaml");
        c.save(again);
        assertThat(ScreenCalibration.load(again).traits().toYaml()).isEqualTo(t.toYaml());
    }

    @Test
    void normalisedInput_isDeclared_savedTheSame_andOffWhereNotWritten() throws Exception {
        assertThat(ScreenCalibration.load(Files.writeString(dir.resolve("q.yaml"), GOOD)).traits().normalise()).isFalse();
        ScreenCalibration c = ScreenCalibration.load(Files.writeString(dir.resolve("p.yaml"),
                GOOD.replace("  loop_breaking: false\n", "  loop_breaking: false\n  normalise: true\n")));
        assertThat(c.traits().normalise()).isTrue();
        Path again = dir.resolve("again.yaml");
        c.save(again);
        assertThat(ScreenCalibration.load(again).traits().normalise()).isTrue();
        Path bad = Files.writeString(dir.resolve("r.yaml"), GOOD.replace("  loop_breaking: false\n", "  loop_breaking: false\n  normalise: maybe\n"));
        assertThatThrownBy(() -> ScreenCalibration.load(bad)).isInstanceOf(BadFileException.class)
                .hasMessage(bad + ":7: field 'policy.normalise': expected true or false, got 'maybe'");
    }

    @Test
    void aScoreNotDrawnYet_hasItsBlankValue_andSavesTheSame() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(Files.writeString(dir.resolve("p.yaml"),
                GOOD.replace("score: {kind: time_survived}", "score: {kind: number, region: {x: 546, y: 2, width: 96, height: 17}, blank: 0}")));
        assertThat(c.traits().score().blank()).isEqualTo(0.0);
        Path again = dir.resolve("again.yaml");
        c.save(again);
        assertThat(ScreenCalibration.load(again).traits().score().blank()).isEqualTo(0.0);
        assertThat(ScreenCalibration.load(Files.writeString(dir.resolve("q.yaml"), GOOD)).traits().score().blank()).isNull();
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
            '- {kind: time_limit, outcome: success}' | '- {kind: blinking, outcome: success}' | 12 | field 'ending[1].kind': expected one of template, template_gone, unchanged, colour, text, number, exited, time_limit, got 'blinking'
            '- {kind: time_limit, outcome: success}' | '- {kind: time_limit}' | 12 | field 'ending[1].outcome': expected one of success, failure (what this ending means), got nothing
            'ready: {kind: text, text: jump, region: {x: 2, y: 376, width: 400, height: 17}}' | 'ready: {kind: text, text: jump, region: {x: 600, y: 376, width: 400, height: 17}}' | 9 | field 'ready.region': expected a region on the screen (inside the scene's 644x412 pixels), got 400x17+600+376, which reaches x=1000, y=393
            'score: {kind: time_survived}' | 'score: {kind: number}' | 13 | field 'score.region': expected a region of the scene such as {x: 0, y: 0, width: 80, height: 20}, got nothing
            'score: {kind: time_survived}' | 'score: {kind: number, region: {x: 0, y: 400, width: 80, height: 20}}' | 13 | field 'score.region': expected a region on the screen (inside the scene's 644x412 pixels), got 80x20+0+400, which reaches x=80, y=420
            '  choice: greedy' | '  choice: argmax' | 5 | field 'policy.choice': expected one of sampled, greedy, got 'argmax'
            '  loop_breaking: false' | '  loop_breaking: no way' | 6 | field 'policy.loop_breaking': expected true or false, got 'no way'
            'stick: {up: jump, right: press_key key=right}' | 'stick: {upward: jump}' | 7 | field 'stick.upward': expected one of up, down, left, right, got an unknown field
            'score: {kind: time_survived}' | 'score: {kind: time_survived, blank: 0}' | 13 | field 'score.blank': a time survived is read from the clock, not from a region (leave it out)
            """)
    void eachWrongFieldIsNamedWithItsLine(String line, String replacement, int expectedLine, String reason) throws Exception {
        assertThat(GOOD).contains(line + "\n");
        Path f = Files.writeString(dir.resolve("p.yaml"), GOOD.replace(line + "\n", replacement + "\n"));
        assertThatThrownBy(() -> ScreenCalibration.load(f)).isInstanceOf(BadFileException.class).hasMessage(f + ":" + expectedLine + ": " + reason);
    }

    @Test
    void aCropOutsideTheFrame_isNamedWithItsLine() throws Exception {
        Path f = Files.writeString(dir.resolve("p.yaml"), GOOD.replace("crop: {x: 0, y: 0.73, width: 1, height: 0.17}", "crop: {x: 0, y: 0.9, width: 1, height: 0.17}"));
        assertThatThrownBy(() -> ScreenCalibration.load(f)).isInstanceOf(BadFileException.class).hasMessage(f
                + ":4: field 'policy.input.crop': expected a part inside the frame (x + width <= 1, y + height <= 1), got x=0.0 width=1.0, y=0.9 height=0.17, which reaches outside it");
    }
}
