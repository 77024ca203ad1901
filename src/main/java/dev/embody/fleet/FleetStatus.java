package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.actuation.MqttOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the broker's retained messages say of a fleet now: who holds the lease, the announced policy, each agent. */
public record FleetStatus(String lease, Announcement policy, List<String> versions, Map<String, JsonNode> agents) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The status an agent id holds on the broker now (null: none), for an agent about to join with that id: a bounded
     * wait for its own echo, after which the broker has sent whatever it retained; then, where there is one, up to
     * {@code gone} for it to be cleared (a killed agent's will clears it as soon as the broker notices).
     */
    static JsonNode retained(MqttOptions broker, FleetTopics topics, String agent, String instance, java.time.Duration wait,
                             java.time.Duration gone) throws IOException, InterruptedException {
        try (FleetLink link = FleetLink.open(broker)) {
            java.util.concurrent.atomic.AtomicReference<JsonNode> found = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch echoed = new java.util.concurrent.CountDownLatch(1);
            link.subscribe(topics.agentStatus(agent), 1, d -> {
                try {
                    JsonNode n = d.payload().length == 0 ? null : JSON.readTree(d.payload());
                    found.set(n != null && n.isObject() ? n : null);
                } catch (IOException e) {
                    // a status that is not JSON says nothing
                }
            });
            String probe = topics.agentProbe(agent, instance);
            link.subscribe(probe, 1, d -> echoed.countDown());
            link.publish(probe, new byte[]{1}, 1, false);
            if (!echoed.await(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IOException("the broker " + broker.broker() + " did not echo " + probe + " within " + wait.toSeconds()
                        + " s: cannot tell whether agent id '" + agent + "' is in use");
            }
            long end = System.nanoTime() + gone.toNanos();
            while (found.get() != null && System.nanoTime() - end < 0) {
                Thread.sleep(50);
            }
            return found.get();
        }
    }

    public static FleetStatus read(MqttOptions broker, String fleet, String profile, long waitMillis) throws IOException, InterruptedException {
        FleetTopics topics = new FleetTopics(fleet);
        try (FleetLink link = FleetLink.open(broker)) {
            String[] lease = {""};
            Announcement[] policy = {null};
            Map<String, JsonNode> agents = new TreeMap<>();
            Manifests manifests = Manifests.follow(link, topics, profile);
            link.subscribe(topics.lease(profile), 1, d -> lease[0] = new String(d.payload(), StandardCharsets.UTF_8));
            link.subscribe(topics.policy(profile), 1, d -> {
                try {
                    policy[0] = Announcement.parse(d.payload(), topics, profile);
                } catch (BadMessage e) {
                    policy[0] = null;
                }
            });
            link.subscribe(topics.agentStatuses(), 1, d -> {
                try {
                    JsonNode n = JSON.readTree(d.payload());
                    synchronized (agents) {
                        if (n != null && n.isObject()) {
                            agents.put(FleetTopics.last(d.topic()), n);
                        }
                    }
                } catch (IOException e) {
                    // a status that is not JSON says nothing
                }
            });
            Thread.sleep(waitMillis);
            synchronized (agents) {
                return new FleetStatus(lease[0], policy[0], new ArrayList<>(manifests.versions()), new TreeMap<>(agents));
            }
        }
    }
}
