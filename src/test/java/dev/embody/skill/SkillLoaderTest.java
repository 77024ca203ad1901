package dev.embody.skill;

import dev.embody.file.BadFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkillLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadsTheSimGameSkills() throws Exception {
        Skill move = SkillLoader.load(Path.of("skills/sim-game/move.yaml"));
        assertThat(move.name()).isEqualTo("move");
        assertThat(move.parameter("direction").orElseThrow().valueNames()).containsExactly("left", "right", "up", "down");
        assertThat(move.parameter("amount").orElseThrow().defaultValue()).isEqualTo("medium");
        assertThat(move.parameter("amount").orElseThrow().value("small").orElseThrow().synonyms()).contains("a bit");
        assertThat(move.body()).hasSize(1).first().isInstanceOf(Primitive.Hold.class);
        assertThat(move.phrases()).anySatisfy(p -> {
            assertThat(p.text()).isEqualTo("a bit more to the {direction}");
            assertThat(p.fixed()).containsEntry("amount", "small");
        });
    }

    @Test
    void expandsPhrasesIntoTheSentencesAnOperatorCouldSay() throws Exception {
        Skill wait = SkillLoader.load(Path.of("skills/sim-game/wait.yaml"));
        java.util.List<String> byName = wait.sentences(v -> java.util.List.of(v.name()));
        assertThat(byName).contains("wait", "wait short", "wait long", "hang on");
        java.util.List<String> everyWord = wait.sentences(v -> {
            java.util.List<String> w = new java.util.ArrayList<>(java.util.List.of(v.name()));
            w.addAll(v.synonyms());
            return w;
        });
        assertThat(everyWord).contains("wait a moment", "wait a while").hasSizeGreaterThan(byName.size());
    }

    @Test
    void readsEveryPrimitive() throws Exception {
        Skill s = SkillLoader.load(write("all.yaml", """
                name: all
                description: every primitive once
                parameters:
                  where: {values: {ok: {x: 10, y: 20}}}
                body:
                  - press: CONTROL+S
                  - hold: LEFT
                    for: 50ms
                  - type: hello
                  - mouse_move: {x: "{where.x}", y: "{where.y}"}
                  - mouse_move: {dx: 5, dy: -5}
                  - click: {button: right, at: "template:save", count: 2}
                  - scroll: -3
                  - publish: {topic: cmd, payload: {op: stop}}
                  - wait: 1.5s
                  - release_all: true
                """));
        assertThat(s.body()).extracting(p -> p.getClass().getSimpleName())
                .containsExactly("Press", "Hold", "Type", "MouseMove", "MouseMove", "Click", "Scroll", "Publish", "Wait", "ReleaseAll");
        assertThat(((Primitive.Press) s.body().get(0)).keys()).containsExactly("CONTROL", "S");
        assertThat(((Primitive.MouseMove) s.body().get(4)).relative()).isTrue();
        assertThat(((Primitive.Publish) s.body().get(7)).payload()).isEqualTo("{\"op\":\"stop\"}");
        assertThat(s.body().get(1).line()).isEqualTo(7);
    }

    /**
     * Under the size limit, what still costs the YAML scanner time or depth is refused before it is parsed: one long
     * unbroken line (its time grows with the square of the run) and nesting deeper than any skill needs.
     */
    @Test
    void aLongLineOrDeepNestingIsRefusedBeforeParsing() throws Exception {
        Path longLine = write("long.yaml", "name: long\ndescription: \"" + "a".repeat(200_000) + "\"\nbody:\n  - press: ENTER\n");
        assertThatThrownBy(() -> SkillLoader.load(longLine)).isInstanceOf(BadFileException.class)
                .hasMessage(longLine + ":2: line too long: 200015 characters; a line of a YAML file embody reads is at most 4096");
        Path deep = write("deep.yaml", "name: deep\ndescription: x\nbody: " + "[".repeat(100) + "]".repeat(100) + "\n");
        assertThatThrownBy(() -> SkillLoader.load(deep)).isInstanceOf(BadFileException.class)
                .hasMessageContaining("nesting depth (65) exceeds the maximum allowed (64");
    }

    @Test
    void rejectsAnUnknownPrimitiveWithItsLine() throws Exception {
        Path f = write("bad.yaml", """
                name: bad
                description: has a typo
                body:
                  - press: ENTER
                  - jump: high
                """);
        assertThatThrownBy(() -> SkillLoader.load(f)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(f + ":5:").hasMessageContaining("unknown primitive 'jump'");
    }

    @Test
    void aValueMayListFewerWordsForSpeechThanForTyping() throws Exception {
        Skill.Parameter amount = SkillLoader.load(Path.of("skills/sim-game/move.yaml")).parameter("amount").orElseThrow();
        assertThat(amount.value("large").orElseThrow().synonyms()).contains("a lot", "much", "alot");
        assertThat(amount.value("large").orElseThrow().spoken()).contains("a lot").doesNotContain("much", "alot");
        assertThat(amount.value("medium").orElseThrow().spoken()).as("no speak list: the say list").containsExactly("some", "one step");
        Path f = write("speak.yaml", """
                name: speak
                description: bad speak
                parameters:
                  amount:
                    values:
                      small: {ms: 100, speak: a bit}
                body:
                  - wait: "{amount.ms}ms"
                """);
        assertThatThrownBy(() -> SkillLoader.load(f)).hasMessageContaining("'speak' must be a list");
    }

    @Test
    void rejectsAnUnknownKey() throws Exception {
        Path f = write("key.yaml", """
                name: key
                description: bad key
                body:
                  - press: LEFTARROW
                """);
        assertThatThrownBy(() -> SkillLoader.load(f)).hasMessageContaining(":4:").hasMessageContaining("unknown key 'LEFTARROW'");
    }

    @Test
    void rejectsASlotThatNamesNoParameter() throws Exception {
        Path f = write("slot.yaml", """
                name: slot
                description: bad slot
                parameters:
                  direction: [left, right]
                body:
                  - hold: "{dir.key}"
                    for: 100ms
                """);
        assertThatThrownBy(() -> SkillLoader.load(f)).hasMessageContaining(":6:").hasMessageContaining("{dir.key} names no parameter");
    }

    @Test
    void rejectsAnAttributeSomeValueLacks() throws Exception {
        Path f = write("attr.yaml", """
                name: attr
                description: one value lacks the key attribute
                parameters:
                  direction:
                    values:
                      left: {key: LEFT}
                      right: {}
                body:
                  - hold: "{direction.key}"
                    for: 100ms
                """);
        assertThatThrownBy(() -> SkillLoader.load(f)).hasMessageContaining("value 'right' of 'direction' has no attribute 'key'");
    }

    @Test
    void rejectsMissingFieldsAndBadYaml() throws Exception {
        Path noBody = write("nobody.yaml", "name: nobody\ndescription: no body\n");
        assertThatThrownBy(() -> SkillLoader.load(noBody)).hasMessageContaining("'body' must be a non-empty list");
        Path noName = write("noname.yaml", "description: x\nbody:\n  - press: A\n");
        assertThatThrownBy(() -> SkillLoader.load(noName)).hasMessageContaining("missing required field 'name'");
        Path broken = write("broken.yaml", "name: x\ndescription: [unclosed\nbody: []\n");
        assertThatThrownBy(() -> SkillLoader.load(broken)).hasMessageContaining("not valid YAML").hasMessageContaining(broken.toString());
        Path typo = write("typo.yaml", "name: x\ndescripton: y\nbody:\n  - press: A\n");
        assertThatThrownBy(() -> SkillLoader.load(typo)).hasMessageContaining(":2:").hasMessageContaining("unknown field 'descripton'");
    }

    @Test
    void rejectsADefaultThatIsNotAValue() throws Exception {
        Path f = write("def.yaml", """
                name: def
                description: bad default
                parameters:
                  amount: {default: huge, values: [small, large]}
                body:
                  - wait: 10ms
                """);
        assertThatThrownBy(() -> SkillLoader.load(f)).hasMessageContaining(":4:").hasMessageContaining("default 'huge' is not one of [small, large]");
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
