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

    /** The desktop's own deny-list and watchdog: a chord it refuses, in any order, or a hold it would cut is not taught. */
    @Test
    void aDeniedChordOrAHoldPastTheWatchdogIsNotTaught() throws Exception {
        SkillLibrary desktop;
        try (var profile = dev.embody.profile.Profiles.open("desktop", dev.embody.profile.TargetOptions.defaults())) {
            desktop = profile.skills();
        }
        CorrectionParser parser = new CorrectionParser(desktop);
        for (String[] c : new String[][]{
                {"teach quit: press ALT+F4", "press ALT+F4 is refused: ALT+F4 is on the desktop target's deny-list"},
                {"teach quit: press shift+f4+alt", "press SHIFT+F4+ALT is refused: ALT+F4 is on the desktop target's deny-list"},
                {"teach reboot: press DELETE+CTRL+ALT", "press DELETE+CONTROL+ALT is refused: CONTROL+ALT+DELETE is on the desktop target's deny-list"},
                {"teach wipe: press SPACE then press ctrl+alt+backspace", "press CONTROL+ALT+BACK_SPACE is refused: CONTROL+ALT+BACK_SPACE is on the desktop target's deny-list"},
                {"teach run: hold UP for 999999ms", "hold UP for 999999 ms is not shorter than the desktop target's watchdog (3000 ms)"},
                {"teach run: hold UP for 3 s", "hold UP for 3000 ms is not shorter than the desktop target's watchdog (3000 ms)"}}) {
            Understanding u = parser.parse(c[0]);
            assertThat(u.understood()).as(c[0]).isFalse();
            assertThat(u.explanation()).as(c[0]).contains("not taught: ").contains(c[1]);
        }
        assertThat(parser.parse("teach run: hold UP for 2.5 s").kind()).isEqualTo(Understanding.Kind.TEACH);
        assertThat(parser.parse("teach save: press CONTROL+S").kind()).isEqualTo(Understanding.Kind.TEACH);
    }
}
