package dev.embody.learning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.embody.file.BadFileException;
import dev.embody.planning.InputSpec;
import dev.embody.planning.LearnedPolicy;
import dev.embody.planning.PolicyNet;
import dev.embody.planning.PolicyRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned checkpoints of one target, {@code checkpoints/<target>/v0001/ ...}, and which one is in use (the
 * {@code current} file). A checkpoint is written whole in a temporary folder and renamed into place, and
 * {@code current} is replaced atomically, so a crash at any moment leaves the last good checkpoint in use and loadable.
 */
public final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern VERSION = Pattern.compile("v\\d{4}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String CURRENT = "current";

    private final Path root;

    public Checkpoints(Path root) {
        this.root = root;
    }

    public static Checkpoints forTarget(Path checkpointsDir, String target) {
        return new Checkpoints(checkpointsDir.resolve(target));
    }

    public Path root() {
        return root;
    }

    /** Every complete checkpoint, oldest first; temporary folders of an interrupted write are not checkpoints. */
    public List<Checkpoint> list() throws IOException {
        List<Checkpoint> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.filter(p -> VERSION.matcher(p.getFileName().toString()).matches()).sorted(Comparator.comparing(Path::getFileName)).toList()) {
                try {
                    out.add(open(d));
                } catch (BadFileException e) {
                    log.warn("skipping {}: {}", d, e.getMessage());
                }
            }
        }
        return out;
    }

    public Optional<Checkpoint> find(String version) throws IOException {
        String v = normalise(version);
        return list().stream().filter(c -> c.version().equals(v)).findFirst();
    }

    /** "3", "v3", "v0003" all mean v0003. */
    public static String normalise(String version) {
        String digits = version.startsWith("v") ? version.substring(1) : version;
        if (!digits.matches("\\d{1,4}")) {
            throw new IllegalArgumentException("'" + version + "' is not a checkpoint version (expected e.g. v0003 or 3)");
        }
        return String.format("v%04d", Integer.parseInt(digits));
    }

    /**
     * The checkpoint in use: the one {@code current} names, else (no such file) the newest; empty when there is none.
     *
     * @throws BadFileException {@code current} names no checkpoint here, or one that is incomplete: falling back to another
     *                          version would quietly undo a rollback
     */
    public Optional<Checkpoint> current() throws IOException, BadFileException {
        String v = named();
        if (!v.isEmpty()) {
            try {
                return Optional.of(open(root.resolve(v)));
            } catch (BadFileException e) {
                throw new BadFileException(e.file(), e.line(), e.reason() + " (it is the one " + root.resolve(CURRENT) + " puts in use)");
            }
        }
        List<Checkpoint> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Makes a checkpoint the one in use (a rollback when it is older); atomic. */
    public void use(String version) throws IOException {
        Checkpoint c = find(version).orElseThrow(() -> new IllegalArgumentException("no checkpoint " + normalise(version) + " under " + root));
        Path tmp = root.resolve(CURRENT + ".tmp");
        Files.writeString(tmp, c.version() + "\n");
        move(tmp, root.resolve(CURRENT));
    }

    /**
     * Writes a new checkpoint (the next version) and returns it; it is not put in use (see {@link #use}).
     *
     * @param metrics whatever was measured: loss, success rate, examples, train seconds...
     */
    public synchronized Checkpoint write(LearnedPolicy policy, String skillsVersion, String parent, Map<String, Object> metrics) throws IOException {
        Files.createDirectories(root);
        List<Checkpoint> all = list();
        int next = all.isEmpty() ? 1 : all.get(all.size() - 1).number() + 1;
        String version = String.format("v%04d", next);
        Path tmp = Files.createTempDirectory(root, ".tmp-" + version + "-");
        try {
            try (OutputStream out = Files.newOutputStream(tmp.resolve(Checkpoint.PARAMS))) {
                policy.net().save(out);
            }
            ObjectNode meta = JSON.createObjectNode();
            meta.put("version", version);
            meta.put("parent", parent);
            meta.put("created", Instant.now().toString());
            meta.put("device", policy.net().model().getNDManager().getDevice().isGpu() ? "gpu" : "cpu");
            meta.put("skills_version", skillsVersion);
            meta.put("profile", root.getFileName().toString());
            meta.set("input_spec", JSON.valueToTree(policy.spec()));
            meta.set("commands", JSON.valueToTree(policy.commands()));
            // how it picks, so eval and live play it as train chose (a calibration's declaration still wins there)
            ObjectNode rules = meta.putObject("rules");
            rules.put("choice", policy.rules().sampleSeed() < 0 ? "greedy" : "sampled");
            rules.put("loop_breaking", policy.rules().breakLoops());
            rules.put("still_screen", policy.rules().stillScreen());
            meta.set("metrics", JSON.valueToTree(metrics));
            Files.write(tmp.resolve(Checkpoint.META), JSON.writeValueAsBytes(meta));
            sync(tmp.resolve(Checkpoint.PARAMS));
            sync(tmp.resolve(Checkpoint.META));
            move(tmp, root.resolve(version));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        log.info("checkpoint {} written under {}", version, root);
        try {
            return open(root.resolve(version));
        } catch (BadFileException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The policy a checkpoint holds, for a profile that reads {@code spec}.
     *
     * @throws BadFileException the checkpoint was trained to read another input (another profile), naming both; or its
     *                          parameters cannot be read
     */
    public LearnedPolicy load(Checkpoint c, InputSpec spec, PolicyRules rules) throws BadFileException {
        return load(c, spec, rules, null);
    }

    /** As {@link #load(Checkpoint, InputSpec, PolicyRules)}, naming the profile that reads {@code spec} in a refusal. */
    public LearnedPolicy load(Checkpoint c, InputSpec spec, PolicyRules rules, String reader) throws BadFileException {
        InputSpec trained = c.spec();
        if (trained == null) {
            throw new BadFileException(c.dir().resolve(Checkpoint.META), 0, "no 'input_spec': a checkpoint from before input specs were recorded; train a new one");
        }
        if (!trained.equals(spec)) {
            throw new BadFileException(c.dir().resolve(Checkpoint.META), 0, "checkpoint " + c.version() + " was trained"
                    + (c.profile().isEmpty() ? "" : " for the " + c.profile() + " profile") + " to read " + trained
                    + "; " + (reader == null ? "this profile" : "the " + reader + " profile") + " reads " + spec + ": train one for it (./run train --target ...)");
        }
        try (InputStream in = Files.newInputStream(c.dir().resolve(Checkpoint.PARAMS))) {
            return new LearnedPolicy(PolicyNet.load(in, spec, c.commands().size()), c.commands(), c.version(), rules);
        } catch (IOException | RuntimeException e) {
            throw new BadFileException(c.dir().resolve(Checkpoint.PARAMS), 0, "cannot load the parameters: " + e.getMessage());
        }
    }

    /** The policy a checkpoint holds, reading the input it was trained for (whether it loads at all); default rules. */
    public LearnedPolicy load(Checkpoint c) throws BadFileException {
        InputSpec trained = c.spec();
        if (trained == null) {
            throw new BadFileException(c.dir().resolve(Checkpoint.META), 0, "no 'input_spec': a checkpoint from before input specs were recorded; train a new one");
        }
        return load(c, trained, PolicyRules.defaults());
    }

    /**
     * One version folder as found on disk: its checkpoint, or why it cannot be used.
     *
     * @param checkpoint null where its checkpoint.json does not read
     * @param problem    null where it loads
     */
    public record Found(String version, Path dir, Checkpoint checkpoint, BadFileException problem) {
        public boolean loads() {
            return problem == null;
        }
    }

    /** Every version folder, oldest first, each loaded (and let go) to tell the ones that load from the broken ones. */
    public List<Found> survey() throws IOException {
        List<Found> out = new ArrayList<>();
        for (Path d : versionFolders()) {
            String v = d.getFileName().toString();
            Checkpoint c = null;
            try {
                c = open(d);
                load(c).close();
                out.add(new Found(v, d, c, null));
            } catch (BadFileException e) {
                out.add(new Found(v, d, c, e));
            }
        }
        return out;
    }

    /** Which of the surveyed checkpoints is in use: the one {@code current} names if it loads, else the newest that does. */
    public Optional<Found> inUse(List<Found> found) throws IOException, BadFileException {
        String named = named();
        Optional<Found> n = found.stream().filter(f -> f.version().equals(named) && f.loads()).findFirst();
        if (n.isPresent()) {
            return n;
        }
        for (int i = found.size() - 1; i >= 0; i--) {
            if (found.get(i).loads()) {
                return Optional.of(found.get(i));
            }
        }
        return Optional.empty();
    }

    /** A checkpoint and the policy loaded from it. */
    public record Loaded(Checkpoint checkpoint, LearnedPolicy policy) {
    }

    /**
     * Loads the policy in use: the checkpoint {@code current} names, or where that one does not load (its
     * checkpoint.json or its parameters), the newest that does, with a warning naming the file and why.
     *
     * @return empty when there is no checkpoint at all
     * @throws BadFileException when there are checkpoints but none loads: the in-use one's file and reason, and the others'
     */
    public Optional<Loaded> loadInUse(InputSpec spec, PolicyRules rules) throws IOException, BadFileException {
        return loadInUse(c -> load(c, spec, rules));
    }

    /** How a checkpoint becomes a policy for whoever reads it (a profile: the inputs it can compute, its rules). */
    public interface Reader {
        LearnedPolicy read(Checkpoint c) throws BadFileException;
    }

    /** As {@link #loadInUse(InputSpec, PolicyRules)}, each checkpoint read by {@code reader}. */
    public Optional<Loaded> loadInUse(Reader reader) throws IOException, BadFileException {
        List<Path> dirs = new ArrayList<>(versionFolders());
        if (dirs.isEmpty()) {
            return Optional.empty();
        }
        String named = named();
        // the named one first, then newest to oldest
        java.util.Collections.reverse(dirs);
        dirs.stream().filter(d -> d.getFileName().toString().equals(named)).findFirst().ifPresent(d -> {
            dirs.remove(d);
            dirs.add(0, d);
        });
        List<BadFileException> broken = new ArrayList<>();
        for (Path d : dirs) {
            try {
                Checkpoint c = open(d);
                LearnedPolicy p = reader.read(c);
                if (!broken.isEmpty()) {
                    log.warn("{}; using {}, the newest checkpoint that loads", broken.get(0).getMessage(), c.version());
                }
                return Optional.of(new Loaded(c, p));
            } catch (BadFileException e) {
                broken.add(e);
            }
        }
        BadFileException first = broken.get(0);
        StringBuilder others = new StringBuilder();
        for (BadFileException e : broken.subList(1, broken.size())) {
            others.append(others.length() == 0 ? "" : "; ").append(e.getMessage());
        }
        throw new BadFileException(first.file(), first.line(), first.reason() + "; no checkpoint under " + root + " loads"
                + (others.length() == 0 ? "" : " (" + others + ")"));
    }

    /**
     * The version {@code current} names, or "" when there is no such file.
     *
     * @throws BadFileException it names no version folder here: the file, what it says and what is expected
     */
    private String named() throws IOException, BadFileException {
        Path file = root.resolve(CURRENT);
        if (!Files.isRegularFile(file)) {
            return "";
        }
        // a version is a few bytes: a big file is something else, and is not read whole
        String said = Files.size(file) > 256 ? "(" + Files.size(file) + " bytes)" : Files.readString(file).strip();
        said = said.length() > 80 ? said.substring(0, 80) + "..." : said;
        List<String> versions = versionFolders().stream().map(d -> d.getFileName().toString()).toList();
        try {
            String v = normalise(said);
            if (versions.contains(v)) {
                return v;
            }
        } catch (IllegalArgumentException notAVersion) {
            // refused below with what is expected
        }
        throw new BadFileException(file, 1, "names '" + said + "', which is no checkpoint here: expected one of "
                + (versions.isEmpty() ? "none (there is no checkpoint: delete the file)" : String.join(", ", versions))
                + " (./run policy use VERSION rewrites it); no other version is put in use in its place");
    }

    private List<Path> versionFolders() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p) && VERSION.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(Path::getFileName)).toList();
        }
    }

    private static Checkpoint open(Path dir) throws BadFileException {
        Path meta = dir.resolve(Checkpoint.META);
        if (!Files.isRegularFile(meta) || !Files.isRegularFile(dir.resolve(Checkpoint.PARAMS))) {
            throw new BadFileException(meta, 0, "incomplete checkpoint: needs " + Checkpoint.META + " and " + Checkpoint.PARAMS);
        }
        try {
            JsonNode n = JSON.readTree(meta.toFile());
            if (n == null || !n.path("commands").isArray() || !n.has("version")) {
                throw new BadFileException(meta, 1, "expected a JSON object with 'version' and a 'commands' array");
            }
            Checkpoint c = new Checkpoint(dir.getFileName().toString(), dir, n);
            try {
                c.spec(); // a spec that is not one is refused here, with its file, not met later as a wrong input
            } catch (IllegalArgumentException e) {
                throw new BadFileException(meta, 0, "'input_spec' is not an input: " + e.getMessage());
            }
            return c;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadFileException(meta, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadFileException(meta, 0, "cannot read: " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is skipped by list()
        }
    }
}
