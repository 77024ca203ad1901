package dev.embody.perception;

import dev.embody.loop.Frame;
import dev.embody.loop.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A desktop program's scene: its UI templates as entities, and a warning when a template matches worse than at capture. */
class DesktopGatheringTest {

    @TempDir
    Path dir;

    /**
     * A grey screen with a "button": a dark box with a light label, its strokes {@code shift} pixels off where they were
     * at capture (as another machine's font would draw them).
     */
    private static BufferedImage screen(boolean button, int shift) {
        BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 320, 200);
        if (button) {
            g.setColor(new Color(30, 30, 30));
            g.fillRect(100, 80, 60, 24);
            g.setColor(new Color(230, 230, 230));
            g.fillRect(108 + shift, 88, 30, 8);
            g.fillRect(145 - shift, 84, 6, 16);
        }
        g.dispose();
        return img;
    }

    private Path buttonTemplate() throws Exception {
        Path png = dir.resolve("button.png");
        ImageIO.write(screen(true, 0).getSubimage(98, 78, 64, 28), "png", png.toFile());
        return png;
    }

    private static Observation observe(BufferedImage img, long i) {
        return new Observation(i, System.nanoTime(), Frame.of(img));
    }

    @Test
    void aTemplateFoundWeakerThanAtCaptureIsWarnedAboutOnce() throws Exception {
        Map<String, TemplateCapture> captured = Map.of("button", new TemplateCapture("2026-12-01T20:30:00Z", "bench-7", ":90", 1.0));
        TemplateFinder finder = new TemplateFinder(Map.of("button", buttonTemplate()), List.of(1.0), 0.5);
        DesktopGathering clear = new DesktopGathering(null, finder, captured);
        assertThat(clear.gather(observe(screen(true, 0), 0), null).entities()).extracting(e -> e.kind()).containsExactly("template:button");
        assertThat(clear.warnings()).isEmpty();

        // the same program drawn otherwise (another machine's theme): still found, but weaker than at capture
        DesktopGathering faded = new DesktopGathering(null, finder, captured);
        faded.gather(observe(screen(false, 0), 0), null);
        assertThat(faded.warnings()).hasSize(1);
        assertThat(faded.warnings().get(0)).contains("template 'button' matches the screen at most").contains("at the episode's start")
                .contains("1.000 when captured (2026-12-01T20:30:00Z, on bench-7 at :90)").contains("--template-image button=IMAGE");
        faded.gather(observe(screen(true, 3), 1), null);
        assertThat(faded.warnings()).as("once per template").hasSize(1);

        DesktopGathering later = new DesktopGathering(null, finder, captured);
        later.gather(observe(screen(true, 0), 0), null);
        var scene = later.gather(observe(screen(true, 3), 1), null);
        assertThat(scene.entities()).extracting(e -> e.kind()).containsExactly("template:button");
        assertThat(later.warnings()).singleElement().asString().contains("template 'button' found at only");

        // no capture record: nothing to compare with
        DesktopGathering unrecorded = new DesktopGathering(null, finder, Map.of());
        unrecorded.gather(observe(screen(true, 3), 0), null);
        assertThat(unrecorded.warnings()).isEmpty();
    }
}
