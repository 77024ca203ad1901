package dev.embody.correction;

import dev.embody.loop.OperatorInbox;
import dev.embody.skill.SkillLibrary;
import java.nio.file.*;

/** Development probe: prints what the recogniser makes of sentences (not a test). */
public class SpeechProbe {
    public static void main(String[] a) throws Exception {
        SkillLibrary lib = SkillLibrary.load(Path.of("skills/sim-game"));
        SpokenCorrections s = SpokenCorrections.open(() -> lib, new OperatorInbox()).orElseThrow();
        Path dir = Files.createTempDirectory("probe");
        String[] voices = a[0].split(",");
        int n = 0;
        for (int i = 1; i < a.length; i++) for (String v : voices) {
            Path w = Espeak.say(a[i], v, dir, n++);
            var h = s.hear(Files.readAllBytes(w), "probe");
            System.out.printf("%-10s %-40s -> %-40s score=%.0f applied=%s %dms %s%n", v, a[i], h.text(), h.score(), h.applied(), h.decodeMillis(), h.understanding().command());
        }
    }
}
