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
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

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
    private boolean nearest;
    private Mat full;
    private BytePointer fullPixels;
    private final Mat scaled;
    private final Mat scaled4 = new Mat();
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

    /**
     * Shrinks by picking pixels (nearest) instead of averaging them (area): about nine times less memory read when a
     * program is shown at an integer multiple of its own resolution, where both give the same picture.
     */
    public ScreenCapture nearest(boolean on) {
        this.nearest = on;
        return this;
    }

    public ScreenRegion region() {
        return region;
    }

    /** The source's name, as configuration writes it. */
    public abstract String name();

    /**
     * The region's pixels, region-sized: BGR (CV_8UC3) into {@code bgr}, or a Mat of the source's own BGRA/BGR0 pixels
     * returned as is (valid until the next grab), so shrinking happens before the colour conversion, on fewer pixels.
     */
    protected abstract Mat grab(Mat bgr) throws IOException;

    @Override
    public Observation next() throws IOException {
        if (full == null) {
            full = new Mat(region.height(), region.width(), CV_8UC3);
            fullPixels = new BytePointer(full.data());
        }
        Mat got = grab(full);
        long t = System.nanoTime();
        byte[] out = new byte[sceneWidth * sceneHeight * 3];
        boolean sameSize = region.width() == sceneWidth && region.height() == sceneHeight;
        if (got.channels() == 4) {
            if (sameSize) {
                cvtColor(got, scaled, COLOR_BGRA2BGR);
            } else {
                resize(got, scaled4, new Size(sceneWidth, sceneHeight), 0, 0, interpolation());
                cvtColor(scaled4, scaled, COLOR_BGRA2BGR);
            }
            scaledPixels.get(out);
        } else if (sameSize) {
            fullPixels.get(out);
        } else {
            resize(full, scaled, new Size(sceneWidth, sceneHeight), 0, 0, interpolation());
            scaledPixels.get(out);
        }
        return new Observation(index++, t, new Frame(sceneWidth, sceneHeight, out));
    }

    private int interpolation() {
        return nearest ? INTER_NEAREST : region.width() > sceneWidth ? INTER_AREA : INTER_LINEAR;
    }

    @Override
    public void close() {
        if (full != null) {
            full.close();
        }
        scaled.close();
        scaled4.close();
    }
}
