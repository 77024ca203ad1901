package dev.embody.testkit;

import dev.embody.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the CLI in this JVM, as `./run ARGS` would, and keeps its exit code, stdout and stderr. Each run gets a run
 * folder of its own, as `./run` gives each process runs/&lt;id&gt;: nothing one run leaves there is seen by the next.
 */
public record CliRun(int exit, String out, String err) {

    private static String base;
    private static int runs;

    public static CliRun of(String... args) {
        return with(Main::execute, args);
    }

    /** Runs another command-line program's entry (a test's own) the same way. */
    public static synchronized CliRun with(java.util.function.ToIntFunction<String[]> program, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        if (base == null) {
            base = System.getProperty("embody.run.dir", "target/test-runs");
        }
        System.setProperty("embody.run.dir", base + "/" + ProcessHandle.current().pid() + "-" + (++runs));
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = program.applyAsInt(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setProperty("embody.run.dir", base);
        }
    }

    /** The one line that starts with this prefix. */
    public String line(String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError("no line '" + prefix + "' in:\n" + out + err));
    }
}
