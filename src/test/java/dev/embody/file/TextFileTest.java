package dev.embody.file;

import dev.embody.actuation.RobotLimits;
import dev.embody.perception.CameraIntrinsics;
import dev.embody.perception.ScreenCalibration;
import dev.embody.perception.TableCalibration;
import dev.embody.perception.TableHomography;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFileTest {

    @TempDir
    Path tmp;

    @Test
    void aByteThatIsNotUtf8IsNamedWithItsLineAndColumn() throws Exception {
        Path f = tmp.resolve("notes.txt");
        Files.write(f, "first\nsecond caf\u00e9\nthird".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TextFile.read(f)).isInstanceOf(BadFileException.class)
                .hasMessage(f + ":2: not UTF-8 text (byte 0xe9 at column 11)");

        List<TextFile.Line> lines = TextFile.lines(f);
        assertThat(lines).extracting(TextFile.Line::text).containsExactly("first", null, "third");
        assertThat(lines).extracting(TextFile.Line::ended).containsExactly(true, true, false);
        assertThat(lines.get(1).problem()).isEqualTo("not UTF-8 text (byte 0xe9 at column 11)");
    }

    @Test
    void utf8TextReadsBackAsWritten() throws Exception {
        Path f = tmp.resolve("ok.yaml");
        Files.writeString(f, "name: caf\u00e9 \u2615\r\nx: 1\n", StandardCharsets.UTF_8);
        assertThat(TextFile.read(f)).isEqualTo("name: caf\u00e9 \u2615\nx: 1\n");
        assertThat(TextFile.lines(tmp.resolve("ok.yaml"))).hasSize(2);
        Files.write(tmp.resolve("empty"), new byte[0]);
        assertThat(TextFile.lines(tmp.resolve("empty"))).isEmpty();
    }

    /** Every calibration loader reads through it, so each says where a file is not UTF-8 instead of "Input length = 1". */
    @Test
    void calibrationFilesThatAreNotUtf8SayWhichLineAndByte() throws Exception {
        Path limits = latin1(Path.of("calibration/robot/limits.yaml"));
        assertThatThrownBy(() -> RobotLimits.load(limits)).hasMessage(limits + ":1: not UTF-8 text (byte 0xe9 at column 3)");
        Path camera = latin1(Path.of("calibration/robot/camera.yaml"));
        assertThatThrownBy(() -> CameraIntrinsics.load(camera)).hasMessageStartingWith(camera + ":1: not UTF-8 text (byte 0xe9");
        Path homography = latin1(Path.of("calibration/robot/homography.yaml"));
        assertThatThrownBy(() -> TableHomography.load(homography)).hasMessageStartingWith(homography + ":1: not UTF-8 text (byte 0xe9");
        Path markers = latin1(Path.of("calibration/robot/markers.yaml"));
        assertThatThrownBy(() -> TableCalibration.loadMarkers(markers)).hasMessageStartingWith(markers + ":1: not UTF-8 text (byte 0xe9");
        Path screen = latin1(Path.of("calibration/desktop/sim-window.yaml"));
        assertThatThrownBy(() -> ScreenCalibration.load(screen)).hasMessageStartingWith(screen + ":1: not UTF-8 text (byte 0xe9");
    }

    /** A copy of a shipped file whose first line starts with "# \u00e9" in Latin-1. */
    private Path latin1(Path shipped) throws Exception {
        Path copy = tmp.resolve(shipped.getFileName());
        byte[] rest = Files.readAllBytes(shipped);
        byte[] head = "# \u00e9 written by an editor set to Latin-1\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        Files.write(copy, all);
        return copy;
    }
}
