package dev.embody.perception;

import dev.embody.loop.Frame;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

import java.io.IOException;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * A frame source that reads a rectangle of the X screen and hands it on at the program's own resolution (the scene
 * size), so a parser written for the program's pixels works unchanged whatever the window's size on screen.
 * Two ways to read the screen, chosen by configuration: {@link X11GrabCapture} (FFmpeg) and {@link RobotCapture}.
 */
public abstract class ScreenCapture implements FrameSource {

    private final ScreenRegion region;
    private final int sceneWidth;
    private final int sceneHeight;
    private long index;
    private Mat full;
    private BytePointer fullPixels;
    private final Mat scaled;
    private final BytePointer scaledPixels;

    protected ScreenCapture(ScreenRegion region, int sceneWidth, int sceneHeight) {
        this.region = region;
        this.sceneWidth = sceneWidth;
        this.sceneHeight = sceneHeight;
        this.scaled = new Mat(sceneHeight, sceneWidth, CV_8UC3);
        this.scaledPixels = new BytePointer(scaled.data());
    }

    /** Opens a source by its configuration name: "x11grab" or "robot". */
    public static ScreenCapture open(String source, ScreenRegion region, int sceneWidth, int sceneHeight, int framerate) throws IOException {
        return switch (source) {
            case "x11grab" -> new X11GrabCapture(region, sceneWidth, sceneHeight, framerate);
            case "robot" -> new RobotCapture(region, sceneWidth, sceneHeight);
            default -> throw new IllegalArgumentException("unknown screen source '" + source + "' (x11grab or robot)");
        };
    }

    public ScreenRegion region() {
        return region;
    }

    /** The source's name, as configuration writes it. */
    public abstract String name();

    /** The region's pixels, BGR, region-sized, into {@code bgr} (a Mat of the region's size, CV_8UC3). */
    protected abstract void grabInto(Mat bgr) throws IOException;

    @Override
    public Observation next() throws IOException {
        if (full == null) {
            full = new Mat(region.height(), region.width(), CV_8UC3);
            fullPixels = new BytePointer(full.data());
        }
        grabInto(full);
        long t = System.nanoTime();
        byte[] out = new byte[sceneWidth * sceneHeight * 3];
        if (region.width() == sceneWidth && region.height() == sceneHeight) {
            fullPixels.get(out);
        } else {
            boolean shrink = region.width() > sceneWidth;
            resize(full, scaled, new Size(sceneWidth, sceneHeight), 0, 0, shrink ? INTER_AREA : INTER_LINEAR);
            scaledPixels.get(out);
        }
        return new Observation(index++, t, new Frame(sceneWidth, sceneHeight, out));
    }

    @Override
    public void close() {
        if (full != null) {
            full.close();
        }
        scaled.close();
    }
}
