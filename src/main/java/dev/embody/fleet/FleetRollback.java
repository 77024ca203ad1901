package dev.embody.fleet;

import dev.embody.actuation.MqttOptions;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Rolls the whole fleet back (or forward) to a version its trainers announced before: that version's manifest,
 * retained on the broker, is announced again as the fleet's policy, saying who did it and from which version. Every
 * agent fetches and checks it as any announcement; the trainer holding the lease trains on from it.
 */
public final class FleetRollback {

    private FleetRollback() {
    }

    /** From the console of an agent already on the fleet. */
    public static String announce(FleetLink link, FleetTopics topics, Manifests manifests, String profile, String version, String by,
                                  String from) throws IOException {
        Optional<Announcement> m;
        try {
            m = manifests.await(version, 3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        if (m.isEmpty()) {
            return "no checkpoint " + version + " of " + profile + " was announced on fleet " + topics.fleet() + " (announced: "
                    + (manifests.versions().isEmpty() ? "none" : String.join(", ", manifests.versions())) + ")";
        }
        Announcement a = m.get().announcedBy(by, from);
        link.publish(topics.policy(profile), a.toBytes(topics), 1, true);
        return "announced " + version + " to fleet " + topics.fleet() + (from == null ? "" : " (was " + from + ")")
                + ": every agent swaps it in between steps once fetched; the trainer trains on from it";
    }

    /** What {@code ./run policy use --fleet URL --fleet-name NAME V} does. */
    public static Result announce(MqttOptions broker, String fleet, String profile, String version) throws IOException, InterruptedException {
        FleetTopics topics = new FleetTopics(fleet);
        try (FleetLink link = FleetLink.open(broker.withClientId("embody-fleet-" + fleet + "-policy-use-" + UUID.randomUUID().toString().substring(0, 6)))) {
            // the policy's retained announcement first: what the rollback is from (it comes right after this SUBACK)
            Announcement[] now = new Announcement[1];
            java.util.concurrent.CountDownLatch policySeen = new java.util.concurrent.CountDownLatch(1);
            link.subscribe(topics.policy(profile), 1, d -> {
                try {
                    now[0] = Announcement.parse(d.payload(), topics, profile);
                } catch (BadMessage e) {
                    now[0] = null;
                }
                policySeen.countDown();
            });
            Manifests manifests = Manifests.follow(link, topics, profile);
            Optional<Announcement> m = manifests.await(version, 3000);
            policySeen.await(m.isPresent() ? 1000 : 0, java.util.concurrent.TimeUnit.MILLISECONDS); // none announced yet: nothing to wait for
            if (m.isEmpty()) {
                return new Result(false, "no checkpoint " + version + " of " + profile + " was announced on fleet " + fleet + " (announced: "
                        + (manifests.versions().isEmpty() ? "none" : String.join(", ", manifests.versions())) + ")");
            }
            String from = now[0] == null ? null : now[0].version();
            link.publish(topics.policy(profile), m.get().announcedBy("policy use", from).toBytes(topics), 1, true);
            return new Result(true, "fleet " + fleet + ": " + profile + " now runs " + version + (from == null ? "" : " (was " + from + ")")
                    + "; every agent swaps it in between steps once fetched");
        }
    }

    public record Result(boolean done, String message) {
    }
}
