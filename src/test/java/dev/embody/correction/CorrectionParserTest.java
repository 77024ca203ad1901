package dev.embody.correction;

import dev.embody.correction.Understanding.Kind;
import dev.embody.loop.Intervention;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What the parser makes of what operators type, over the project's sim-game skills. */
class CorrectionParserTest {

    static CorrectionParser parser;

    @BeforeAll
    static void load() throws Exception {
        parser = new CorrectionParser(SkillLibrary.load(Path.of("skills", "sim-game")));
    }

    static final String L = "move(direction=left, amount=medium)";
    static final String R = "move(direction=right, amount=medium)";
    static final String U = "move(direction=up, amount=medium)";
    static final String D = "move(direction=down, amount=medium)";

    static String move(String direction, String amount) {
        return "move(direction=" + direction + ", amount=" + amount + ")";
    }

    /** text, kind, the command (COMMAND) or the goal / note text (GOAL, NOTE), or null. */
    static Stream<Arguments> commands() {
        return Stream.of(
                arguments("left", Kind.COMMAND, L),
                arguments("left!", Kind.COMMAND, L),
                arguments("LEFT!!!", Kind.COMMAND, L),
                arguments("go left", Kind.COMMAND, L),
                arguments("no, go up", Kind.COMMAND, U),
                arguments("no no, go down", Kind.COMMAND, D),
                arguments("a bit more to the left", Kind.COMMAND, move("left", "small")),
                arguments("a little more to the right", Kind.COMMAND, move("right", "small")),
                arguments("um, a bit to the right please", Kind.COMMAND, move("right", "small")),
                arguments("go right a lot", Kind.COMMAND, move("right", "large")),
                arguments("go up a lot", Kind.COMMAND, move("up", "large")),
                arguments("far left", Kind.COMMAND, move("left", "large")),
                arguments("all the way to the right", Kind.COMMAND, move("right", "large")),
                arguments("nudge down", Kind.COMMAND, move("down", "small")),
                arguments("slightly up", Kind.COMMAND, move("up", "small")),
                arguments("head west", Kind.COMMAND, L),
                arguments("go north", Kind.COMMAND, U),
                arguments("move east", Kind.COMMAND, R),
                arguments("turn south", Kind.COMMAND, D),
                arguments("go to the left", Kind.COMMAND, L),
                arguments("okay so go right", Kind.COMMAND, R),
                arguments("uh, left", Kind.COMMAND, L),
                arguments("now go up", Kind.COMMAND, U),
                arguments("go left now", Kind.COMMAND, L),
                arguments("more to the left", Kind.COMMAND, L),
                arguments("robot, go down", Kind.COMMAND, D),
                arguments("can you go left please", Kind.COMMAND, L),
                // misspelled
                arguments("moev lfet", Kind.COMMAND, L),
                arguments("go rigth", Kind.COMMAND, R),
                arguments("dwon", Kind.COMMAND, D),
                arguments("no, go donw a lot", Kind.COMMAND, move("down", "large")),
                arguments("not lfet, rihgt", Kind.COMMAND, R),
                arguments("a bit mroe to the lefft", Kind.COMMAND, move("left", "small")),
                arguments("go rihgt alot", Kind.COMMAND, move("right", "large")),
                arguments("a littel bit to the rigth", Kind.COMMAND, move("right", "small")),
                arguments("lfet!", Kind.COMMAND, L),
                // not a phrase, but the words name it
                arguments("to the left a bit", Kind.COMMAND, move("left", "small")),
                arguments("no, not left, right", Kind.COMMAND, R),
                arguments("not up, go down", Kind.COMMAND, D),
                arguments("no, lava! go right", Kind.COMMAND, R),
                arguments("continue left", Kind.COMMAND, L),
                arguments("keep going up a lot", Kind.COMMAND, move("up", "large")),
                arguments("left left left", Kind.COMMAND, L),
                arguments("go left toward the coin", Kind.COMMAND, L),
                // the other skills
                arguments("wait", Kind.COMMAND, "wait(duration=short)"),
                arguments("wait a while", Kind.COMMAND, "wait(duration=long)"),
                arguments("hang on", Kind.COMMAND, "wait(duration=short)"),
                arguments("stop moving", Kind.COMMAND, "stop"),
                arguments("stand still please", Kind.COMMAND, "stop"),
                arguments("stay put", Kind.COMMAND, "stop"));
    }

