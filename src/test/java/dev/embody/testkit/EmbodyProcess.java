package dev.embody.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class (by default the embody CLI) in a child JVM with the test classpath, in a working folder,
 * capturing stdout and stderr to files. For tests that need a separate process: a game window the agent must not
 * share memory with, a SIGINT, a kill -9.
 */
public final class EmbodyProcess implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private EmbodyProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The embody CLI with these arguments, run in {@code workDir}. */
    public static EmbodyProcess cli(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(workDir, env, "dev.embody.cli.Main", args);
    }

    public static EmbodyProcess start(Path workDir, Map<String, String> env, String mainClass, String... args) throws IOException {
        return start(workDir, env, List.of(), mainClass, args);
    }

    /**
     * As {@link #start(Path, Map, String, String...)}, with a command in front of java (e.g. {@code unshare -rn} for a
     * process with no network); an env value of null removes that variable (e.g. DISPLAY).
     */
    public static EmbodyProcess start(Path workDir, Map<String, String> env, List<String> prefix, String mainClass, String... args) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dembody.run.dir=" + workDir.resolve("runs/child"),
                "-cp", cp, mainClass));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return new EmbodyProcess(pb.start(), out, err);
    }

    /** Copies the project's skills/ (and calibration/ if present) into a test's working folder. */
    public static void copyProjectFolders(Path workDir, String... folders) throws IOException {
        for (String f : folders) {
            Path src = Path.of(f);
            if (!Files.exists(src)) {
                continue;
            }
            try (var s = Files.walk(src)) {
                for (Path p : s.toList()) {
                    Path dst = workDir.resolve(src.relativize(p).toString().isEmpty() ? f : f + File.separator + src.relativize(p));
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dst);
                    } else {
                        Files.copy(p, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGINT, as Ctrl-C does. */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    /** Waits for the exit code; -1 if it did not end in time (then it is killed). */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    public String stdout() throws IOException {
        return Files.readString(out);
    }

    public String stderr() throws IOException {
        return Files.readString(err);
    }

    /** Waits until stdout or stderr contains the text; false on timeout or if the process ended first. */
    public boolean awaitOutput(String text, long seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (stdout().contains(text) || stderr().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return stdout().contains(text) || stderr().contains(text);
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
