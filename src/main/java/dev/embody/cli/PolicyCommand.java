package dev.embody.cli;

import dev.embody.learning.Checkpoint;
import dev.embody.learning.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "The learned policy's checkpoints: list them, or put one in use (rollback).",
        subcommands = {PolicyCommand.ListCheckpoints.class, PolicyCommand.Use.class})
final class PolicyCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static class Where {
        @picocli.CommandLine.Mixin
        TargetSelection target;
        @Option(names = "--checkpoints", defaultValue = "checkpoints", description = "Checkpoints folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        /** The target's checkpoints (a desktop program's are its own: checkpoints/desktop-NAME). */
        Checkpoints store() throws Exception {
            try (dev.embody.profile.Profile p = target.profile(command)) {
                return p.checkpoints(dir);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every checkpoint, oldest first; '*' marks the one in use, '!' one that does not load (and why).")
    static final class ListCheckpoints implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Where where;

        @Override
        public Integer call() throws Exception {
            Checkpoints store = where.store();
            List<Checkpoints.Found> all = store.survey();
            if (all.isEmpty()) {
                System.out.println("no checkpoints under " + store.root() + " (train one with ./run train or ./run improve)");
                return Main.OK;
            }
            String current;
            dev.embody.file.BadFileException unnamed = null;
            try {
                current = store.inUse(all).map(Checkpoints.Found::version).orElse("");
            } catch (dev.embody.file.BadFileException e) {
                // listed all the same, none marked in use: the file is shown with what it should say
                current = "";
                unnamed = e;
            }
            for (Checkpoints.Found f : all) {
                if (!f.loads()) {
                    System.out.printf("! %s broken: %s%n", f.version(), f.problem().getMessage());
                    continue;
                }
                Checkpoint c = f.checkpoint();
                var m = c.metrics();
                System.out.printf(Locale.ROOT, "%s %s parent=%s created=%s commands=%d skills=%s success=%s agreement=%s examples=%s loss=%s%n",
                        c.version().equals(current) ? "*" : " ", c.version(), c.parent() == null ? "-" : c.parent(),
                        c.meta().path("created").asText("?"), c.commands().size(), c.skillsVersion(),
                        m.has("success_heldout") ? String.format(Locale.ROOT, "%.2f", m.get("success_heldout").asDouble()) : "-",
                        m.has("score_heldout") && !m.has("success_heldout") ? String.format(Locale.ROOT, "%.2f", m.get("score_heldout").asDouble()) : "-",
                        m.path("examples").asText("-"),
                        m.has("loss_last") ? String.format(Locale.ROOT, "%.3f", m.get("loss_last").asDouble()) : "-");
            }
            if (unnamed != null) {
                System.out.println("no checkpoint is in use: " + unnamed.getMessage());
                return Main.BAD_FILE;
            }
            if (current.isEmpty()) {
                System.out.println("no checkpoint under " + store.root() + " loads: live --policy learned has none to use");
                return Main.BAD_FILE;
            }
            return Main.OK;
        }
    }

    @Command(name = "use", mixinStandardHelpOptions = true, description = "Put a checkpoint in use: live --policy learned loads it (a rollback when older); "
            + "with --fleet, announce it to every agent of the fleet.")
    static final class Use implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Mixin
        Where where;
        @picocli.CommandLine.Mixin
        FleetConnection fleet;
        @Parameters(paramLabel = "VERSION", description = "e.g. v0003 or 3")
        String version;

        @Override
        public Integer call() throws Exception {
            fleet.check(spec, false);
            Checkpoints store = where.store();
            String v;
            try {
                v = Checkpoints.normalise(version);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (fleet.given()) {
                // the fleet's versions are the ones its trainers announced: their manifests are on the broker
                dev.embody.fleet.FleetRollback.Result r = dev.embody.fleet.FleetRollback.announce(fleet.options("policy-use"), fleet.name,
                        store.root().getFileName().toString(), v);
                if (!r.done()) {
                    throw new ParameterException(spec.commandLine(), r.message());
                }
                System.out.println(r.message());
                return Main.OK;
            }
            Optional<Checkpoint> c = store.find(v);
            if (c.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no checkpoint " + v + " under " + store.root()
                        + " (have " + store.list().stream().map(Checkpoint::version).toList() + ")");
            }
            store.load(c.get(), c.get().spec(), dev.embody.planning.PolicyRules.defaults()).close(); // it must load before it is put in use
            store.use(v);
            System.out.println("in use: " + v + " (" + store.root() + ")");
            return Main.OK;
        }
    }
}
