package dev.embody.perception;

import dev.embody.loop.Frame;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.bytedeco.javacv.OpenCVFrameGrabber;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Camera frame sources through JavaCV: a device index ("0": OpenCV VideoCapture), a video file, or an RTSP/HTTP URL
 * (FFmpeg). The MQTT frame topic is the robot link's (actuation's MqttCameraSource). A file ends with {@link EOFException}; a live stream that
 * stops delivering is an error, not a hang (FFmpeg's own timeout, 5 s).
 */
public final class CameraSources {

    private CameraSources() {
    }

    public static FrameSource open(String spec) throws IOException {
        FrameGrabber g;
        boolean finite = false;
        if (spec.matches("\\d+")) {
            g = new OpenCVFrameGrabber(Integer.parseInt(spec));
        } else if (spec.matches("(?i)(rtsp|rtmp|http|https|udp|tcp)://.*")) {
            FFmpegFrameGrabber f = new FFmpegFrameGrabber(spec);
            f.setOption("rw_timeout", "5000000");
            if (spec.toLowerCase().startsWith("rtsp")) {
                f.setOption("rtsp_transport", "tcp");
            }
            g = f;
        } else {
            if (!Files.isRegularFile(Path.of(spec))) {
                throw new IOException("no such camera: '" + spec + "' (expected a device index such as 0, a video file, or an rtsp:// or http:// URL)");
            }
            g = new FFmpegFrameGrabber(spec);
            finite = true;
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception e) {
            throw new IOException("cannot open camera '" + spec + "': " + e.getMessage(), e);
        }
        return new Grabbed(g, spec, finite);
    }

    private static final class Grabbed implements FrameSource {
        private final FrameGrabber grabber;
        private final String spec;
        private final boolean finite;
        private final Java2DFrameConverter converter = new Java2DFrameConverter();
        private final long start = System.nanoTime();
        private long index;

        Grabbed(FrameGrabber grabber, String spec, boolean finite) {
            this.grabber = grabber;
            this.spec = spec;
            this.finite = finite;
        }

        @Override
        public Observation next() throws IOException {
            org.bytedeco.javacv.Frame f = grabber.grab();
            while (f != null && f.image == null) {
                f = grabber.grab(); // audio or data: skip to the next picture
            }
            if (f == null) {
                if (finite) {
                    throw new EOFException(spec + " ended after " + index + " frames");
                }
                throw new IOException("camera '" + spec + "' delivered no frame");
            }
            Frame frame = Frame.of(converter.convert(f));
            long t = finite && f.timestamp > 0 ? f.timestamp * 1000 : System.nanoTime() - start;
            return new Observation(index++, t, frame);
        }

        @Override
        public void close() {
            try {
                grabber.stop();
                grabber.release();
            } catch (FrameGrabber.Exception e) {
                // closing anyway
            }
        }
    }
}
