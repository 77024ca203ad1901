package dev.embody.correction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Real speech for tests: espeak-ng says a sentence in a voice, sox resamples it to 16 kHz mono 16-bit. */
final class Espeak {

    private Espeak() {
    }

    static boolean available() {
        return onPath("espeak-ng") && onPath("sox");
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The 16 kHz WAV of {@code text} in {@code voice}, written under {@code dir}. */
    static Path say(String text, String voice, Path dir, int n) throws IOException, InterruptedException {
        Path raw = dir.resolve(n + "-" + voice.replaceAll("[^a-z0-9]", "_") + "-raw.wav");
        Path wav = dir.resolve(n + "-" + voice.replaceAll("[^a-z0-9]", "_") + ".wav");
        run(List.of("espeak-ng", "-v", voice, "-w", raw.toString(), text));
        run(List.of("sox", raw.toString(), "-r", "16000", "-c", "1", "-b", "16", wav.toString()));
        Files.delete(raw);
        return wav;
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
