package dev.embody.correction;

import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The grammar the recogniser listens with, generated from the sim-game skills. */
@Tag("external")
class SpeechGrammarTest {

    static final Path CMUDICT = PocketSphinx.MODEL.resolve("cmudict-en-us.dict");

    @Test
    void eachSkillIsOneRuleWithItsSlotsAsSmallRulesWeightedBySentences() throws Exception {
        PronouncingDictionary dict = PronouncingDictionary.of(Map.of("go", List.of("G OW"), "left", List.of("L EH F T"),
                "a", List.of("AH"), "bit", List.of("B IH T"), "lot", List.of("L AA T")));
        SkillLibrary library = SkillLibrary.load(Path.of("skills/sim-game"));
        SpeechGrammar g = SpeechGrammar.of(library, dict);
        // only what this tiny dictionary can pronounce is listened for; the rest is reported, not silently lost
        assertThat(g.jsgf()).contains("<s_move_direction> = left;").contains("<s_move_amount> = a bit | a lot;")
                .contains("/1/ go <s_move_direction>").contains("/2/ go <s_move_direction> <s_move_amount>");
        assertThat(g.skipped()).contains("west", "stop moving");
        assertThat(g.isCorrection("go left a bit")).isTrue();
        assertThat(g.isCorrection("go west")).isFalse();
        assertThat(g.vocabulary()).containsExactlyInAnyOrder("go", "left", "a", "bit", "lot");
    }

    @Test
    void theSimGameGrammarListensForTheSkillsSpokenWordsEveryOnePronounceable() throws Exception {
        assumeTrue(Files.isRegularFile(CMUDICT), "needs Debian's pocketsphinx-en-us");
        PronouncingDictionary dict = PronouncingDictionary.load(CMUDICT);
        SpeechGrammar g = SpeechGrammar.of(SkillLibrary.load(Path.of("skills/sim-game")), dict);
        assertThat(g.skipped()).isEmpty();
        assertThat(g.vocabulary()).allSatisfy(w -> assertThat(dict.pronounce(w)).as(w).isNotEmpty());
        assertThat(g.isCorrection("a bit more to the left")).isTrue();
        assertThat(g.isCorrection("go leftwards a long way")).isTrue();
        // move.yaml's speak list: typed "much"/"alot" are understood, but the recogniser does not listen for them
        assertThat(g.isCorrection("much left")).isFalse();
        assertThat(g.isCorrection("go left alot")).isFalse();
        assertThat(g.jsgf()).doesNotContain("large").doesNotContain(" much ");
    }

    @Test
    void aWordTheDictionaryLacksIsDerivedFromWordsItHas() throws Exception {
        assumeTrue(Files.isRegularFile(CMUDICT), "needs Debian's pocketsphinx-en-us");
        PronouncingDictionary dict = PronouncingDictionary.load(CMUDICT);
        assertThat(dict.pronounce("leftwards")).containsExactly("L EH F T W ER D Z");
        assertThat(dict.pronounce("rightwards")).containsExactly("R AY T W ER D Z");
        assertThat(dict.pronounce("xqzt")).isEmpty();
        assertThat(dict.entries(List.of("a", "leftwards"))).isEqualTo("a AH\na(2) EY\nleftwards L EH F T W ER D Z\n");
    }
}
