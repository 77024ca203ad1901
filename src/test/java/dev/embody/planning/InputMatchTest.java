package dev.embody.planning;

import dev.embody.loop.Entity;
import dev.embody.loop.PersonInput.Event;
import dev.embody.loop.Scene;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A person's input read as the commands of the project's own skill folders, one step's window at a time. */
class InputMatchTest {

    static SkillLibrary skills(String target) throws Exception {
        return SkillLibrary.load(Path.of("skills", target));
    }

    static Event at(double ms, Event e) {
        return e.at(ms);
    }

    @Nested
    class SimGame {
        final InputMatch match;

        SimGame() throws Exception {
            match = new InputMatch(skills("sim-game"), Map.of());
        }

        @Test
        void aKeyHeldThroughWindowsIsTheHoldNearestEachWindow_thenLetGo_thenIdle() {
            var m1 = match.next(List.of(at(0, Event.keyDown("RIGHT"))), 100, null);
            assertThat(m1.command()).hasToString("move(direction=right, amount=small)");
            assertThat(m1.idle()).isFalse();
            assertThat(m1.why()).contains("RIGHT").contains("holds RIGHT 100 ms");
            // no event at all: RIGHT is still down from the window before
            assertThat(match.next(List.of(), 100, null).command()).hasToString("move(direction=right, amount=small)");
            var m3 = match.next(List.of(at(50, Event.keyUp("RIGHT"))), 100, null);
            assertThat(m3.command()).hasToString("move(direction=right, amount=small)");
            var m4 = match.next(List.of(), 100, null);
            assertThat(m4.command()).as("nothing pressed is the idle command, the wait nearest the window").hasToString("wait(duration=short)");
            assertThat(m4.idle()).isTrue();
            assertThat(m4.why()).startsWith("nothing pressed");
            assertThat(m4.unmapped()).isEmpty();
        }

        @Test
        void theHoldChosenIsTheOneWhoseDurationIsNearestTheTimeTheKeyWasDown_tiesToTheShorter() {
            assertThat(new InputMatch(match(), Map.of()).next(List.of(at(0, Event.keyDown("UP"))), 450, null).command())
                    .hasToString("move(direction=up, amount=large)");
            assertThat(new InputMatch(match(), Map.of()).next(List.of(at(0, Event.keyDown("UP"))), 250, null).command())
                    .hasToString("move(direction=up, amount=medium)");
            assertThat(new InputMatch(match(), Map.of()).next(List.of(at(0, Event.keyDown("UP"))), 300, null).command())
                    .as("300 ms is as far from 200 as from 400: the shorter").hasToString("move(direction=up, amount=medium)");
            assertThat(new InputMatch(match(), Map.of()).next(List.of(at(10, Event.keyDown("DOWN")), at(30, Event.keyUp("DOWN"))), 100, null).command())
                    .as("a 20 ms tap: the smallest hold").hasToString("move(direction=down, amount=small)");
        }

        @Test
        void aKeyNoSkillSendsIsUnmapped_andTheStepIsIdle() {
            var m = match.next(List.of(at(5, Event.keyDown("Q")), at(40, Event.keyUp("Q"))), 100, null);
            assertThat(m.command()).hasToString("wait(duration=short)");
            assertThat(m.idle()).isTrue();
            assertThat(m.unmapped()).containsExactly("pressed Q (35 ms), which no skill sends");
            assertThat(m.why()).contains("pressed Q");
        }

        @Test
        void idleWaitsAsLongAsTheWindowAsNearlyAsTheSkillsAllow() {
            assertThat(match.idle(100)).hasToString("wait(duration=short)");
            assertThat(match.idle(600)).hasToString("wait(duration=long)");
        }

        @Test
        void twoKeysAtOnce_theStepIsTheOneThatExplainsTheWindowBest_theOtherIsListedAsAlso() {
            var m = match.next(List.of(at(0, Event.keyDown("RIGHT")), at(40, Event.keyDown("UP")), at(70, Event.keyUp("UP"))), 100, null);
            assertThat(m.command()).hasToString("move(direction=right, amount=small)");
            assertThat(m.also()).singleElement().asString().startsWith("move(direction=up, amount=small)");
            assertThat(m.unmapped()).isEmpty();
        }

