package dev.embody.curation;

import dev.embody.file.BadFileException;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillFolder;
import dev.embody.skill.SkillLibrary;
import dev.embody.skill.TargetPrimitives;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Intervention;
import dev.embody.loop.Modules;
import dev.embody.loop.Observation;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.loop.Target;
import dev.embody.memory.EpisodicMemory;
import dev.embody.profile.EpisodeSpec;
import dev.embody.profile.Profile;
import dev.embody.profile.Profiles;
import dev.embody.profile.SimGameProfile;
import dev.embody.profile.TargetOptions;
import dev.embody.sim.SimGame;
import dev.embody.testkit.StandInModel;
import dev.embody.vlm.ModelSession;
import dev.embody.vlm.SkillProposals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Skill curation by a model (the stand-in server: no model exists here), and the skills it proposes: checked as a
 * skill file, and added only once the operator approves.
 */
class VlmCurationTest {

    static final String HALT = "name: halt\ndescription: Let go of everything at once.\ntags: [any]\nphrases: [\"halt\"]\nbody:\n  - release_all: true\n";
    static final String BEEP = "name: beep\ndescription: Publish a beep.\ntags: [any]\nbody:\n  - publish: {topic: beep, payload: \"1\"}\n";

    @TempDir
    Path dir;

    Path skills() throws Exception {
        Path s = dir.resolve("skills");
        Files.createDirectories(s);
        for (String f : List.of("move.yaml", "stop.yaml", "wait.yaml")) {
            Files.copy(Path.of("skills/sim-game", f), s.resolve(f));
        }
        return s;
    }

