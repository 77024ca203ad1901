package dev.embody.episode;

import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import dev.embody.loop.Outcome;
import dev.embody.loop.StepListener;
import dev.embody.planning.ScenePlannerPolicy;
import dev.embody.profile.SimGameProfile;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimGameTarget;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class EpisodeRunnerTest {

    /** Live, record, eval, the arenas, the fleet's agents, replay and the benchmarks: one place builds their loop. */
    @Test
    void theRunnerIsTheOnlyPlaceUnderSrcMainThatBuildsAnAgentLoop() throws Exception {
        List<String> builders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).strip();
                    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                        continue; // an example in a comment builds nothing
                    }
                    if (code.contains("AgentLoop.builder()") || code.contains("new AgentLoop.Builder(")) {
                        builders.add(f.getFileName() + ":" + (i + 1));
                    }
                }
            }
        }
        assertThat(builders).as("call sites of AgentLoop.builder() under src/main").hasSize(1);
        assertThat(builders.get(0)).startsWith(EpisodeRunner.class.getSimpleName() + ".java:");
    }

    @Test
    void itCountsTheOperatorsCorrectionsAndWhoDecidedEachStep() throws Exception {
        SkillLibrary library = SkillLibrary.load(Path.of("skills/sim-game"));
        SimGameTarget target = new SimGameTarget(SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(600)));
        OperatorInbox inbox = new OperatorInbox();
        SkillCall wait = library.commands().get(0);
        AtomicReference<Boolean> told = new AtomicReference<>(false);
        List<Long> seen = new ArrayList<>();
        // the operator speaks once, after the first step: the second step is theirs
        StepListener operator = (step, observation) -> {
            seen.add(step.index());
            if (!told.getAndSet(true)) {
                inbox.submit(Intervention.command(wait, wait.toString(), "test"));
            }
        };
        AtomicReference<Object> started = new AtomicReference<>();
        EpisodeRunner.Result r = EpisodeRunner.of(target, library, SimGameProfile.standard().modules(library).withPolicy(new ScenePlannerPolicy(library)))
                .goal(SimGame.COLLECT_COINS).inbox(inbox).maxSteps(5).listener(null).listener(operator).started(started::set).run();

        assertThat(started.get()).as("told the loop before it ran").isNotNull();
        assertThat(r.steps()).isEqualTo(5);
        assertThat(seen).hasSize(5);
        assertThat(r.corrections()).isEqualTo(1);
        assertThat(r.by()).containsEntry("operator", 1).containsEntry(new ScenePlannerPolicy(library).name(), 4);
        assertThat(r.outcome()).isNotEqualTo(Outcome.ERROR);
        assertThat(r.seconds()).isPositive();
    }
}