    static Stream<Arguments> others() {
        return Stream.of(
                // stop always wins
                arguments("stop", Kind.STOP, null),
                arguments("STOP!", Kind.STOP, null),
                arguments("stop, there is lava", Kind.STOP, null),
                arguments("halt now", Kind.STOP, null),
                arguments("halt", Kind.STOP, null),
                arguments("please stop", Kind.STOP, null),
                arguments("whoa whoa", Kind.STOP, null),
                arguments("emergency stop", Kind.STOP, null),
                arguments("e-stop", Kind.STOP, null),
                arguments("freeze!", Kind.STOP, null),
                arguments("stpo", Kind.STOP, null),
                arguments("no no stop going left", Kind.STOP, null),
                arguments("stop moving, there is lava!", Kind.STOP, null),
                // pause, resume, step
                arguments("pause", Kind.PAUSE, null),
                arguments("pause the game please", Kind.PAUSE, null),
                arguments("puase", Kind.PAUSE, null),
                arguments("resume", Kind.RESUME, null),
                arguments("continue", Kind.RESUME, null),
                arguments("ok, go on", Kind.RESUME, null),
                arguments("keep going", Kind.RESUME, null),
                arguments("step", Kind.STEP, null),
                arguments("next step", Kind.STEP, null),
                arguments("single step please", Kind.STEP, null),
                // goals
                arguments("now go to the flag", Kind.GOAL, "go to the flag"),
                arguments("collect the coins", Kind.GOAL, "collect the coins"),
                arguments("go get the coins", Kind.GOAL, "go get the coins"),
                arguments("reach the flag", Kind.GOAL, "reach the flag"),
                arguments("new goal: reach the flag", Kind.GOAL, "reach the flag"),
                arguments("colect all coins", Kind.GOAL, "collect all coins"),
                // standing notes
                arguments("avoid the lava on the right", Kind.NOTE, "avoid the lava on the right"),
                arguments("remember: the lava is on the right", Kind.NOTE, "the lava is on the right"),
                arguments("remember that walls block you", Kind.NOTE, "walls block you"),
                arguments("note: coins near lava are not worth it", Kind.NOTE, "coins near lava are not worth it"),
                arguments("watch out for lava", Kind.NOTE, "watch out for lava"),
                arguments("don't go near the lava", Kind.NOTE, "don't go near the lava"),
                arguments("keep in mind the flag is far", Kind.NOTE, "the flag is far"),
                // ambiguous: applied never
                arguments("left or right", Kind.AMBIGUOUS, null),
                arguments("go up and down", Kind.AMBIGUOUS, null),
                arguments("go left a bit, no, a lot", Kind.AMBIGUOUS, null),
                arguments("go left then wait a while", Kind.AMBIGUOUS, null),
                // not understood: applied never
                arguments("", Kind.NOT_UNDERSTOOD, null),
                arguments("   ", Kind.NOT_UNDERSTOOD, null),
                arguments("?!", Kind.NOT_UNDERSTOOD, null),
                arguments("um", Kind.NOT_UNDERSTOOD, null),
                arguments("no", Kind.NOT_UNDERSTOOD, null),
                arguments("asdf qwer", Kind.NOT_UNDERSTOOD, null),
                arguments("what a nice day", Kind.NOT_UNDERSTOOD, null),
                arguments("the quick brown fox jumps over the lazy dog", Kind.NOT_UNDERSTOOD, null),
                arguments("I like turtles and pizza on the left", Kind.NOT_UNDERSTOOD, null),
                arguments("go", Kind.NOT_UNDERSTOOD, null),
                arguments("a bit more", Kind.NOT_UNDERSTOOD, null),
                arguments("never mind", Kind.NOT_UNDERSTOOD, null),
                arguments("it might be better", Kind.NOT_UNDERSTOOD, null),
                arguments("remember", Kind.NOT_UNDERSTOOD, null));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1} {2}")
    @MethodSource({"commands", "others"})
    void understands(String text, Kind kind, String expected) {
        Understanding u = parser.parse(text);
        assertThat(u.kind()).as("%s: %s", text, u.explanation()).isEqualTo(kind);
        assertThat(u.text()).isEqualTo(text);
        assertThat(u.explanation()).isNotBlank();
        assertThat(u.confidence()).isBetween(0.0, 1.0);
        switch (kind) {
            case COMMAND -> {
                assertThat(u.command()).as(u.explanation()).hasToString(expected);
                assertThat(u.toIntervention("test")).get().extracting(Intervention::command).isEqualTo(u.command());
                assertThat(u.confidence()).isGreaterThanOrEqualTo(0.5);
            }
            case GOAL, NOTE -> {
                assertThat(u.argument()).isEqualTo(expected);
                assertThat(u.toIntervention("test")).get().extracting(Intervention::argument).isEqualTo(expected);
            }
            case NOT_UNDERSTOOD, AMBIGUOUS -> {
                assertThat(u.understood()).isFalse();
                assertThat(u.command()).isNull();
                assertThat(u.toIntervention("test")).isEmpty();
                assertThat(u.confidence()).isZero();
            }
            default -> {
                assertThat(u.command()).isNull();
                assertThat(u.toIntervention("test")).get().extracting(Intervention::kind).hasToString(kind.name());
            }
        }
    }

    @Test
    void anExactPhraseIsSurerThanATypoOrAGuess() {
        double exact = parser.parse("go left").confidence();
        double typo = parser.parse("go lfet").confidence();
        double partial = parser.parse("to the left a bit, there is a coin").confidence();
        assertThat(exact).isEqualTo(1.0);
        assertThat(typo).isLessThan(exact);
        assertThat(partial).isLessThan(exact).isGreaterThan(0.5);
    }

