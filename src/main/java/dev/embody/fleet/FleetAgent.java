package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.actuation.MqttOptions;
import dev.embody.file.BadFileException;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.Example;
import dev.embody.learning.ExampleCollector;
import dev.embody.learning.HotSwap;
import dev.embody.learning.TrainingStatus;
import dev.embody.loop.AgentLoop;
import dev.embody.loop.Observation;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An agent's part in a fleet. It publishes every training example the agent makes (what {@link ExampleCollector}
 * makes of a step: an operator's correction, a person's, the oracle's or a model's decision) at QoS 1 under the id
 * agent/episode/step, each kept in a {@link Spool} on disk first and sent again until a trainer's receipt says it is on
 * that trainer's disk. When it follows the fleet's policy it fetches each announced checkpoint, checks its sha256 and
 * input spec (refusing, with the reason, one that does not match) and swaps it into the running loop between steps;
 * every step's decision then names the checkpoint that made it ({@code by: "learned v0004"}). It is the console's
 * training panel in fleet mode: the panel's rollback announces an earlier version to the whole fleet.
 */
public final class FleetAgent implements AutoCloseable, TrainingStatus {

    private static final Logger log = LoggerFactory.getLogger(FleetAgent.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Whose decisions teach the fleet, besides the operator's corrections. */
    public static final Set<String> DEMONSTRATORS = Set.of("person", "oracle", "vlm");

    /**
     * @param dir         this agent's folder: its spool and the checkpoints it fetched
     * @param follow      run the fleet's policy (fetch and swap in what is announced); false: publish examples only
     * @param resendAfter send a pending example again when no receipt came for this long
     */
    public record Settings(MqttOptions broker, String fleet, String agent, Path dir, boolean follow, Duration resendAfter,
                           Duration fetchTimeout) {
        public Settings {
            FleetTopics.level("agent id", agent);
        }

        public static Settings of(String broker, String fleet, String agent, Path dir, boolean follow) {
            return new Settings(MqttOptions.of(broker, "embody-fleet-" + fleet + "-agent-" + agent + "-" + UUID.randomUUID().toString().substring(0, 6))
                    .withVersion("5"), fleet, agent, dir, follow, Duration.ofSeconds(10), Duration.ofSeconds(30));
        }

        /** The same, reaching the broker with these options (credentials, TLS). */
        public Settings withBroker(MqttOptions o) {
            return new Settings(o, fleet, agent, dir, follow, resendAfter, fetchTimeout);
        }
    }

    /** A checkpoint an agent refused, and why. */
    public record Refusal(String version, String reason, long atMs) {
    }

    /** Another running agent of the fleet has this agent's id: two would mix their statuses, and one's will would clear the other's. */
    public static final class IdInUse extends IOException {
        public IdInUse(String message) {
            super(message);
        }
    }

    /** How long a joining agent waits for the broker to echo its probe. */
    static final Duration PROBE_WAIT = Duration.ofSeconds(10);
    /**
     * How long a joining agent waits for another's status of its id to clear before it is refused: a killed agent's will
     * clears it once the broker notices, at once for a closed socket, within 1.5 keep-alives (15 s) for a lost host.
     */
    static final Duration PREDECESSOR_GONE = Duration.ofSeconds(15);

    private final Settings settings;
    /** This run of the agent, in its status: another run with the same id is told apart by it. */
    private final String instance;
    private final FleetTopics topics;
    private final Profile profile;
    private final String store;
    private final SkillLibrary library;
    private final Spool spool;
    private final FleetLink link;
    private final Manifests manifests;
    private final Checkpoints cache;
    private final ExecutorService policyWork;
    private final Thread sender;
    private final Object wake = new Object();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final List<String> swaps = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile LearnedPolicy current;
    private volatile Announcement running;
    private volatile HotSwap swap;
    private final List<LearnedPolicy> retired = new ArrayList<>();
    private final Object adopted = new Object();
    private volatile boolean decided;

    private FleetAgent(Settings settings, Profile profile, SkillLibrary library, Spool spool, FleetLink link, String instance) throws IOException {
        this.settings = settings;
        this.instance = instance;
        this.topics = new FleetTopics(settings.fleet());
        this.profile = profile;
        this.store = profile.memoryName();
        this.library = library;
        this.spool = spool;
        this.link = link;
        this.cache = new Checkpoints(settings.dir().resolve("checkpoints").resolve(store));
        this.policyWork = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fleet-policy-" + settings.agent());
            t.setDaemon(true);
            return t;
        });
        this.manifests = Manifests.follow(link, topics, store);
        this.sender = new Thread(this::send, "fleet-send-" + settings.agent());
        this.sender.setDaemon(true);
    }

    /**
     * Joins the fleet: opens the spool (sending again what it still holds), connects, and, when following, takes the
     * announced policy (call {@link #awaitPolicy} to wait for it).
     *
     * @throws IOException the broker cannot be reached, or the spool is another agent's
     */
    public static FleetAgent join(Settings settings, Profile profile, SkillLibrary library) throws IOException {
        return join(settings, profile, library, PREDECESSOR_GONE);
    }

    /** As {@link #join(Settings, Profile, SkillLibrary)}, waiting up to {@code gone} for another agent's status of this id to clear. */
    static FleetAgent join(Settings settings, Profile profile, SkillLibrary library, Duration gone) throws IOException {
        Spool spool = Spool.open(settings.dir().resolve("spool"));
        FleetLink link;
        String instance = java.util.UUID.randomUUID().toString().substring(0, 13);
        try {
            FleetTopics t = new FleetTopics(settings.fleet());
            // before a will exists that would clear the status: another agent with this id is running
            JsonNode other = FleetStatus.retained(settings.broker().withClientId(settings.broker().clientId() + "-probe"), t, settings.agent(),
                    instance, PROBE_WAIT, gone);
            if (other != null) {
                throw new IdInUse("agent id '" + settings.agent() + "' is in use on fleet " + settings.fleet() + " by another agent (instance "
                        + other.path("instance").asText("unnamed") + ", status on " + t.agentStatus(settings.agent()) + " at t_ms="
                        + other.path("t_ms").asText("?") + ", not cleared within " + gone.toSeconds() + " s): give this one another --agent-id");
            }
            link = FleetLink.open(settings.broker(), new FleetLink.Will(t.agentStatus(settings.agent()), new byte[0], true), false);
        } catch (IOException e) {
            spool.close();
            throw e;
        } catch (InterruptedException e) {
            spool.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while joining fleet " + settings.fleet(), e);
        }
        FleetAgent a = new FleetAgent(settings, profile, library, spool, link, instance);
        a.start();
        return a;
    }

    private void start() throws IOException {
        link.subscribe(topics.receipts(settings.agent()), 1, d -> onReceipt(d.payload()));
        link.onReconnect(() -> {
            spool.allDue();
            status();
            wake();
        });
        if (settings.follow()) {
            link.subscribe(topics.policy(store), 1, d -> onAnnouncement(d.topic(), d.payload()));
        } else {
            decided = true;
        }
        sender.start();
        status();
        log.info("fleet {}: agent {} on {} ({} profile), {} example(s) to send from its spool{}", settings.fleet(), settings.agent(),
                settings.broker().broker(), store, spool.pending(), settings.follow() ? ", following the fleet's policy" : "");
    }

    public String agent() {
        return settings.agent();
    }

    public Spool spool() {
        return spool;
    }

    /** The fleet's policy as this agent has it now (for the next episode); null before one was taken. */
    public LearnedPolicy current() {
        return current;
    }

    /** The announcement of the policy it runs; null before one was taken. */
    public Announcement running() {
        return running;
    }

    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** Every version it swapped in, in order. */
    public List<String> swaps() {
        return List.copyOf(swaps);
    }

    /**
     * Waits until the announced policy is taken (or refused), at most {@code timeout}.
     *
     * @return the policy, or null when none was announced in time or it was refused
     */
    public LearnedPolicy awaitPolicy(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (adopted) {
            while (!decided && current == null) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                adopted.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return current;
    }

    /** Starts the policy it has (when there is none yet, {@code fallback}) without waiting for the fleet. */
    public void startWith(LearnedPolicy fallback) {
        synchronized (adopted) {
            if (current == null) {
                current = fallback;
            }
        }
    }

    /**
     * Follows one episode's loop: its examples go to the fleet (ids {@code agent/episodeId/step}), and a policy the
     * fleet announces is swapped into it between steps.
     *
     * @param decorate adds to the episode's collector (a teacher's task, approval); identity for none
     */
    public void attach(AgentLoop loop, String episodeId, UnaryOperator<ExampleCollector> decorate) {
        ExampleCollector collector = decorate.apply(new ExampleCollector(profile.inputSpec(), DEMONSTRATORS, settings.agent() + "/" + episodeId));
        String episode = episodeId.length() > 128 ? episodeId.substring(0, 128) : episodeId;
        loop.addListener(new StepListener() {
            @Override
            public void onStep(Step step, Observation observation) {
                collector.onStep(step, observation);
                for (Example e : collector.drain()) {
                    publish(episode, e);
                }
            }
        });
        if (settings.follow()) {
            this.swap = HotSwap.attach(loop);
        }
    }

    public void attach(AgentLoop loop, String episodeId) {
        attach(loop, episodeId, c -> c);
    }

    private void publish(String episode, Example e) {
        long step;
        try {
            step = Long.parseLong(e.origin().substring(e.origin().lastIndexOf('#') + 1));
        } catch (NumberFormatException x) {
            log.warn("example {} has no step number; not published", e.origin());
            return;
        }
        try {
            ExampleMessage m = new ExampleMessage(settings.agent(), episode, step, store, profile.inputSpec(), e, System.currentTimeMillis());
            if (spool.add(m)) {
                wake();
            }
        } catch (IOException | RuntimeException x) {
            // the spool is the only record: an example that cannot be kept is not sent, and says so
            log.warn("fleet {}: example {} not kept in {}: {}; not published", settings.fleet(), e.origin(), spool.dir(), x.toString());
        }
    }

    private void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** The sender: what the spool holds goes out, again after a reconnect or when no receipt came in time. */
    private void send() {
        long resend = settings.resendAfter().toNanos();
        while (!closed) {
            List<Spool.Pending> due = spool.due(resend, 500);
            String topic = topics.examples(store, settings.agent());
            for (Spool.Pending p : due) {
                if (closed) {
                    return;
                }
                try {
                    link.publish(topic, p.payload(), 1, false);
                } catch (IOException e) {
                    spool.unsent(p);
                    log.debug("fleet {}: {} not sent ({}); sent again when the broker is back", settings.fleet(), p.id(), e.getMessage());
                    break;
                }
            }
            synchronized (wake) {
                try {
                    wake.wait(due.isEmpty() || !link.connected() ? 200 : 1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void onReceipt(byte[] payload) {
        try {
            JsonNode n = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
            if (n == null || !n.isObject() || !n.path("trainer").isTextual()) {
                throw new IOException("expected {\"trainer\", \"stored\": [ids], \"duplicates\": [ids], \"refused\": [{\"id\", \"reason\"}]}");
            }
            String trainer = n.get("trainer").asText();
            List<String> ids = new ArrayList<>();
            for (String field : new String[]{"stored", "duplicates"}) {
                for (JsonNode id : n.path(field)) {
                    if (id.isTextual()) {
                        ids.add(id.asText());
                    }
                }
            }
            spool.stored(ids, trainer);
            for (JsonNode r : n.path("refused")) {
                if (r.path("id").isTextual()) {
                    String reason = r.path("reason").asText("refused");
                    if (spool.refused(List.of(r.get("id").asText()), trainer, reason) > 0) {
                        log.warn("fleet {}: trainer {} refused example {}: {}", settings.fleet(), trainer, r.get("id").asText(), reason);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("fleet {}: receipt on {} not understood ({}); ignored", settings.fleet(), topics.receipts(settings.agent()), e.getMessage());
        }
    }

    private void onAnnouncement(String topic, byte[] payload) {
        if (payload.length == 0) {
            return; // the retained announcement was cleared: keep running what we have
        }
        Announcement a;
        try {
            a = Announcement.parse(payload, topics, store);
        } catch (BadMessage e) {
            refuse("?", "announcement on " + topic + " not understood: " + e.getMessage());
            return;
        }
        policyWork.execute(() -> adopt(a));
    }

    /** Fetches, checks and swaps in an announced checkpoint; refuses it with the reason where it does not match. */
    void adopt(Announcement a) {
        if (closed) {
            return;
        }
        Announcement now = running;
        if (now != null && now.version().equals(a.version()) && now.sha256().equals(a.sha256())) {
            return;
        }
        if (!a.spec().equals(profile.inputSpec())) {
            refuse(a.version(), "its input spec is " + a.spec() + " but this agent's " + store + " profile reads " + profile.inputSpec());
            return;
        }
        long t0 = System.nanoTime();
        CheckpointPackage pkg;
        try {
            pkg = CheckpointFetch.fetch(link, topics, a, settings.fetchTimeout(), topics.agentProbe(settings.agent(), instance));
        } catch (BadMessage e) {
            refuse(a.version(), e.getMessage());
            return;
        } catch (IOException e) {
            refuse(a.version(), "could not fetch it: " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LearnedPolicy p;
        try {
            pkg.unpack(cache.root().resolve(a.version()));
            dev.embody.learning.Checkpoint c = cache.find(a.version()).orElseThrow(() -> new IOException("unpacked but not readable as a checkpoint"));
            String named = c.meta().path("version").asText("");
            if (!named.equals(a.version())) {
                // a package of another version announced under this one: running it would report the wrong version
                throw new BadFileException(c.dir().resolve(dev.embody.learning.Checkpoint.META), 0, "its checkpoint.json names version '"
                        + ExampleMessage.abbreviate(named) + "' but the announcement is of " + a.version());
            }
            p = profile.load(cache, c);
            if (!p.commands().equals(LearnedPolicy.names(library))) {
                p = p.grownTo(library);
            }
        } catch (BadFileException e) {
            CheckpointPackage.delete(cache.root().resolve(a.version())); // a refused checkpoint is not kept as if fetched
            refuse(a.version(), e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            CheckpointPackage.delete(cache.root().resolve(a.version()));
            refuse(a.version(), "its package does not unpack to a checkpoint: " + e.getMessage());
            return;
        }
        LearnedPolicy old;
        synchronized (adopted) {
            old = current;
            current = p;
            running = a;
            decided = true;
            adopted.notifyAll();
        }
        swaps.add(a.version());
        HotSwap s = swap;
        if (s != null) {
            s.swap(p); // the loop's old policy is closed by the swap once its step is done
        } else if (old != null) {
            synchronized (retired) {
                retired.add(old);
            }
        }
        log.info("fleet {}: agent {} runs {} from the next step (fetched {} bytes in {} ms, sha256 checked){}", settings.fleet(),
                settings.agent(), a.version(), a.size(), (System.nanoTime() - t0) / 1_000_000,
                a.rollbackFrom() == null ? "" : ": a rollback from " + a.rollbackFrom() + " by " + a.by());
        status();
    }

    private void refuse(String version, String reason) {
        Refusal r = new Refusal(version, reason, System.currentTimeMillis());
        refusals.add(r);
        log.warn("fleet {}: agent {} refused checkpoint {}: {}; it keeps running {}", settings.fleet(), settings.agent(), version, reason,
                current == null ? "what it had" : current.version());
        synchronized (adopted) {
            decided = true;
            adopted.notifyAll();
        }
        status();
    }

    /** What this agent runs, retained on agents/&lt;agent&gt; (cleared by its will when it goes). */
    private void status() {
        ObjectNode n = JSON.createObjectNode();
        n.put("agent", settings.agent());
        n.put("instance", instance);
        n.put("profile", store);
        LearnedPolicy p = current;
        n.put("policy", p == null ? "none" : p.version());
        n.put("following", settings.follow());
        n.put("examples_made", spool.made());
        n.put("examples_pending", spool.pending());
        n.put("t_ms", System.currentTimeMillis());
        if (!refusals.isEmpty()) {
            Refusal r = refusals.get(refusals.size() - 1);
            n.putObject("refused").put("version", r.version()).put("reason", r.reason()).put("t_ms", r.atMs());
        }
        try {
            link.publish(topics.agentStatus(settings.agent()), n.toString().getBytes(StandardCharsets.UTF_8), 1, true);
        } catch (IOException e) {
            log.debug("status not published: {}", e.getMessage());
        }
    }

    @Override
    public Snapshot snapshot() {
        LearnedPolicy p = current;
        Announcement a = running;
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("fleet", settings.fleet());
        last.put("broker", settings.broker().broker());
        if (a != null) {
            last.put("announced", a.version());
            last.put("parent", a.parent() == null ? "-" : a.parent());
            last.put("trainer", a.trainer());
            last.put("score_heldout", a.score());
            last.put("announced_by", a.by());
        }
        last.put("examples_made", spool.made());
        last.put("examples_on_trainers", spool.storedCount());
        if (!refusals.isEmpty()) {
            Refusal r = refusals.get(refusals.size() - 1);
            last.put("refused", r.version() + ": " + r.reason());
        }
        List<double[]> curve = new ArrayList<>();
        List<TrainingStatus.Checkpoint> kept = new ArrayList<>();
        for (Announcement m : manifests.all()) {
            double score = leadingNumber(m.score());
            kept.add(new TrainingStatus.Checkpoint(m.version(), m.created(), score, p != null && m.version().equals(p.version())));
            if (!Double.isNaN(score)) {
                curve.add(new double[]{Integer.parseInt(m.version().substring(1)), score});
            }
        }
        return new Snapshot(p == null ? "none yet (waiting for the fleet's policy)" : p.name(), spool.pending(), last, curve, kept,
                "fleet " + settings.fleet() + " on " + settings.broker().broker() + ": examples to its trainers, the policy they announce");
    }

    static double leadingNumber(String s) {
        if (s == null) {
            return Double.NaN;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)").matcher(s);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The panel's rollback in fleet mode: announces the earlier version to every agent of the fleet. */
    @Override
    public String rollback(String version) {
        String v;
        try {
            v = Checkpoints.normalise(version);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try {
            return FleetRollback.announce(link, topics, manifests, store, v, "agent " + settings.agent() + " (console)",
                    current == null ? null : current.version());
        } catch (IOException e) {
            return "cannot announce " + v + " to fleet " + settings.fleet() + ": " + e.getMessage();
        }
    }

    /** Waits up to {@code timeout} for the spool to empty (every example on a trainer's disk); true if it did. */
    public boolean drain(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (spool.pending() > 0 && System.nanoTime() < end) {
            wake();
            Thread.sleep(50);
        }
        return spool.pending() == 0;
    }

    /** How long a clean exit waits for the receipts of what it sent last (what is still pending stays in the spool). */
    static final Duration CLOSING_DRAIN = Duration.ofSeconds(5);

    @Override
    public void close() {
        spool.allDue();
        try {
            drain(CLOSING_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        wake();
        policyWork.shutdownNow();
        try {
            sender.join(2000);
            policyWork.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            link.clearRetained(topics.agentStatus(settings.agent()));
        } catch (IOException e) {
            log.debug("status not cleared: {}", e.getMessage());
        }
        link.close();
        spool.close();
        synchronized (retired) {
            retired.forEach(LearnedPolicy::close);
            retired.clear();
        }
        if (spool.pending() > 0) {
            log.info("fleet {}: agent {} leaves {} example(s) in its spool {}; they are sent when it joins again", settings.fleet(),
                    settings.agent(), spool.pending(), spool.dir());
        }
        String summary = String.format(Locale.ROOT, "fleet %s: agent %s made %d example(s), %d on a trainer's disk, %d refused, %d pending",
                settings.fleet(), settings.agent(), spool.made(), spool.storedCount(), spool.refusedCount(), spool.pending());
        log.info(summary);
    }
}
