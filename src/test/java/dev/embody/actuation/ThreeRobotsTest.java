package dev.embody.actuation;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Outcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Three agents drive three robots on one (embedded) broker at once, each only its own. */
@Tag("slow")
class ThreeRobotsTest {

    @Test
    void threeAgentsAndThreeRobotsShareABrokerWithoutCrossingTopics() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.start()) {
            List<RobotRig> rigs = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    rigs.add(new RobotRig(b.url(), "auto", "r" + i, 20 + i, false));
                }
                List<CompletableFuture<AgentLoop.EpisodeResult>> runs = new ArrayList<>();
                for (RobotRig rig : rigs) {
                    AgentLoop loop = rig.loop(200, null);
                    runs.add(CompletableFuture.supplyAsync(loop::run));
                }
                for (int i = 0; i < 3; i++) {
                    RobotRig rig = rigs.get(i);
                    AgentLoop.EpisodeResult r = runs.get(i).get(60, TimeUnit.SECONDS);
                    assertThat(r.outcome()).as("robot r" + (i + 1) + ": " + r.reason()).isEqualTo(Outcome.SUCCESS);
                    assertThat(rig.robot.executed()).isNotEmpty();
                    // every command a robot heard came from its own agent (ids carry the robot id they were made for)
                    String own = "r" + (i + 1) + "-";
                    assertThat(rig.robot.received()).allMatch(id -> id.startsWith(own));
                    assertThat(rig.robot.executed()).containsAll(rig.agent().acknowledged());
                }
            } finally {
                rigs.forEach(RobotRig::close);
            }
        }
    }
}
