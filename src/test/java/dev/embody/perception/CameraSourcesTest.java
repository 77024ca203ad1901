package dev.embody.perception;

import dev.embody.loop.Frame;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import dev.embody.loop.Scene;
import dev.embody.sim.SimCamera;
import dev.embody.sim.TableRenderer;
import dev.embody.sim.TableWorld;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;

/** A video file of the simulated table camera is a camera source like any other: the scene parser finds the robot. */
class CameraSourcesTest {

    @TempDir
    Path tmp;

    @Test
    void aVideoFileIsAFrameSourceAndEndsCleanly() throws Exception {
        Path video = tmp.resolve("table.avi");
        TableRenderer renderer = new TableRenderer(SimCamera.TABLE);
        TableWorld w = new TableWorld(3);
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(video.toFile(), 640, 480);
             Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat("avi");
            rec.setVideoCodec(AV_CODEC_ID_MJPEG);
            rec.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P);
            rec.setVideoQuality(2);
            rec.setFrameRate(10);
            rec.start();
            for (int i = 0; i < 3; i++) {
                rec.record(conv.convert(renderer.render(w).toImage()));
            }
            rec.stop();
        }
        try (FrameSource source = CameraSources.open(video.toString());
             TableSceneParser parser = new TableSceneParser(CameraIntrinsics.load(Path.of("calibration/robot/camera.yaml")),
                     TableHomography.load(Path.of("calibration/robot/homography.yaml")), TableSceneParser.DEFAULT_KINDS, 0.9, 0.6)) {
            Observation o = source.next();
            Frame f = o.frame();
            assertThat(f.width()).isEqualTo(640);
            Scene s = parser.gather(o, null);
            assertThat(s.first("robot")).hasValueSatisfying(r -> assertThat(r.distanceTo(w.x(), w.y())).isLessThan(0.01));
            source.next();
            source.next();
            assertThatThrownBy(source::next).isInstanceOf(EOFException.class);
        }
        assertThatThrownBy(() -> CameraSources.open(tmp.resolve("missing.mp4").toString())).hasMessageContaining("no such camera");
    }
}