        private SkillLibrary match() {
            try {
                return skills("sim-game");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    class Desktop {
        final InputMatch match;
        final Scene scene = new Scene(640, 360, "px", List.of(new Entity("template:save", 100, 50, 40, 20)), null);

        Desktop() throws Exception {
            match = new InputMatch(skills("desktop"), Map.of());
        }

        @Test
        void aChordIsTheHotkeyThatPressesIt() {
            var m = match.next(List.of(at(0, Event.keyDown("CONTROL")), at(20, Event.keyDown("S")), at(40, Event.keyUp("S")),
                    at(60, Event.keyUp("CONTROL"))), 100, null);
            assertThat(m.command()).hasToString("hotkey(keys=save)");
            assertThat(m.why()).contains("pressed CONTROL+S").contains("presses CONTROL+S");
            assertThat(m.unmapped()).as("CONTROL was part of the chord, not a press of its own").isEmpty();
        }

        @Test
        void aTapIsAPress_andAKeyStillDownInTheNextWindowIsNotPressedAgain() {
            var m1 = match.next(List.of(at(90, Event.keyDown("RIGHT"))), 100, null);
            assertThat(m1.command()).hasToString("press_key(key=right)");
            var m2 = match.next(List.of(at(20, Event.keyUp("RIGHT"))), 100, null);
            assertThat(m2.command()).hasToString("wait(duration=short)");
            assertThat(m2.unmapped()).isEmpty();
            assertThat(match.next(List.of(at(10, Event.keyDown("ENTER")), at(30, Event.keyUp("ENTER"))), 100, null).command())
                    .hasToString("press_key(key=enter)");
        }

        @Test
        void typingAcrossWindowsIsIdleUntilTheTextIsComplete_thenTheTypeCommand() {
            var m1 = match.next(List.of(at(0, Event.keyDown("H")), at(20, Event.keyUp("H")), at(50, Event.keyDown("E")), at(70, Event.keyUp("E"))), 100, null);
            assertThat(m1.command()).hasToString("wait(duration=short)");
            assertThat(m1.why()).startsWith("typing 'he'");
            assertThat(m1.unmapped()).isEmpty();
            var m2 = match.next(List.of(at(0, Event.keyDown("L")), at(10, Event.keyUp("L")), at(30, Event.keyDown("L")), at(40, Event.keyUp("L")),
                    at(60, Event.keyDown("O")), at(80, Event.keyUp("O"))), 100, null);
            assertThat(m2.command()).hasToString("type_text(text=hello)");
            assertThat(m2.why()).contains("typed 'hello'");
        }

        @Test
        void typingThatIsNoSkillsTextIsUnmapped() {
            var m = match.next(List.of(at(0, Event.keyDown("X")), at(20, Event.keyUp("X"))), 100, null);
            assertThat(m.command()).hasToString("wait(duration=short)");
            assertThat(m.unmapped()).containsExactly("typed 'x' (no skill types it)");
        }

        @Test
        void typingThatStopsHalfWayIsGivenUpAfterAPause() {
            match.next(List.of(at(0, Event.keyDown("D")), at(20, Event.keyUp("D"))), 100, null);
            List<String> unmapped = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                unmapped.addAll(match.next(List.of(), 100, null).unmapped());
            }
            assertThat(unmapped).containsExactly("typed 'd' (no skill types it)");
        }

        @Test
        void aClickOnAnEntityIsTheClickCommandAimedAtIt_aClickOnNothingIsUnmapped() {
            var on = match.next(List.of(at(10, Event.buttonDown("LEFT", 104, 48)), at(30, Event.buttonUp("LEFT", 104, 48))), 100, scene);
            assertThat(on.command()).hasToString("click_template(template=save)");
            assertThat(on.why()).contains("clicked LEFT at (104,48)").contains("clicks LEFT at template:save");
            var off = match.next(List.of(at(10, Event.buttonDown("LEFT", 600, 20)), at(30, Event.buttonUp("LEFT", 600, 20))), 100, scene);
            assertThat(off.command()).hasToString("wait(duration=short)");
            assertThat(off.unmapped()).containsExactly("clicked LEFT at (600,20), which no skill sends");
            var noTemplateOnScreen = match.next(List.of(at(10, Event.buttonDown("LEFT", 104, 48))), 100, Scene.empty(640, 360, "px"));
            assertThat(noTemplateOnScreen.unmapped()).hasSize(1);
        }

        @Test
        void scrollingIsTheScrollOfThatDirectionWithTheNearestNotches() {
            assertThat(match.next(List.of(at(0, Event.scroll(1, 5, 5)), at(10, Event.scroll(1, 5, 5)), at(20, Event.scroll(1, 5, 5))), 100, null)
                    .command()).hasToString("scroll(direction=down, amount=small)");
            assertThat(match.next(List.of(at(0, Event.scroll(-9, 5, 5))), 100, null).command()).hasToString("scroll(direction=up, amount=large)");
            assertThat(match.next(List.of(at(0, Event.scroll(5, 5, 5))), 100, null).command()).hasToString("scroll(direction=down, amount=small)");
        }

        @Test
        void aModifierPressedAloneIsUnmappedWhereNoSkillPressesIt() {
            var m = match.next(List.of(at(0, Event.keyDown("CONTROL")), at(50, Event.keyUp("CONTROL"))), 100, null);
            assertThat(m.command()).hasToString("wait(duration=short)");
            assertThat(m.unmapped()).containsExactly("pressed CONTROL (50 ms), which no skill sends");
        }
    }

    @Nested
    class Robot {
        final SkillLibrary library;
        final InputMatch match;

        Robot() throws Exception {
            library = skills("robot");
            match = new InputMatch(library, Map.of("left", SkillCall.parse("turn(direction=left, amount=small)")));
        }

        @Test
        void aConsoleButtonsCommandIsTheStepsCommand_nothingPressedIsStop() {
            var m = match.next(List.of(at(30, Event.command("move(direction=forward, amount=small)"))), 100, null);
            assertThat(m.command()).hasToString("move(direction=forward, amount=small)");
            assertThat(m.idle()).isFalse();
            assertThat(match.next(List.of(), 100, null).command()).as("the robot's idle skill: stop").hasToString("stop");
            assertThat(match.next(List.of(at(0, Event.command("turn(direction=left)"))), 100, null).command())
                    .as("defaults filled in").hasToString("turn(direction=left, amount=medium)");
        }

        @Test
        void aCommandTheSkillsDoNotHaveIsUnmapped() {
            var m = match.next(List.of(at(30, Event.command("fly(direction=up)"))), 100, null);
            assertThat(m.command()).hasToString("stop");
            assertThat(m.unmapped()).singleElement().asString().startsWith("command fly(direction=up) (no skill 'fly'");
        }

        @Test
        void theStickIsTheCommandItsDirectionMapsTo_whileItStaysDeflected() {
            assertThat(match.next(List.of(at(0, Event.stick("left", -0.9, 0))), 100, null).command()).hasToString("turn(direction=left, amount=small)");
            assertThat(match.next(List.of(), 100, null).command()).as("still deflected").hasToString("turn(direction=left, amount=small)");
            assertThat(match.next(List.of(at(10, Event.stick(null, 0, 0))), 100, null).command())
                    .as("let go early in the window: it was deflected in it").hasToString("turn(direction=left, amount=small)");
            assertThat(match.next(List.of(), 100, null).command()).hasToString("stop");
            var up = match.next(List.of(at(0, Event.stick("up", 0, -1)), at(50, Event.stick(null, 0, 0))), 100, null);
            assertThat(up.command()).hasToString("stop");
            assertThat(up.unmapped()).containsExactly("stick up (this target's stick commands nothing that way)");
        }
    }
}
