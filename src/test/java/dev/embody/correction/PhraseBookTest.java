package dev.embody.correction;

import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The sim-game skills compiled for reading sentences: phrases as matchers, values' word forms, each skill's own words. */
class PhraseBookTest {

    static PhraseBook book;

    @BeforeAll
    static void compile() throws Exception {
        book = new PhraseBook(SkillLibrary.load(Path.of("skills", "sim-game")), Set.of("the", "to", "a", "more"));
    }

    @Test
    void aWholeSentenceThatIsOneOfASkillsPhrasesBindsToItsCommand() {
        PhraseBook.Matched m = book.whole("go left a bit");

        assertThat(m.phrase().phrase().text()).isEqualTo("go {direction} {amount}");
        assertThat(m.call()).hasToString("move(direction=left, amount=small)");
        // a synonym fills a slot as its value's name does
        assertThat(book.whole("head west").call()).hasToString("move(direction=left, amount=medium)");
        // only a whole sentence is a phrase
        assertThat(book.whole("go left and then right")).isNull();
    }

    @Test
    void aValueIsSaidByItsNameAndItsSynonyms_theLongestFormFirst() {
        List<List<String>> small = book.forms().stream()
                .filter(f -> f.skill().equals("move") && f.value().equals("small")).map(PhraseBook.ValueForm::words).toList();

        assertThat(small).contains(List.of("small"), List.of("a", "little", "bit"), List.of("nudge"));
        assertThat(book.forms().get(0).words()).hasSize(book.forms().stream().mapToInt(f -> f.words().size()).max().orElseThrow());
    }

    @Test
    void aSkillsOwnWordsAreItsPhraseWordsThatAreNotSlotsOrFunctionWords() {
        assertThat(book.anchors("move")).contains("go", "move", "turn", "head", "nudge").doesNotContain("the", "to", "direction");
        assertThat(book.isAnchor("nudge")).isTrue();
        assertThat(book.isAnchor("banana")).isFalse();
        // what in a sentence points at a skill: its own words and its values said
        assertThat(book.pointingAt("move", Reading.words("please nudge it west"))).containsExactly("\"nudge\"", "\"west\"");
        assertThat(book.words()).contains("nudge", "west", "little").doesNotContain("banana");
    }

    @Test
    void examplesAreTheFirstPhrasesWithASlotFilledByItsFirstValue() {
        // move's first phrases are "{direction}" and "go {direction}"; left is direction's first value
        assertThat(book.examples()).containsExactly("\"left\"", "\"go left\"");
    }
}
