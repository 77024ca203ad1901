package dev.embody.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.actuation.MqttOptions;
import dev.embody.file.BadFileException;
import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import dev.embody.learning.Dataset;
import dev.embody.learning.Example;
import dev.embody.learning.FineTuneRound;
import dev.embody.learning.Gate;
import dev.embody.learning.Trainer;
import dev.embody.loop.Rate;
import dev.embody.planning.LearnedPolicy;
import dev.embody.profile.Profile;
import dev.embody.skill.SkillLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A fleet's trainer for one profile. Every trainer takes examples through the profile's MQTT 5 shared subscription
 * ({@code $share/...}: each example goes to one of them), writes each to its dataset on disk (synced) before it
 * acknowledges it (Paho's manual acks) and sends the agent a receipt, and drops an id some dataset already has. One of
 * them, the one holding the profile's {@link Lease}, trains: every N new examples or M minutes it fine-tunes the
 * fleet's policy on the new examples of every trainer's dataset with earlier ones replayed ({@link Dataset#mix}),
 * gates the candidate with the profile's gate, writes a checkpoint and, when the gate adopts it, announces it (retained
 * manifest, chunks and policy). A trainer that takes the lease over resumes from the last good checkpoint: the one
 * announced, else the one in use in the shared checkpoints folder. An announcement it did not make (a rollback) becomes
 * the policy it trains on from.
 */
public final class FleetTrainer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Earlier examples replayed per new one, as live's periodic training. */
    static final double REPLAY_RATIO = 3.0;
    /** Versions whose manifest and chunks the holder keeps on the broker (what a rollback can go back to). */
    static final int KEPT_ON_BROKER = 8;

    /**
     * @param everyExamples train when this many new examples came since the last round; 0: not by count
     * @param every         train this often when there is anything new; zero: not by time
     * @param gateEpisodes  held-out episodes the gate plays (a simulator) or 0 for no gate (every candidate adopted)
     * @param episodesDir   recorded episodes: the held-out ones a profile with no simulator gates on
     */
    public record Settings(MqttOptions broker, String fleet, String trainer, Path fleetDir, int everyExamples, Duration every,
                           Trainer.Options training, int gateEpisodes, Path episodesDir, Duration leaseTtl) {
        public Settings {
            FleetTopics.level("trainer id", trainer);
        }

        public static Settings of(String broker, String fleet, String trainer, Path fleetDir) {
            return new Settings(MqttOptions.of(broker, "embody-fleet-" + fleet + "-trainer-" + trainer + "-" + UUID.randomUUID().toString().substring(0, 6))
                    .withVersion("5"), fleet, trainer, fleetDir, 40, Duration.ofMinutes(10), new Trainer.Options(20, 64, 2e-3f, 200, 1), 8,
                    Path.of("episodes"), Duration.ofSeconds(6));
        }

        public Settings withSchedule(int examples, Duration time) {
            return new Settings(broker, fleet, trainer, fleetDir, examples, time, training, gateEpisodes, episodesDir, leaseTtl);
        }

        public Settings withGate(int episodes) {
            return new Settings(broker, fleet, trainer, fleetDir, everyExamples, every, training, episodes, episodesDir, leaseTtl);
        }

        public Settings withTraining(Trainer.Options o) {
            return new Settings(broker, fleet, trainer, fleetDir, everyExamples, every, o, gateEpisodes, episodesDir, leaseTtl);
        }

        public Settings withEpisodesDir(Path dir) {
            return new Settings(broker, fleet, trainer, fleetDir, everyExamples, every, training, gateEpisodes, dir, leaseTtl);
        }
    }

    /** One training round, as it came out. */
    public record Round(int round, String trainer, String base, String version, boolean adopted, int fresh, int replayed,
                        Rate score, String verdict, double trainSeconds, Map<String, Integer> datasetRecords, long endedMs) {
    }

    private final Settings settings;
    private final FleetTopics topics;
    private final Profile profile;
    private final SkillLibrary library;
    private final String store;
    /** The commands an example's label must be one of: the policy's outputs. */
    private final java.util.Set<String> commands;
    private final Checkpoints checkpoints;
    private final FineTuneRound fineTune;
    private final FleetDataset dataset;
    private final Gate gate;
    private final PrintStream out;
    private final ScheduledExecutorService work;
    private final ExampleIntake intake;
    private final List<Round> rounds = new CopyOnWriteArrayList<>();
    private FleetLink control;
    private Lease lease;
    private Manifests manifests;
    private volatile boolean closed;

    // the training state: only the work thread touches these
    private LearnedPolicy base;
    private Checkpoint baseCheckpoint;
    private Rate baseScore;
    private Map<String, Integer> attempted = Map.of();
    private long lastRoundNanos = System.nanoTime();
    private long heldTerm = -1;
    private volatile Announcement announced;
    private volatile Announcement seen;
    private volatile long seenNanos;

    /**
     * @param out where each round and lease change is told, one line each (the command's stdout); null: the log only
     */
    public FleetTrainer(Settings settings, Profile profile, SkillLibrary library, PrintStream out) throws IOException {
        this.settings = settings;
        this.topics = new FleetTopics(settings.fleet());
        this.profile = profile;
        this.library = library;
        this.store = profile.memoryName();
        this.commands = java.util.Set.copyOf(LearnedPolicy.names(library));
        this.checkpoints = profile.checkpoints(settings.fleetDir().resolve("checkpoints"));
        this.fineTune = new FineTuneRound(checkpoints, library.version());
        this.dataset = FleetDataset.open(settings.fleetDir().resolve("datasets"), settings.trainer());
        this.gate = profile.gate(library, settings.gateEpisodes(), settings.episodesDir(), Gate.Progress.none()).orElse(null);
        this.out = out;
        this.work = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-training-" + settings.trainer());
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        this.intake = new ExampleIntake(settings, topics, profile, library, commands, dataset);
    }

    /** Connects, joins the shared subscription and the lease; returns at once (the rest runs on its own threads). */
    public FleetTrainer start() throws IOException {
        control = FleetLink.open(settings.broker());
        manifests = Manifests.follow(control, topics, store);
        control.subscribe(topics.policy(store), 1, d -> onAnnouncement(d.payload()));
        // once the retained messages the broker still has came in, put back what it forgot
        control.onReconnect(() -> work.schedule(this::republish, Lease.SETTLE.toMillis(), TimeUnit.MILLISECONDS));
        lease = new Lease(settings.broker(), topics, store, settings.trainer(), settings.leaseTtl(), control, new Lease.Listener() {
            @Override
            public void acquired(long term) {
                tell("lease: %s holds %s's training (term %d)", settings.trainer(), store, term);
                work.execute(() -> resume(term));
            }

            @Override
            public void lost(String why) {
                tell("lease: %s lost %s's training: %s", settings.trainer(), store, why);
            }
        });
        intake.start();
        lease.start();
        work.scheduleWithFixedDelay(this::maybeTrain, 500, 250, TimeUnit.MILLISECONDS);
        tell("trainer %s: fleet %s on %s, %s profile, dataset %s (%d example(s)), checkpoints %s, train every %d example(s) or %s, gate: %s",
                settings.trainer(), settings.fleet(), settings.broker().broker(), store, dataset.root().resolve(settings.trainer()),
                dataset.size(), checkpoints.root(), settings.everyExamples(), settings.every().isZero() ? "never by time" : settings.every().toMinutes() + " min",
                gate == null ? "none (every candidate adopted)" : gate.scorer().what());
        return this;
    }

    public List<Round> rounds() {
        return List.copyOf(rounds);
    }

    public boolean holdsLease() {
        return lease != null && lease.held();
    }

    public FleetDataset dataset() {
        return dataset;
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    public long stored() {
        return intake.stored();
    }

    public long duplicates() {
        return intake.duplicates();
    }

    public long refusedCount() {
        return intake.refused();
    }

    /** The version this trainer announced last (null: none yet). */
    public Announcement announced() {
        return announced;
    }

    private void onAnnouncement(byte[] payload) {
        if (payload.length == 0) {
            return;
        }
        try {
            Announcement a = Announcement.parse(payload, topics, store);
            seen = a;
            seenNanos = System.nanoTime();
            Announcement mine = announced;
            if (mine != null && mine.version().equals(a.version()) && mine.sha256().equals(a.sha256())) {
                return;
            }
            work.execute(() -> follow(a));
        } catch (BadMessage e) {
            log.warn("fleet {}: announcement on {} refused by trainer {}: {}", settings.fleet(), topics.policy(store), settings.trainer(), e.getMessage());
        }
    }

    /** Takes the lease's work up: the last good checkpoint (or a first, untrained one), announced. */
    private void resume(long term) {
        if (!lease.held()) {
            return;
        }
        heldTerm = term;
        try {
            Announcement a = seen;
            Optional<Checkpoint> c = a == null ? Optional.empty() : checkpoints.find(a.version());
            Optional<Checkpoint> newer = adoptedAfter(a);
            if (newer.isPresent()) {
                // the last holder adopted (and put in use) a checkpoint after the announcement this trainer saw: the
                // announcement of it was lost (a broker restarted, and the holder died before announcing it again)
                setBase(newer.get());
                tell("resume: %s trains on from %s, the checkpoint the last holder adopted after the announced %s (whose announcement this trainer never got)",
                        settings.trainer(), newer.get().version(), a.version());
                announce(baseCheckpoint, null);
            } else if (c.isPresent() && CheckpointPackage.of(c.get()).sha256().equals(a.sha256())) {
                setBase(c.get());
                checkpoints.use(c.get().version());
                announced = a;
                tell("resume: %s trains on from %s, the fleet's announced policy", settings.trainer(), c.get().version());
            } else {
                Optional<Checkpoints.Loaded> inUse = checkpoints.loadInUse(profile.inputSpec(), profile.policyRules());
                if (inUse.isPresent()) {
                    inUse.get().policy().close();
                    setBase(inUse.get().checkpoint());
                    tell("resume: %s trains on from %s, the checkpoint in use under %s%s", settings.trainer(), baseCheckpoint.version(),
                            checkpoints.root(), a == null ? "" : " (the announced " + a.version() + " is not there or differs)");
                } else {
                    try (LearnedPolicy first = profile.untrained(library, 1)) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("bootstrap", "untrained: the fleet had no policy yet");
                        m.put("adopted", true);
                        m.put("dataset_records", Map.of());
                        m.put("trainer", settings.trainer());
                        m.put("lease_term", term);
                        Checkpoint v = fineTune.keep(first, null, m, true);
                        setBase(v);
                        tell("resume: %s starts the fleet's policy with %s, untrained (no checkpoint under %s yet)", settings.trainer(), v.version(), checkpoints.root());
                    }
                }
                announce(baseCheckpoint, null);
            }
            attempted = through(baseCheckpoint);
            republish();
        } catch (IOException | BadFileException | RuntimeException e) {
            log.warn("fleet {}: trainer {} cannot resume: {}", settings.fleet(), settings.trainer(), e.toString());
            tell("resume: %s cannot resume: %s", settings.trainer(), e.getMessage());
        }
    }

    /** The checkpoint in use in the shared folder, when a holder adopted it after {@code a} was announced; else empty. */
    private Optional<Checkpoint> adoptedAfter(Announcement a) throws IOException, BadFileException {
        if (a == null) {
            return Optional.empty();
        }
        Optional<Checkpoint> inUse = checkpoints.current();
        if (inUse.isEmpty() || inUse.get().version().equals(a.version()) || !inUse.get().metrics().path("adopted").asBoolean(false)) {
            return Optional.empty();
        }
        try {
            Instant created = Instant.parse(inUse.get().meta().path("created").asText(""));
            return created.toEpochMilli() > a.announcedMs() ? inUse : Optional.empty();
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** An announcement this trainer did not make: a rollback (or another trainer's); its version is the base from now. */
    private void follow(Announcement a) {
        if (!lease.held() || base == null || a.version().equals(baseCheckpoint.version())) {
            return;
        }
        try {
            Optional<Checkpoint> c = checkpoints.find(a.version());
            if (c.isEmpty()) {
                log.warn("fleet {}: {} announced {}, which is not under {}; {} trains on from {}", settings.fleet(), a.by(), a.version(),
                        checkpoints.root(), settings.trainer(), baseCheckpoint.version());
                return;
            }
            setBase(c.get());
            checkpoints.use(c.get().version());
            announced = a;
            // a rollback is not undone at once by a round on the examples that made the version rolled back: the
            // schedule counts from now (those examples are still in the next round's mix)
            attempted = a.rollbackFrom() != null ? dataset.counts() : through(baseCheckpoint);
            tell("follow: %s announced %s%s; %s trains on from it", a.by(), a.version(), a.rollbackFrom() == null ? "" : " (rollback from " + a.rollbackFrom() + ")",
                    settings.trainer());
        } catch (IOException | BadFileException e) {
            log.warn("fleet {}: trainer {} cannot follow {}: {}", settings.fleet(), settings.trainer(), a.version(), e.getMessage());
        }
    }

    private void setBase(Checkpoint c) throws BadFileException {
        LearnedPolicy p = profile.load(checkpoints, c);
        if (!p.commands().equals(LearnedPolicy.names(library))) {
            p = p.grownTo(library).as(c.version(), p.rules());
        }
        if (base != null) {
            base.close();
        }
        base = p;
        baseCheckpoint = c;
        JsonNode m = c.metrics();
        baseScore = m.has("score_hits") && m.has("score_trials") && m.path("gate_what").asText("").equals(gate == null ? "" : gate.scorer().what())
                ? new Rate(m.get("score_hits").asLong(), m.get("score_trials").asLong()) : null;
    }

    /** Which records of each trainer's dataset a checkpoint was trained through. */
    private static Map<String, Integer> through(Checkpoint c) {
        Map<String, Integer> out = new TreeMap<>();
        c.metrics().path("dataset_records").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    private void maybeTrain() {
        if (closed || lease == null || !lease.held() || base == null || lease.term() != heldTerm) {
            return;
        }
        try {
            Map<String, Integer> counts = dataset.counts();
            int fresh = beyond(counts, attempted);
            boolean byCount = settings.everyExamples() > 0 && fresh >= settings.everyExamples();
            boolean byTime = !settings.every().isZero() && fresh > 0 && System.nanoTime() - lastRoundNanos >= settings.every().toNanos();
            if (byCount || byTime) {
                round();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("fleet {}: trainer {}: training round failed: {}; the fleet's policy stays {}", settings.fleet(), settings.trainer(), e.toString(),
                    baseCheckpoint == null ? "-" : baseCheckpoint.version());
            log.debug("round failure", e);
        }
    }

    private static int beyond(Map<String, Integer> now, Map<String, Integer> before) {
        int n = 0;
        for (var e : now.entrySet()) {
            n += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0));
        }
        return n;
    }

    /** Trains one round now if there is anything new (what the schedule does; the demo calls it once more at the end). */
    public Optional<Round> trainNow() throws Exception {
        return work.submit(() -> {
            if (!lease.held() || base == null) {
                return Optional.<Round>empty();
            }
            if (beyond(dataset.counts(), through(baseCheckpoint)) == 0) {
                return Optional.<Round>empty();
            }
            return Optional.ofNullable(round());
        }).get();
    }

    private Round round() throws IOException {
        long term = lease.term();
        int number = rounds.size() + 1;
        Map<String, List<FleetDataset.Record>> records = dataset.records();
        Map<String, Integer> counts = new TreeMap<>();
        records.forEach((t, r) -> counts.put(t, r.size()));
        Map<String, Integer> trained = through(baseCheckpoint);
        List<Example> fresh = new ArrayList<>(), replay = new ArrayList<>();
        records.forEach((t, list) -> {
            int from = trained.getOrDefault(t, 0);
            for (FleetDataset.Record r : list) {
                (r.index() >= from ? fresh : replay).add(r.message().example());
            }
        });
        attempted = counts;
        lastRoundNanos = System.nanoTime();
        if (fresh.isEmpty()) {
            return null;
        }
        List<Example> mixed = Dataset.mix(fresh, replay, REPLAY_RATIO, number);
        tell("round %d: %s trains from %s on %d new + %d replayed example(s) of %d", number, settings.trainer(), baseCheckpoint.version(),
                fresh.size(), mixed.size() - fresh.size(), fresh.size() + replay.size());
        FineTuneRound.Trained t = FineTuneRound.train(base, mixed, null, settings.training().withSeed(number), null, base.rules());
        Trainer.Result r = t.result();
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("round", number);
        about.put("trainer", settings.trainer());
        about.put("lease_term", term);
        about.put("fresh", fresh.size());
        about.put("replayed", mixed.size() - fresh.size());
        about.put("dataset_records", counts);
        FineTuneRound.Outcome done;
        try {
            done = fineTune.settle(t, gate, scorer -> baseScore != null ? baseScore : (baseScore = scorer.score(base)), baseCheckpoint.version(),
                    about, FineTuneRound.NO_GATE, () -> lease.held() && lease.term() == term);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the gate failed: " + e.getMessage(), e);
        }
        if (done.checkpoint() == null) {
            tell("round %d: %s lost the lease mid-round; no checkpoint written, the new holder resumes from %s", number, settings.trainer(),
                    baseCheckpoint.version());
            return null;
        }
        Checkpoint c = done.checkpoint();
        Rate score = done.score();
        String verdict = done.says();
        Round finished = new Round(number, settings.trainer(), baseCheckpoint.version(), c.version(), done.adopted(), fresh.size(), mixed.size() - fresh.size(),
                score, verdict, r.seconds(), counts, System.currentTimeMillis());
        if (!done.adopted()) {
            rounds.add(finished);
            tell("round %d: %s %s; the fleet keeps %s", number, c.version(), verdict, baseCheckpoint.version());
            return finished;
        }
        base.close();
        base = done.policy();
        baseCheckpoint = c;
        baseScore = score;
        announce(c, null);
        rounds.add(finished);
        tell(Locale.ROOT, "round %d: %s %s, announced (loss %.3f -> %.3f, %.1f s)", number, c.version(), verdict, r.firstLoss(), r.lastLoss(), r.seconds());
        return finished;
    }

    /** Puts a checkpoint on the broker (chunks, manifest, retained) and makes it the fleet's policy. */
    private void announce(Checkpoint c, String rollbackFrom) throws IOException {
        CheckpointPackage pkg = CheckpointPackage.of(c);
        JsonNode m = c.metrics();
        String score = m.has("score_heldout") ? String.format(Locale.ROOT, "%.2f [%.2f, %.2f] (%d/%d) %s", m.get("score_heldout").asDouble(),
                m.path("score_heldout_95ci").path(0).asDouble(), m.path("score_heldout_95ci").path(1).asDouble(), m.path("score_hits").asLong(),
                m.path("score_trials").asLong(), m.path("gate_what").asText("")) : m.path("bootstrap").asText("not gated");
        Announcement a = new Announcement(store, c.version(), c.parent(), pkg.sha256(), pkg.size(), pkg.chunks(), CheckpointPackage.CHUNK_BYTES,
                c.spec(), c.commands().size(), settings.trainer(), lease.term(), score, c.meta().path("created").asText(Instant.now().toString()),
                settings.trainer(), rollbackFrom, System.currentTimeMillis());
        shelve(c, pkg, a);
        announced = a;
        control.publish(topics.policy(store), a.toBytes(topics), 1, true);
    }

    /** A version's chunks, then its manifest, retained: chunks first, so an agent that reads the manifest finds them. */
    private void shelve(Checkpoint c, CheckpointPackage pkg, Announcement a) throws IOException {
        String prefix = topics.chunks(store, c.version());
        for (int i = 0; i < pkg.chunks(); i++) {
            control.publish(prefix + i, pkg.chunk(i), 1, true);
        }
        control.publish(topics.manifest(store, c.version()), a.announcedBy(settings.trainer(), null).toBytes(topics), 1, true);
    }

    /**
     * After a reconnect (a broker restarted without persistence forgets everything retained) and on taking the lease:
     * the adopted versions' manifests and chunks, and the fleet's policy, as they were.
     */
    private void republish() {
        if (lease == null || !lease.held() || baseCheckpoint == null) {
            return;
        }
        try {
            List<Checkpoint> adopted = new ArrayList<>();
            for (Checkpoint c : checkpoints.list()) {
                if (c.metrics().path("adopted").asBoolean(false)) {
                    adopted.add(c);
                }
            }
            List<Checkpoint> kept = adopted.subList(Math.max(0, adopted.size() - KEPT_ON_BROKER), adopted.size());
            for (Checkpoint c : kept) {
                if (!manifests.receivedSince(c.version(), control.connectedNanos())) {
                    CheckpointPackage pkg = CheckpointPackage.of(c);
                    Announcement a = new Announcement(store, c.version(), c.parent(), pkg.sha256(), pkg.size(), pkg.chunks(),
                            CheckpointPackage.CHUNK_BYTES, c.spec(), c.commands().size(), c.metrics().path("trainer").asText(settings.trainer()),
                            c.metrics().path("lease_term").asLong(0), c.metrics().path("gate").asText(""), c.meta().path("created").asText(""),
                            settings.trainer(), null, System.currentTimeMillis());
                    shelve(c, pkg, a);
                }
            }
            Announcement a = announced;
            if (a != null) {
                Announcement s = seenNanos - control.connectedNanos() >= 0 ? seen : null;
                if (s == null || !s.version().equals(a.version())) {
                    control.publish(topics.policy(store), a.toBytes(topics), 1, true);
                    log.info("fleet {}: trainer {} announced {} again (the broker had {})", settings.fleet(), settings.trainer(), a.version(),
                            s == null ? "no policy" : s.version());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("fleet {}: trainer {} could not publish the fleet's state again: {}", settings.fleet(), settings.trainer(), e.toString());
        }
    }

    private void tell(String format, Object... args) {
        tell(Locale.ROOT, format, args);
    }

    private void tell(Locale l, String format, Object... args) {
        String line = String.format(l, format, args);
        log.info(line);
        if (out != null) {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }
    }

    /** Stops taking examples (what arrived is written first), gives the lease up, and closes. */
    @Override
    public void close() {
        intake.stopTaking();
        closed = true;
        intake.stopWriting();
        if (lease != null) {
            lease.close();
        }
        work.shutdownNow();
        try {
            intake.awaitWritten(2000);
            work.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (control != null) {
            control.close();
        }
        if (base != null) {
            base.close();
        }
        dataset.close();
        tell("trainer %s: stored %d example(s), dropped %d duplicate(s), refused %d message(s), %d round(s)", settings.trainer(), intake.stored(),
                intake.duplicates(), intake.refused(), rounds.size());
    }

    /** For tests of the lease's hand-over in one process: drops the lease as kill -9 would. */
    void crashLease() {
        lease.crash();
    }
}