    @Test
    void theModelsCommandsAreTheLibrarysAndAProposedSkillIsAddedOnlyWhenApproved() throws Exception {
        Path folder = skills();
        List<Step> steps = new ArrayList<>();
        OperatorInbox inbox = new OperatorInbox();
        try (StandInModel model = StandInModel.start();
             Profile p = Profiles.open(SimGameProfile.NAME, TargetOptions.defaults().withSkills(folder), model.choice(model.settings(dir.resolve("vlm"), true), "curation"))) {
            ModelSession session = Profiles.modelSession(p).orElseThrow();
            session.proposals().attach(inbox);
            model.server.propose(HALT);
            SkillLibrary library = p.skills();
            try (Target t = p.open(new EpisodeSpec(2, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90), false, null)); Modules m = p.modules(library)) {
                AgentLoop loop = AgentLoop.builder().target(t).library(library).modules(m).memory(EpisodicMemory.inMemory()).goal(SimGame.COLLECT_COINS)
                        .inbox(inbox).skillFolder(new SkillFolder(folder)).maxSteps(6).listener(new StepListener() {
                            @Override
                            public void onStep(Step step, Observation observation) {
                                steps.add(step);
                                if (step.index() == 2) {
                                    // the operator approves in the console
                                    SkillProposals.Proposal waiting = session.proposals().waiting().get(0);
                                    session.proposals().decide(waiting.id(), true, "web");
                                }
                            }
                        }).build();
                assertThat(session.proposals().waiting()).isEmpty();
                loop.run();
                assertThat(steps.get(0).candidates()).as("the model listed every command of the prompt").hasSize(library.commands().size());
                assertThat(steps.get(0).candidates()).allMatch(c -> library.indexOf(c) >= 0);
                assertThat(loop.library().skill("halt")).as("added between steps once approved").isPresent();
                assertThat(folder.resolve("halt.yaml")).hasContent(HALT.strip());
                assertThat(steps.get(4).candidates()).contains(SkillCall.of("halt"));
                assertThat(session.proposals().all()).singleElement().extracting(SkillProposals.Proposal::state).isEqualTo("approved");
                assertThatThrownBy(() -> session.proposals().decide(1, true, "web")).hasMessageContaining("approved already");
            }
        }
    }

    @Test
    void aProposedSkillOverPrimitivesTheTargetLacksIsRefusedWithItsReason() throws Exception {
        try (StandInModel model = StandInModel.start();
             Profile p = Profiles.choose(SimGameProfile.standard(), model.choice(model.settings(dir.resolve("vlm"), true), "curation"))) {
            ModelSession session = Profiles.modelSession(p).orElseThrow();
            model.server.propose(BEEP);
            SkillLibrary library = p.skills();
            try (Modules m = p.modules(library)) {
                List<SkillCall> c = m.curation().curate(dev.embody.loop.Task.of("collect all coins", "navigate", "go"), dev.embody.loop.Scene.empty(640, 360, "px"),
                        library, EpisodicMemory.inMemory());
                assertThat(c).isNotEmpty().allMatch(x -> library.indexOf(x) >= 0);
            }
            assertThat(session.proposals().all()).isEmpty();
            assertThat(session.takeNotes()).singleElement().asString()
                    .isEqualTo("curation: proposed skill refused: 'publish' is not something the sim-game target can do (its actuator can: call, hold, press, release_all, wait)");
        }
    }

    @Test
    void theCheckIsTheSkillFilesOwn() throws Exception {
        SkillLibrary library = SimGameProfile.standard().skills();
        TargetPrimitives keys = SimGameProfile.standard().primitives();
        assertThat(VlmCuration.check(HALT, library, keys).name()).isEqualTo("halt");
        assertThatThrownBy(() -> VlmCuration.check("name: move\ndescription: again\nbody:\n  - press: UP\n", library, keys))
                .hasMessageContaining("a skill 'move' exists already");
        assertThatThrownBy(() -> VlmCuration.check("name: x\nbody: [{explode: now}]\n", library, keys)).hasMessageContaining("proposed");
    }

    /** A model may propose a robot skill only over its own robot's topics; the loop's teaching checks the same again. */
    @Test
    void aProposedRobotSkillThatPublishesToAnotherRobotIsRefusedWithItsLine() throws Exception {
        Profile robot = Profiles.open("sim-robot", TargetOptions.defaults());
        SkillLibrary library = robot.skills();
        String far = "name: far\ndescription: Drive r8.\nbody:\n  - publish:\n      topic: embody/robots/r8/cmd\n"
                + "      payload: {op: move, direction: forward, distance_m: 100, speed_mps: 1e9}\n";
        assertThatThrownBy(() -> VlmCuration.check(far, library, robot.primitives())).isInstanceOf(BadFileException.class)
                .hasMessageStartingWith(Path.of("proposed", "skill.yaml") + ":5: publish topic 'embody/robots/r8/cmd' is not one of this robot's own topics");
        assertThatThrownBy(() -> VlmCuration.check(far.replace("embody/robots/r8/cmd", "../r8/cmd"), library, robot.primitives()))
                .hasMessageContaining(":5: publish topic '../r8/cmd' is not one of this robot's own topics");
        assertThatThrownBy(() -> SkillFolder.inMemory().teach(far, library)).isInstanceOf(BadFileException.class)
                .hasMessageContaining("is not one of this robot's own topics");
        assertThat(VlmCuration.check(far.replace("embody/robots/r8/cmd", "cmd").replace("distance_m: 100, speed_mps: 1e9", "distance_m: 0.05"),
                library, robot.primitives()).name()).isEqualTo("far");
        robot.close();
    }

    @Test
    void withTheExplicitFlagAProposalGoesStraightToTheInbox() {
        SkillProposals flagged = new SkillProposals(true);
        OperatorInbox inbox = new OperatorInbox();
        flagged.attach(inbox);
        assertThat(flagged.propose("halt", HALT, "why not").orElseThrow().state()).isEqualTo("approved");
        assertThat(inbox.drain()).singleElement().satisfies(i -> {
            assertThat(i.kind()).isEqualTo(Intervention.Kind.TEACH);
            assertThat(i.argument()).isEqualTo(HALT);
            assertThat(i.channel()).isEqualTo("vlm --vlm-add-skills");
        });
        assertThat(flagged.propose("halt", HALT, "again")).as("one proposal a name a session").isEmpty();
    }
}
