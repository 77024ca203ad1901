package dev.embody.perception;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;

/**
 * Reads the screen with FFmpeg's x11grab device through JavaCV (XCB shared memory underneath). Frames come raw
 * (BGR0) and are converted by OpenCV, which is faster than FFmpeg's swscale at 1080p. The framerate only paces
 * x11grab: set it above the loop's rate so a grab never sleeps.
 */
public final class X11GrabCapture extends ScreenCapture {

    private static final Logger log = LoggerFactory.getLogger(X11GrabCapture.class);
    private final FFmpegFrameGrabber grabber;
    private Mat bgra;
    private BytePointer pointer;

    public X11GrabCapture(ScreenRegion region, int sceneWidth, int sceneHeight, int framerate) throws IOException {
        super(region, sceneWidth, sceneHeight);
        String display = System.getenv("DISPLAY");
        if (display == null || display.isBlank()) {
            throw new IOException("x11grab needs DISPLAY (e.g. :41)");
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        grabber = new FFmpegFrameGrabber(display + "+" + region.x() + "," + region.y());
        grabber.setFormat("x11grab");
        grabber.setImageWidth(region.width());
        grabber.setImageHeight(region.height());
        grabber.setFrameRate(framerate);
        grabber.setOption("draw_mouse", "0");
        grabber.setImageMode(FrameGrabber.ImageMode.RAW);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception e) {
            throw new IOException("x11grab cannot open " + display + " at " + region + " (FFmpeg built without x11grab, or no X server?): " + e.getMessage(), e);
        }
        log.debug("x11grab on {} at {}: pixel format {}", display, region, grabber.getPixelFormat());
    }

    @Override
    public String name() {
        return "x11grab";
    }

    @Override
    protected Mat grab(Mat bgr) throws IOException {
        org.bytedeco.javacv.Frame f = grabber.grabImage();
        if (f == null || f.image == null) {
            throw new IOException("x11grab returned no frame");
        }
        ByteBuffer buf = (ByteBuffer) f.image[0];
        int w = region().width(), h = region().height();
        // RAW frames carry FFmpeg's line size; BGR0 is 4 bytes a pixel
        long stride = f.imageStride >= w * 4L ? f.imageStride : (long) f.imageStride * f.imageChannels;
        if (stride < w * 4L || stride * h > buf.capacity()) {
            throw new IOException("x11grab frame layout not understood: stride " + f.imageStride + " channels " + f.imageChannels
                    + " capacity " + buf.capacity() + " for " + w + "x" + h);
        }
        if (bgra != null) {
            bgra.close();
            pointer.close();
        }
        pointer = new BytePointer(buf);
        bgra = new Mat(h, w, CV_8UC4, pointer, stride);
        return bgra;
    }

    @Override
    public void close() {
        try {
            if (bgra != null) {
                bgra.close();
                pointer.close();
            }
            grabber.stop();
            grabber.release();
        } catch (FrameGrabber.Exception e) {
            log.debug("x11grab did not close cleanly: {}", e.toString());
        }
        super.close();
    }
}
