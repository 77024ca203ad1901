package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A trainer's intake of the fleet's examples from the shared subscription: each message checked (its profile, the input
 * spec it was read for, its label one of the policy's commands), the good ones stored in the dataset and synced, then
 * every message acknowledged and each agent sent a receipt of what was stored, dropped as a duplicate or refused and why.
 */
final class ExampleIntake {

    private static final Logger log = LoggerFactory.getLogger(ExampleIntake.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetTrainer.Settings settings;
    private final FleetTopics topics;
    private final Profile profile;
    private final String store;
    private final SkillLibrary library;
    private final Set<String> commands;
    private final FleetDataset dataset;
    private final BlockingQueue<FleetLink.Delivery> inbox = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong stored = new AtomicLong(), duplicates = new AtomicLong(), refused = new AtomicLong();
    private FleetLink ingest;
    private volatile boolean closed;

    ExampleIntake(FleetTrainer.Settings settings, FleetTopics topics, Profile profile, SkillLibrary library, Set<String> commands,
                  FleetDataset dataset) {
        this.settings = settings;
        this.topics = topics;
        this.profile = profile;
        this.store = profile.memoryName();
        this.library = library;
        this.commands = commands;
        this.dataset = dataset;
        this.writer = new Thread(this::write, "fleet-ingest-" + settings.trainer());
        this.writer.setDaemon(true);
    }

    /** Starts writing, then joins the shared subscription on a link of its own. */
    void start() throws IOException {
        writer.start();
        ingest = FleetLink.open(settings.broker().withClientId(settings.broker().clientId() + "-ingest"), null, true);
        ingest.subscribe(topics.sharedExamples(store), 1, inbox::add);
    }

    /** Leaves the subscription and gives what arrived up to 5 s to be written. */
    void stopTaking() {
        if (ingest != null) {
            ingest.close();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!inbox.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    void stopWriting() {
        closed = true;
        writer.interrupt();
    }

    void awaitWritten(long millis) throws InterruptedException {
        writer.join(millis);
    }

    long stored() {
        return stored.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long refused() {
        return refused.get();
    }

    /** Writes what arrived to the dataset, syncs, then acknowledges each message and tells each agent. */
    private void write() {
        List<FleetLink.Delivery> batch = new ArrayList<>();
        while (!closed) {
            try {
                FleetLink.Delivery first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, 499);
                ingest(batch);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // nothing acknowledged: the broker or the agents send them again
                log.warn("fleet {}: trainer {} could not store {} example(s): {}; not acknowledged", settings.fleet(), settings.trainer(), batch.size(), e.toString());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException x) {
                    return;
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void ingest(List<FleetLink.Delivery> batch) throws IOException {
        List<ExampleMessage> good = new ArrayList<>();
        Map<String, ObjectNode> receipts = new TreeMap<>();
        for (FleetLink.Delivery d : batch) {
            String agent = FleetTopics.last(d.topic());
            try {
                ExampleMessage m = ExampleMessage.parse(d.payload(), agent);
                if (!m.profile().equals(store)) {
                    throw new BadMessage("'profile' is '" + m.profile() + "' but it came on " + store + "'s topic");
                }
                if (!m.spec().equals(profile.inputSpec())) {
                    throw new BadMessage("it was read for " + m.spec() + " but " + store + "'s policy reads " + profile.inputSpec());
                }
                if (!commands.contains(m.example().label())) {
                    // refused here, not skipped when training: it would count toward --train-every and teach nothing
                    throw new BadMessage("'label' " + ExampleMessage.abbreviate("'" + m.example().label() + "'") + " is no command of "
                            + store + "'s skills" + (commands.isEmpty() ? "" : " (e.g. " + LearnedPolicy.names(library).get(0) + ")") + ": not stored, not counted");
                }
                good.add(m);
            } catch (BadMessage e) {
                refused.incrementAndGet();
                String id = idOf(d.payload());
                log.warn("fleet {}: trainer {} refused a message on {}: {}", settings.fleet(), settings.trainer(), d.topic(), e.getMessage());
                if (id != null && FleetTopics.LEVEL.matcher(agent).matches()) {
                    receipt(receipts, agent).withArray("refused").addObject().put("id", id).put("reason", e.getMessage());
                }
            }
        }
        FleetDataset.Outcome o = dataset.store(good);
        stored.addAndGet(o.stored().size());
        duplicates.addAndGet(o.duplicates().size());
        for (ExampleMessage m : o.stored()) {
            receipt(receipts, m.agent()).withArray("stored").add(m.id());
        }
        for (ExampleMessage m : good) {
            if (o.duplicates().containsKey(m.id())) {
                receipt(receipts, m.agent()).withArray("duplicates").add(m.id());
            }
        }
        // on disk: now the broker may forget them
        batch.forEach(FleetLink.Delivery::ack);
        for (var e : receipts.entrySet()) {
            try {
                ingest.publish(topics.receipts(e.getKey()), JSON.writeValueAsBytes(e.getValue()), 1, false);
            } catch (IOException x) {
                log.debug("receipt to {} not sent ({}); it sends them again and gets one then", e.getKey(), x.getMessage());
            }
        }
        if (!o.duplicates().isEmpty()) {
            log.debug("fleet {}: trainer {} dropped {} duplicate(s)", settings.fleet(), settings.trainer(), o.duplicates().size());
        }
    }

    private ObjectNode receipt(Map<String, ObjectNode> receipts, String agent) {
        return receipts.computeIfAbsent(agent, a -> JSON.createObjectNode().put("trainer", settings.trainer()));
    }

    private static String idOf(byte[] payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            return n != null && n.path("id").isTextual() && n.get("id").asText().length() <= 300 ? n.get("id").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
