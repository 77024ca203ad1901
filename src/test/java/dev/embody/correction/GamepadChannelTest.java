package dev.embody.correction;

import dev.embody.curation.TagCuration;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Goal;
import dev.embody.loop.Intervention;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.memory.EpisodicMemory;
import dev.embody.perception.GameSceneParser;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.reflection.SceneChangeReflection;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillLibrary;
import dev.embody.task.GoalTaskInference;
import net.java.games.input.AbstractComponent;
import net.java.games.input.AbstractController;
import net.java.games.input.Component;
import net.java.games.input.Controller;
import net.java.games.input.ControllerEnvironment;
import net.java.games.input.Event;
import net.java.games.input.Rumbler;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gamepad mapping through JInput's own controller interfaces. No gamepad exists on this machine (or in CI), so a
 * test controller stands in for one: a real {@link AbstractController} whose stick and buttons the test sets.
 */
class GamepadChannelTest {

    /** A stick axis or button whose value the test sets; JInput reads it through poll() like a device's. */
    static final class TestComponent extends AbstractComponent {
        volatile float value;

        TestComponent(Component.Identifier id) {
            super(id.getName(), id);
        }

        @Override
        protected float poll() {
            return value;
        }

        @Override
        public boolean isRelative() {
            return false;
        }
    }

    /** A gamepad with an X/Y stick and two buttons, standing in for a device (none exists here). */
    static final class TestGamepad extends AbstractController {
        final TestComponent x, y, a, b;
        volatile boolean connected = true;

        TestGamepad(TestComponent x, TestComponent y, TestComponent a, TestComponent b) {
            super("test gamepad (no device on this machine)", new Component[]{x, y, a, b}, new Controller[0], new Rumbler[0]);
            this.x = x;
            this.y = y;
            this.a = a;
            this.b = b;
        }

        static TestGamepad create() {
            return new TestGamepad(new TestComponent(Component.Identifier.Axis.X), new TestComponent(Component.Identifier.Axis.Y),
                    new TestComponent(Component.Identifier.Button._0), new TestComponent(Component.Identifier.Button._1));
        }

        @Override
        public Type getType() {
            return Type.GAMEPAD;
        }

        @Override
        protected boolean getNextDeviceEvent(Event event) {
            return false;
        }

        @Override
        public synchronized boolean poll() {
            return connected && super.poll();
        }
    }

    @Test
    void theSticksDirectionBeyondTheDeadZoneIsTheCommand() {
        assertThat(GamepadChannel.direction(0.1f, -0.2f)).isNull();
        assertThat(GamepadChannel.direction(-0.9f, 0.2f)).isEqualTo("left");
        assertThat(GamepadChannel.direction(1f, 0f)).isEqualTo("right");
        assertThat(GamepadChannel.direction(0.3f, -1f)).isEqualTo("up");
        assertThat(GamepadChannel.direction(0f, 0.8f)).isEqualTo("down");
    }