    /** A guess that would move or stop the agent is applied only when it clears the floor; otherwise the parser asks. */
    @Test
    void aWeakGuessIsNotAppliedButAskedAboutWithItsNearestCandidates() {
        // "move" is a word of two skills (move, and stop's "don't move"); "leftish" is no word: the guess was the stop skill
        Understanding leftish = parser.parse("move leftish");
        assertThat(leftish.kind()).as(leftish.explanation()).isEqualTo(Kind.NOT_UNDERSTOOD);
        assertThat(leftish.toIntervention("test")).isEmpty();
        assertThat(leftish.explanation()).contains("'move' needs direction (left, right, up, down)").contains("'stop'");
        // half the words unknown: the guess "move left" is below the floor
        Understanding banana = parser.parse("banana left");
        assertThat(banana.kind()).as(banana.explanation()).isEqualTo(Kind.NOT_UNDERSTOOD);
        assertThat(banana.explanation()).contains("not sure enough").contains("move(direction=left, amount=medium)").contains("0.45")
                .contains(String.format(java.util.Locale.ROOT, "%.2f", CorrectionParser.MIN_CONFIDENCE)).contains("banana");
        // what clears the floor is still applied
        assertThat(parser.parse("go left toward the coin").confidence()).isGreaterThanOrEqualTo(CorrectionParser.MIN_CONFIDENCE);
        assertThat(parser.parse("lfet plaese").kind()).isEqualTo(Kind.COMMAND);
    }

    @Test
    void explanationsSayWhatWasReadAndWhy() {
        assertThat(parser.parse("moev lfet").explanation()).contains("\"moev\" as \"move\"", "\"lfet\" as \"left\"");
        assertThat(parser.parse("left or right").explanation()).contains("left or right");
        assertThat(parser.parse("go").explanation()).contains("needs direction (left, right, up, down)");
        assertThat(parser.parse("um, left please").explanation()).contains("ignored", "\"um\"", "\"please\"");
        assertThat(parser.parse("stop, there is lava").explanation()).contains("stop always wins");
    }

    @Test
    void garbageNeverThrowsAndIsNeverAppliedSilently() {
        java.util.Random random = new java.util.Random(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyz       ,.!?'-0123456789\u00e9\u4e2d";
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(60); n > 0; n--) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Understanding u = parser.parse(sb.toString());
            assertThat(u.explanation()).as(sb.toString()).isNotBlank();
            assertThat(u.confidence()).isBetween(0.0, 1.0);
            assertThat(u.understood()).isEqualTo(u.toIntervention("fuzz").isPresent());
        }
        assertThat(parser.parse(null).kind()).isEqualTo(Kind.NOT_UNDERSTOOD);
        assertThat(parser.parse("left ".repeat(5000)).explanation()).startsWith("too long: 5000 words");
        assertThat(parser.parse("left ".repeat(5000)).understood()).isFalse();
    }

    @Test
    void stopWinsOverAnySkillThatClaimsTheBareWord() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("skills");
        java.nio.file.Files.writeString(dir.resolve("brake.yaml"), """
                name: brake
                description: Brake.
                tags: [any]
                phrases: ["stop", "brake"]
                body:
                  - release_all: true
                """);
        CorrectionParser p = new CorrectionParser(SkillLibrary.load(dir));
        assertThat(p.parse("stop").kind()).isEqualTo(Kind.STOP);
        assertThat(p.parse("brake").command()).hasToString("brake");
    }

    @Test
    void worksOverAnySkillLibrary() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("skills");
        java.nio.file.Files.writeString(dir.resolve("gripper.yaml"), """
                name: gripper
                description: Open or close the gripper.
                tags: [robot]
                parameters:
                  state:
                    values:
                      open:  {say: [release, let go]}
                      close: {say: [grab it, grip, squeeze]}
                phrases: ["{state} the gripper", "{state}"]
                body:
                  - publish: {topic: "gripper", payload: "{state}"}
                """);
        CorrectionParser p = new CorrectionParser(SkillLibrary.load(dir));
        assertThat(p.parse("close the gripper").command()).hasToString("gripper(state=close)");
        assertThat(p.parse("um, let go please").command()).hasToString("gripper(state=open)");
        assertThat(p.parse("opne the griper").command()).hasToString("gripper(state=open)");
        assertThat(p.parse("open or close").kind()).isEqualTo(Kind.AMBIGUOUS);
        assertThat(p.parse("go left").kind()).isEqualTo(Kind.NOT_UNDERSTOOD);
    }

    @Test
    void aRecognisersTranscriptNamesAStopOnlyWithTheWordItself() {
        // typed text forgives "stpo"; a recogniser writes whole words, so "shop close" is talk, not a stop
        assertThat(CorrectionParser.namesStopExactly("stop now please")).isTrue();
        assertThat(CorrectionParser.namesStopExactly("HALT!")).isTrue();
        assertThat(CorrectionParser.namesStopExactly("what time does the shop close")).isFalse();
        assertThat(CorrectionParser.namesStopExactly("a stopwatch")).isFalse();
    }
}
