package dev.embody.correction;

import dev.embody.skill.Primitive;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.SkillLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Teaching a skill in one sentence, as an operator types or says it. */
class SkillTeachingTest {

    private static Skill taught(String sentence) throws Exception {
        return SkillLoader.parse(Path.of("t.yaml"), SkillTeaching.yaml(sentence));
    }

    @Test
    void sentencesBecomeSkillsOverTheUsualPrimitives() throws Exception {
        Skill jump = taught("teach jump: press SPACE");
        assertThat(jump.name()).isEqualTo("jump");
        assertThat(jump.body()).singleElement().isInstanceOfSatisfying(Primitive.Press.class, p -> assertThat(p.keys()).containsExactly("SPACE"));
        assertThat(jump.phrases()).extracting(Skill.Phrase::text).containsExactly("jump");

        Skill fire = taught("teach fire: hold ctrl for 200ms");
        assertThat(fire.body()).singleElement().isInstanceOfSatisfying(Primitive.Hold.class, h -> {
            assertThat(h.key()).isEqualTo("CONTROL");
            assertThat(h.duration()).isEqualTo("200ms");
        });

        Skill greet = taught("Teach greet: type Hello there, then press enter, then wait 1.5 s");
        assertThat(greet.body()).hasSize(3);
        assertThat(((Primitive.Type) greet.body().get(0)).text()).isEqualTo("Hello there");

        Skill save = taught("teach save all: press CONTROL+SHIFT+S");
        assertThat(save.name()).isEqualTo("save_all");
        assertThat(((Primitive.Press) save.body().get(0)).keys()).containsExactly("CONTROL", "SHIFT", "S");
    }

    @Test
    void theParserUnderstandsTeachingAndSaysWhatIsWrong() throws Exception {
        CorrectionParser parser = new CorrectionParser(SkillLibrary.load(Path.of("skills/desktop")));
        Understanding ok = parser.parse("teach jump: press SPACE");
        assertThat(ok.kind()).isEqualTo(Understanding.Kind.TEACH);
        assertThat(ok.argument()).contains("name: jump").contains("press: SPACE");
        assertThat(ok.toIntervention("terminal")).hasValueSatisfying(i -> assertThat(i.argument()).isEqualTo(ok.argument()));

        Understanding badKey = parser.parse("teach warp: press WARPDRIVE");
        assertThat(badKey.understood()).isFalse();
        assertThat(badKey.explanation()).contains("'WARPDRIVE' is not a key name");
        Understanding nothing = parser.parse("teach dance: do a little dance");
        assertThat(nothing.explanation()).contains("cannot teach \"do a little dance\"");
        Understanding clash = parser.parse("teach wait: press SPACE");
        assertThat(clash.explanation()).contains("a skill 'wait' exists already");
    }
}
