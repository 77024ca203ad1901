package dev.embody.fleet;

import dev.embody.bench.SimFleetAgent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.profile.SimGameProfile;
import dev.embody.skill.SkillLibrary;
import dev.embody.testkit.EmbodyProcess;
import dev.embody.testkit.Mosquitto;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet's promise under faults, on a real Mosquitto: 4 agents (two `live --fleet` child JVMs, two in this process)
 * and 2 trainers (child JVMs) learn one policy; the broker is restarted mid-run, the trainer holding the lease is killed
 * with kill -9 mid-round, an agent is killed with kill -9 mid-episode and started again. Afterwards the agents' spools
 * and the trainers' datasets say that every example published is in exactly one trainer's dataset, and the trainer that
 * took over trained on from the last checkpoint the dead one announced.
 */
@Timeout(300)
@Tag("external")
class FleetFaultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void noExampleIsLostOrDoubledThroughABrokerRestartAndTwoKills() throws Exception {
        EmbodyProcess.copyProjectFolders(dir, "skills");
        Path fleetDir = dir.resolve("fleet");
        SimGameProfile profile = SimGameProfile.standard();
        SkillLibrary library = profile.skills();
        List<EmbodyProcess> children = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            long t0 = System.nanoTime();
            EmbodyProcess t1 = trainer(broker, "t1");
            EmbodyProcess t2 = trainer(broker, "t2");
            EmbodyProcess a1 = agent(broker, "a1");
            EmbodyProcess a2 = agent(broker, "a2");
            children.addAll(List.of(t1, t2, a1, a2));
            // whichever trainer wins the lease trains; the other stands by
            EmbodyProcess holder = null, standby = null;
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (holder == null && System.nanoTime() < end) {
                if (t1.stdout().contains("lease: t1 holds")) {
                    holder = t1;
                    standby = t2;
                } else if (t2.stdout().contains("lease: t2 holds")) {
                    holder = t2;
                    standby = t1;
                }
                Thread.sleep(50);
            }
            assertThat(holder).as("a trainer takes the lease\n%s\n%s", t1.stdout(), t2.stdout()).isNotNull();
            String h = holder == t1 ? "t1" : "t2", sb = holder == t1 ? "t2" : "t1";
            phase(t0, h + " holds the lease");
            List<SimFleetAgent> inProcess = new ArrayList<>();
            List<Future<?>> runs = new ArrayList<>();
            for (String id : List.of("a3", "a4")) {
                FleetAgent fa = FleetAgent.join(FleetAgent.Settings.of(broker.url(), "lab", id, fleetDir.resolve("agents").resolve(id), true), profile, library);
                assertThat(fa.awaitPolicy(Duration.ofSeconds(60))).isNotNull();
                SimFleetAgent sim = new SimFleetAgent(fa, profile, library);
                inProcess.add(sim);
                long first = id.equals("a3") ? 3000 : 4000;
                runs.add(pool.submit(() -> sim.run(SimFleetAgent.Settings.of(1000, first).withMaxSteps(100).withPeriod(Duration.ofMillis(50)))));
            }
            phase(t0, "4 agents on the fleet");

            // a round adopted, then the broker goes away and comes back with nothing retained
            // stdout, where the round line is read from below: the log line on stderr comes first
            assertThat(awaitCount(holder, "announced (loss", 1, 120)).as("%s adopts a round\n%s", h, holder.stdout()).isTrue();
            phase(t0, h + " adopted a round");
            broker.restart(500);
            phase(t0, "broker restarted");
            int roundsBefore = count(holder.stdout(), "announced (loss");

            // the next round the holder starts: it dies in the middle of it
            assertThat(awaitCount(holder, h + " trains from", roundsBefore + 1, 120)).as("%s starts another round\n%s", h, holder.stdout()).isTrue();
            String lastGood = lastAnnounced(holder.stdout());
            new ProcessBuilder("kill", "-9", Long.toString(holder.pid())).start().waitFor();
            holder.waitFor(10);
            phase(t0, h + " killed mid-round; the last it announced: " + lastGood);

            assertThat(standby.awaitOutput("lease: " + sb + " holds", 60)).as("%s takes the lease over\n%s", sb, standby.stdout()).isTrue();
            phase(t0, sb + " holds the lease");
            assertThat(standby.awaitOutput("resume: " + sb + " trains on from " + lastGood, 30)).as("%s resumes from %s\n%s", sb, lastGood, standby.stdout()).isTrue();

            // an agent dies mid-episode (its spool has examples in it), and is started again with the same id
            assertThat(a1.stderr()).contains("runs v0");
            new ProcessBuilder("kill", "-9", Long.toString(a1.pid())).start().waitFor();
            a1.waitFor(10);
            assertThat(a1.stdout()).doesNotContain("summary:");
            EmbodyProcess a1again = agent(broker, "a1");
            children.add(a1again);

