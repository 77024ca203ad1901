package dev.embody.perception;

import dev.embody.file.BadFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScreenCalibrationTest {

    @TempDir
    Path dir;

    @Test
    void theShippedSimWindowCalibrationLoads() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(Path.of("calibration/desktop/sim-window.yaml"));
        assertThat(c.title()).isEqualTo("embody sim-window");
        assertThat(c.sceneWidth()).isEqualTo(640);
        assertThat(c.sceneHeight()).isEqualTo(360);
        assertThat(c.source()).isEqualTo("x11grab");
        assertThat(c.skills()).isEqualTo(Path.of("skills/sim-game"));
        assertThat(c.endSuccess()).isEqualTo("level-won");
        assertThat(c.template("level-lost")).exists();
        assertThat(c.denied()).contains(java.util.List.of("ALT", "F4"));
    }

    @Test
    void savesAndLoadsBackTheSame() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(Path.of("calibration/desktop/sim-window.yaml"));
        Files.createDirectories(dir.resolve("templates"));
        for (String t : new String[]{"level-won", "level-lost"}) {
            Files.copy(c.template(t), dir.resolve("templates/" + t + ".png"));
        }
        Path out = dir.resolve("copy.yaml");
        c.withMeasured(4.5, 2.0).save(out);
        ScreenCalibration back = ScreenCalibration.load(out);
        assertThat(back.captureMillis()).isEqualTo(4.5);
        assertThat(back.mouseGain()).isEqualTo(2.0);
        assertThat(back.region()).isEqualTo(c.region());
        assertThat(back.templates().keySet()).isEqualTo(c.templates().keySet());
    }

    @Test
    void aTemplatesCaptureRecordIsSavedAndLoadedBack() throws Exception {
        ScreenCalibration c = ScreenCalibration.load(Path.of("calibration/desktop/sim-window.yaml"));
        Files.createDirectories(dir.resolve("templates"));
        Path won = Files.copy(c.template("level-won"), dir.resolve("templates/level-won.png"));
        Files.copy(c.template("level-lost"), dir.resolve("templates/level-lost.png"));
        TemplateCapture capture = new TemplateCapture("2026-12-01T20:30:00Z", "bench-7", ":90", 0.9987);
        Path out = dir.resolve("captured.yaml");
        c.withTemplates(java.util.Map.of("level-won", won, "level-lost", dir.resolve("templates/level-lost.png")),
                java.util.Map.of("level-won", capture)).save(out);
        assertThat(Files.readString(out)).contains("template_captures:").contains("captured: 2026-12-01T20:30:00Z").contains("score: 0.999");
        ScreenCalibration back = ScreenCalibration.load(out);
        assertThat(back.captures()).containsOnlyKeys("level-won");
        assertThat(back.captures().get("level-won").host()).isEqualTo("bench-7");
        assertThat(back.captures().get("level-won").weaker(0.93)).isTrue();
        assertThat(back.captures().get("level-won").weaker(0.96)).isFalse();
        // a record of a template the file does not list, or without its score, names the line
        Files.writeString(out, Files.readString(out).replace("level-won:\n    captured", "level-gone:\n    captured"));
        assertThatThrownBy(() -> ScreenCalibration.load(out)).isInstanceOf(BadFileException.class)
                .hasMessageContaining("field 'template_captures.level-gone': expected one of level-lost, level-won, got an unknown field");
    }

    @Test
    void badFilesNameTheLineAndWhatIsExpected() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), """
                name: bad
                region: {x: 0, y: 0, width: 640, height: 360}
                source: vnc
                """);
        assertThatThrownBy(() -> ScreenCalibration.load(f)).isInstanceOf(BadFileException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining(":3").hasMessageContaining("field 'source': expected one of x11grab, robot, got 'vnc'");
        Path nowhere = Files.writeString(dir.resolve("nowhere.yaml"), "name: nowhere\nsource: robot\n");
        assertThatThrownBy(() -> ScreenCalibration.load(nowhere)).isInstanceOf(BadFileException.class)
                .hasMessageContaining("needs 'window: {title: ...}' or 'region: {x, y, width, height}'");
        Path noImage = Files.writeString(dir.resolve("tpl.yaml"), """
                name: tpl
                region: {x: 0, y: 0, width: 100, height: 100}
                templates:
                  save: templates/missing.png
                """);
        assertThatThrownBy(() -> ScreenCalibration.load(noImage)).isInstanceOf(BadFileException.class)
                .hasMessageContaining(":4").hasMessageContaining("field 'templates.save': expected an image file, got 'templates/missing.png' (no such file: ");
    }
}
