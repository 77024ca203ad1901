package dev.embody.skill;

import dev.embody.correction.CorrectionParser;
import dev.embody.correction.Understanding;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RobotSkillsTest {

    @Test
    void operatorPhrasesMapOntoRobotCommands() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/robot"));
        CorrectionParser parser = new CorrectionParser(lib);
        assertThat(command(parser, "a bit more to the left")).isEqualTo(SkillCall.of("turn", "direction", "left", "amount", "small"));
        assertThat(command(parser, "nudge forward")).isEqualTo(SkillCall.of("nudge", "direction", "forward"));
        assertThat(command(parser, "stop moving")).isEqualTo(SkillCall.of("stop"));
    }

    @Test
    void everyRobotSkillPublishesACommandTheRobotUnderstands() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/robot"));
        for (Skill s : lib.skills()) {
            assertThat(s.body()).allMatch(p -> p instanceof Primitive.Publish pub && pub.topic().equals("cmd"));
        }
        assertThat(lib.commands()).contains(SkillCall.parse("move(direction=forward, amount=large)"), SkillCall.parse("turn(direction=right, amount=small)"));
    }

    private static SkillCall command(CorrectionParser parser, String text) {
        Understanding u = parser.parse(text);
        return u.kind() == Understanding.Kind.COMMAND ? u.command() : null;
    }
}
