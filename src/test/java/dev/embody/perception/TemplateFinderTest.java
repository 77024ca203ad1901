package dev.embody.perception;

import dev.embody.loop.Frame;
import dev.embody.loop.Goal;
import dev.embody.sim.SimGame;
import dev.embody.sim.SimWindow;
import org.junit.jupiter.api.Test;

import java.awt.Image;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TemplateFinderTest {

    private static final Map<String, Path> BANNERS = Map.of(
            "level-won", Path.of("calibration/desktop/templates/level-won.png"),
            "level-lost", Path.of("calibration/desktop/templates/level-lost.png"));

    private static BufferedImage frame(boolean banner, boolean won) {
        BufferedImage img = SimGame.of(3, 1, SimGame.COLLECT_COINS, Duration.ofSeconds(90)).render().toImage();
        if (banner) {
            SimWindow.drawBanner(img, won);
        }
        return img;
    }

    @Test
    void findsTheBannerWhereItIsAndTellsWonFromLost() {
        try (TemplateFinder f = new TemplateFinder(BANNERS, List.of(1.0), 0.9)) {
            Frame won = Frame.of(frame(true, true));
            var m = f.best("level-won", won, List.of(1.0)).orElseThrow();
            assertThat(m.score()).isGreaterThan(0.95);
            assertThat(m.entity().kind()).isEqualTo("template:level-won");
            assertThat(m.entity().x()).isCloseTo(320, org.assertj.core.data.Offset.offset(2.0));
            assertThat(m.entity().y()).isCloseTo(180, org.assertj.core.data.Offset.offset(2.0));
            assertThat(f.best("level-lost", won, List.of(1.0)).orElseThrow().score()).isLessThan(m.score());
            assertThat(f.findAll(Frame.of(frame(false, true)))).isEmpty();
        }
    }

    /**
     * The shipped banner templates are the game's own rendering with its shipped font, so they match on any machine;
     * when the banner's drawing changes, {@code ./run sim-window --write-templates calibration/desktop/templates} redraws them.
     */
    @Test
    void theShippedBannersAreTheGamesOwnDrawing() {
        try (TemplateFinder f = new TemplateFinder(BANNERS, List.of(1.0), 0.9)) {
            for (boolean won : new boolean[]{true, false}) {
                String name = won ? "level-won" : "level-lost";
                BufferedImage drawn = SimWindow.bannerTemplate(won);
                BufferedImage padded = new BufferedImage(drawn.getWidth() + 20, drawn.getHeight() + 20, BufferedImage.TYPE_3BYTE_BGR);
                padded.getGraphics().drawImage(drawn, 10, 10, null);
                var m = f.best(name, Frame.of(padded), List.of(1.0)).orElseThrow();
                assertThat(m.score()).as("%s.png against the game's drawing (redraw with sim-window --write-templates)", name).isGreaterThan(0.99);
                assertThat(m.x()).isEqualTo(10);
            }
        }
    }

    @Test
    void findsItAtAnotherScale() {
        BufferedImage big = frame(true, false);
        BufferedImage scaled = new BufferedImage(800, 450, BufferedImage.TYPE_3BYTE_BGR);
        scaled.getGraphics().drawImage(big.getScaledInstance(800, 450, Image.SCALE_SMOOTH), 0, 0, null);
        try (TemplateFinder f = new TemplateFinder(BANNERS, List.of(1.0, 1.25, 0.75), 0.8)) {
            var found = f.findAll(Frame.of(scaled));
            assertThat(found).extracting(e -> e.kind()).contains("template:level-lost");
            var lost = found.stream().filter(e -> e.kind().equals("template:level-lost")).findFirst().orElseThrow();
            assertThat(lost.width()).isEqualTo(275);
            assertThat(lost.x()).isCloseTo(400, org.assertj.core.data.Offset.offset(3.0));
        }
    }
}