            assertThat(standby.awaitOutput("round 1: " + sb + " trains from " + lastGood, 120)).as("%s trains from %s\n%s", sb, lastGood, standby.stdout()).isTrue();
            assertThat(awaitCount(standby, "announced (loss", 1, 120)).as("%s adopts a round\n%s", sb, standby.stdout()).isTrue();
            phase(t0, sb + " adopted a round");
            String takenOver = firstAnnounced(standby.stdout());
            JsonNode meta = JSON.readTree(fleetDir.resolve("checkpoints/sim-game").resolve(takenOver).resolve("checkpoint.json").toFile());
            assertThat(meta.path("parent").asText()).as("the first checkpoint after the take-over is trained from the last good one").isEqualTo(lastGood);
            assertThat(a1again.awaitOutput("example(s) to send from its spool", 60)).isTrue();

            // everyone stops: agents send what they still hold, trainers give up
            inProcess.forEach(SimFleetAgent::stop);
            for (Future<?> f : runs) {
                f.get();
            }
            for (SimFleetAgent s : inProcess) {
                s.fleet().close();
            }
            a1again.interrupt();
            a2.interrupt();
            assertThat(a1again.waitFor(60)).as(a1again.stderr()).isEqualTo(130);
            assertThat(a2.waitFor(60)).as(a2.stderr()).isEqualTo(130);

            phase(t0, "agents stopped");
            standby.stderr().lines().filter(l -> l.matches(".*(round|lease|resume|follow|announced|checkpoint).*")).forEach(l -> System.out.println("  " + sb + ": " + l));
            FleetLedger ledger = awaitSettled(fleetDir, 60);
            phase(t0, "every spool receipted");
            standby.interrupt();
            standby.waitFor(60);
            ledger = FleetLedger.count(fleetDir, "sim-game");
            assertThat(ledger.agents()).isEqualTo(4);
            assertThat(ledger.trainers()).isEqualTo(2);
            assertThat(ledger.published()).isGreaterThan(100);
            assertThat(ledger.lostIds()).as("every example published is in a dataset").isEmpty();
            assertThat(ledger.doubledIds()).as("and in only one, once").isEmpty();
            assertThat(ledger.unknown()).isZero();
            Map<String, Integer> perTrainer = datasetSizes(fleetDir);
            assertThat(perTrainer.get("t1")).as("the shared subscription gave t1 its share").isPositive();
            assertThat(perTrainer.get("t2")).as("and t2 its share").isPositive();
            assertThat(a1again.stderr()).doesNotContain("Exception in thread");
            System.out.println("fleet faults: " + ledger.summary() + " per trainer " + perTrainer + "; " + h + " announced up to " + lastGood
                    + ", " + sb + " trained " + takenOver + " from it");
        } finally {
            pool.shutdownNow();
            children.forEach(EmbodyProcess::close);
        }
    }

    private static void phase(long t0, String what) {
        System.out.printf(java.util.Locale.ROOT, "%6.1f s  %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private EmbodyProcess trainer(Mosquitto broker, String id) throws IOException {
        return EmbodyProcess.cli(dir, Map.of(), "trainer", "--fleet", broker.url(), "--fleet-name", "lab", "--fleet-dir", "fleet", "--trainer-id", id,
                "--train-every", "40", "--gate-episodes", "0", "--train-steps", "30", "--lease-seconds", "4");
    }

    private EmbodyProcess agent(Mosquitto broker, String id) throws IOException {
        return EmbodyProcess.cli(dir, Map.of(), "live", "--target", "sim-game", "--fleet", broker.url(), "--fleet-name", "lab", "--fleet-dir", "fleet",
                "--agent-id", id, "--policy", "learned", "--sim-operator", "--episodes", "1000", "--rate", "20", "--max-steps", "100",
                "--no-stdin-corrections", "--no-record", "--seed", id.equals("a1") ? "1000" : "2000");
    }

    /** Waits until every agent's spool has its receipts back (what a trainer killed mid-write never acknowledged is sent again). */
    private static FleetLedger awaitSettled(Path fleetDir, int seconds) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        FleetLedger l = FleetLedger.count(fleetDir, "sim-game");
        while (l.lost() > 0 && System.nanoTime() < end) {
            Thread.sleep(500);
            l = FleetLedger.count(fleetDir, "sim-game");
        }
        return l;
    }

    private static Map<String, Integer> datasetSizes(Path fleetDir) throws IOException {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (String t : List.of("t1", "t2")) {
            Path f = fleetDir.resolve("datasets").resolve(t).resolve(FleetDataset.FILE);
            out.put(t, Files.isRegularFile(f) ? (int) Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count() : 0);
        }
        return out;
    }

    private static int count(String text, String what) {
        int n = 0, i = 0;
        while ((i = text.indexOf(what, i)) >= 0) {
            n++;
            i += what.length();
        }
        return n;
    }

    private static boolean awaitCount(EmbodyProcess p, String what, int n, int seconds) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            if (count(p.stdout(), what) >= n) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static final Pattern ANNOUNCED = Pattern.compile("round \\d+: (v\\d{4}) adopted.*announced");

    private static String lastAnnounced(String out) {
        Matcher m = ANNOUNCED.matcher(out);
        String last = "v0001";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static String firstAnnounced(String out) {
        Matcher m = ANNOUNCED.matcher(out);
        return m.find() ? m.group(1) : null;
    }
}
