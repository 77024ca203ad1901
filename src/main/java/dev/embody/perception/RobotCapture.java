package dev.embody.perception;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.awt.AWTException;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;

/** Reads the screen with java.awt.Robot (XGetImage underneath): no native library beyond the JDK, slower than x11grab. */
public final class RobotCapture extends ScreenCapture {

    private final Robot robot;
    private final Rectangle rect;
    private byte[] row;

    public RobotCapture(ScreenRegion region, int sceneWidth, int sceneHeight) throws IOException {
        super(region, sceneWidth, sceneHeight);
        try {
            this.robot = new Robot();
        } catch (AWTException | RuntimeException e) {
            throw new IOException("java.awt.Robot cannot read the screen (is DISPLAY set?): " + e.getMessage(), e);
        }
        this.rect = new Rectangle(region.x(), region.y(), region.width(), region.height());
    }

    @Override
    public String name() {
        return "robot";
    }

    @Override
    protected Mat grab(Mat bgr) {
        BufferedImage img = robot.createScreenCapture(rect);
        int w = img.getWidth(), h = img.getHeight();
        int[] px;
        if (img.getRaster().getDataBuffer() instanceof DataBufferInt db && img.getType() == BufferedImage.TYPE_INT_RGB) {
            px = db.getData();
        } else {
            px = img.getRGB(0, 0, w, h, null, 0, w);
        }
        if (row == null) {
            row = new byte[w * 3];
        }
        BytePointer dst = new BytePointer(bgr.data());
        long step = bgr.step();
        for (int y = 0; y < h; y++) {
            int o = y * w;
            for (int x = 0, i = 0; x < w; x++, i += 3) {
                int p = px[o + x];
                row[i] = (byte) p;
                row[i + 1] = (byte) (p >> 8);
                row[i + 2] = (byte) (p >> 16);
            }
            dst.position(y * step).put(row, 0, w * 3);
        }
        return bgr;
    }
}