    @Test
    void stickOverridesWhileDeflectedAndButtonsPauseAndStop() throws Exception {
        TestGamepad pad = TestGamepad.create();
        OperatorInbox inbox = new OperatorInbox();
        GamepadChannel channel = new GamepadChannel(pad, inbox, SimGameProfile.standard().stick(SimGameProfile.standard().skills()));

        assertThat(channel.poll()).isTrue();
        assertThat(inbox.drain()).as("stick at rest: the agent drives").isEmpty();

        pad.x.value = -1f;
        channel.poll();
        List<Intervention> got = inbox.drain();
        assertThat(got).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(Intervention.Kind.COMMAND);
            assertThat(i.command().toString()).isEqualTo("move(direction=left, amount=small)");
            assertThat(i.channel()).isEqualTo("gamepad");
        });
        channel.poll();
        assertThat(inbox.drain()).as("held the same way: no new interrupt, the next steps carry it").isEmpty();

        pad.x.value = 0;
        pad.y.value = 0.9f;
        channel.poll();
        assertThat(inbox.drain()).extracting(i -> i.command().toString()).containsExactly("move(direction=down, amount=small)");

        pad.y.value = 0;
        pad.a.value = 1;
        channel.poll();
        pad.a.value = 0;
        channel.poll();
        pad.a.value = 1;
        channel.poll();
        assertThat(inbox.drain()).extracting(Intervention::kind).containsExactly(Intervention.Kind.PAUSE, Intervention.Kind.RESUME);

        pad.b.value = 1;
        channel.poll();
        channel.poll();
        assertThat(inbox.drain()).extracting(Intervention::kind).containsExactly(Intervention.Kind.STOP);
        assertThat(inbox.stopRequested()).isTrue();

        pad.connected = false;
        assertThat(channel.poll()).as("an unplugged pad is noticed").isFalse();
    }

    @Test
    void eachStepWhileTheStickIsHeldIsStoredAsACorrection() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        TestGamepad pad = TestGamepad.create();
        OperatorInbox inbox = new OperatorInbox();
        GamepadChannel channel = new GamepadChannel(pad, inbox, SimGameProfile.standard().stick(SimGameProfile.standard().skills()));
        List<Step> steps = new CopyOnWriteArrayList<>();
        SimGameTarget target = new SimGameTarget(SimGame.of(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60)));
        pad.y.value = -1f; // up, held for the first four steps
        channel.poll();
        try (GameSceneParser parser = GameSceneParser.forSimGame()) {
            AgentLoop loop = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(lib).modules(SimGameProfile.standard().modules(lib).withPolicy(new ScenePlannerPolicy(lib)))
                    .memory(EpisodicMemory.inMemory()).inbox(inbox).maxSteps(8).listener(channel).listener(new StepListener() {
                        @Override
                        public void onStep(Step step, Observation observation) {
                            steps.add(step);
                            if (steps.size() == 4) {
                                pad.y.value = 0;
                                channel.poll();
                            }
                        }
                    }).build();
            AgentLoop.EpisodeResult r = loop.run();
            assertThat(r.outcome()).isIn(Outcome.MAX_STEPS, Outcome.SUCCESS);
        }
        assertThat(steps.subList(0, 4)).allSatisfy(s -> {
            assertThat(s.decision().by()).isEqualTo("operator");
            assertThat(s.command().toString()).isEqualTo("move(direction=up, amount=small)");
            assertThat(s.correction()).isEqualTo("gamepad stick up");
        });
        assertThat(steps.subList(5, steps.size())).allSatisfy(s -> assertThat(s.decision().by()).isNotEqualTo("operator"));
        assertThat(target.actuator().held()).isEmpty();
    }

    @Test
    void theStickSpeaksTheProfilesSkills_aRobotTurnsAndDrives_aDirectionItLacksCommandsNothing() throws Exception {
        var robot = new dev.embody.profile.RobotProfile(dev.embody.profile.RobotProfile.Config.of(dev.embody.profile.TargetOptions.defaults()));
        StickMapping m = robot.stick(robot.skills());
        assertThat(m.command("left")).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("turn(direction=left, amount=small)"));
        assertThat(m.command("up")).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("move(direction=forward, amount=small)"));

        // a program whose skills have no arrow keys: the stick maps to nothing, and deflecting it sends nothing
        StickMapping none = StickMapping.of(SkillLibrary.load(Path.of("skills/robot")), java.util.Map.of("left", dev.embody.skill.SkillCall.of("press_key", "key", "left")));
        assertThat(none.directions()).isEmpty();
        TestGamepad pad = TestGamepad.create();
        OperatorInbox inbox = new OperatorInbox();
        GamepadChannel channel = new GamepadChannel(pad, inbox, none);
        pad.x.value = -1f;
        channel.poll();
        assertThat(inbox.drain()).isEmpty();
    }

    @Test
    void jinputNativesLoadWithoutACrashAndFindNoControllerHere() {
        // the natives come from target/natives (unpacked from jinput natives-all at build time); on this machine no device
        Controller[] all = ControllerEnvironment.getDefaultEnvironment().getControllers();
        assertThat(all).isNotNull();
        System.out.println("JInput found " + all.length + " controller(s) on this machine");
        if (all.length == 0) {
            assertThat(GamepadChannel.findController()).isEmpty();
        }
    }

    @Test
    void asAPersonsInputForADemonstration_theStickIsKeptRaw_eachStepIsTheCommandItMapsTo_byThePerson_andTheEStopEndsIt() throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        TestGamepad pad = TestGamepad.create();
        OperatorInbox inbox = new OperatorInbox();
        dev.embody.loop.InputLog input = new dev.embody.loop.InputLog();
        GamepadChannel channel = GamepadChannel.demonstrating(pad, inbox, input::add);
        var person = new dev.embody.planning.PersonPolicy(lib, SimGameProfile.standard().stick(lib).directions(), input, Duration.ofMillis(100), true);
        SimGameTarget target = new SimGameTarget(SimGame.of(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(60)));
        List<Step> steps = new CopyOnWriteArrayList<>();
        int startX = target.game().playerX();
        AgentLoop.EpisodeResult r;
        try (var modules = SimGameProfile.standard().modules(lib).withPolicy(person)) {
            r = AgentLoop.builder().goal(SimGame.COLLECT_COINS).target(target).library(lib).modules(modules)
                    .memory(EpisodicMemory.inMemory()).inbox(inbox).maxSteps(20).period(Duration.ofMillis(100)).listener(channel)
                    .listener(new StepListener() {
                        @Override
                        public void onStep(Step step, Observation observation) {
                            steps.add(step);
                            switch (steps.size()) {
                                case 3 -> pad.x.value = -1f;  // the person pushes the stick left after step 2
                                case 6 -> pad.x.value = 0f;   // and lets go after step 5
                                case 9 -> pad.b.value = 1f;   // then hits the e-stop
                                default -> { }
                            }
                            channel.poll();
                        }
                    }).build().run();
        }
        assertThat(r.outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(steps).hasSize(9).allSatisfy(s -> assertThat(s.decision().by()).isEqualTo("person"));
        assertThat(steps.subList(0, 3)).allSatisfy(s -> assertThat(s.command()).hasToString("wait(duration=short)"));
        assertThat(steps.subList(3, 7)).allSatisfy(s -> {
            assertThat(s.command()).as("left while it was deflected in the step's window").hasToString("move(direction=left, amount=small)");
            assertThat(s.sent()).containsExactly("hold LEFT 100ms");
        });
        assertThat(steps.get(3).decision().input().events()).singleElement().satisfies(e -> {
            assertThat(e.event()).isEqualTo("stick");
            assertThat(e.direction()).isEqualTo("left");
            assertThat(e.x()).isEqualTo(-1.0);
        });
        assertThat(steps.get(6).decision().input().events()).extracting(dev.embody.loop.PersonInput.Event::direction).containsExactly((String) null);
        assertThat(steps.get(7).command()).hasToString("wait(duration=short)");
        assertThat(target.game().playerX()).as("the stick's commands moved the player left").isLessThan(startX);
        assertThat(target.actuator().held()).isEmpty();
    }
}
