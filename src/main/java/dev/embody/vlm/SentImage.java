package dev.embody.vlm;

import dev.embody.loop.Frame;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * A frame as it is sent to the model: shrunk (area average) so its longest side is at most the configured size, and
 * PNG-coded (lossless). What the model says about places is in this image's pixels; {@link #toFrameX}/{@link #toFrameY}
 * map them back into the frame's own, and {@link #toImageX}/{@link #toImageY} the other way for a prompt.
 *
 * @param frameWidth  the frame it was made from
 * @param scale       image pixels per frame pixel (1 when the frame was small enough)
 */
public record SentImage(int width, int height, int frameWidth, int frameHeight, double scale, byte[] png) {

    /** The frame, shrunk to at most {@code maxSide} pixels on its longest side. */
    public static SentImage of(Frame frame, int maxSide) {
        int longest = Math.max(frame.width(), frame.height());
        Frame sent = frame;
        double scale = 1;
        if (longest > maxSide) {
            scale = maxSide / (double) longest;
            int w = Math.max(1, (int) Math.round(frame.width() * scale)), h = Math.max(1, (int) Math.round(frame.height() * scale));
            sent = shrink(frame, w, h);
            scale = w / (double) frame.width();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(sent.toImage(), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot PNG-code a " + sent.width() + "x" + sent.height() + " frame", e);
        }
        return new SentImage(sent.width(), sent.height(), frame.width(), frame.height(), scale, out.toByteArray());
    }

    /** What the chat-completions API takes for an image: a base64 data URI (Ollama accepts no image URL). */
    public String dataUri() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    public double toFrameX(double x) {
        return x / scale;
    }

    public double toFrameY(double y) {
        return y / (height / (double) frameHeight);
    }

    public double toImageX(double x) {
        return x * scale;
    }

    public double toImageY(double y) {
        return y * (height / (double) frameHeight);
    }

    /** Whether a point (image pixels) lies on the image. */
    public boolean inside(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && x >= 0 && y >= 0 && x <= width && y <= height;
    }

    /** Area averaging: each image pixel is the mean of the frame pixels it covers (partly covered ones weighted). */
    static Frame shrink(Frame f, int w, int h) {
        byte[] src = f.bgr();
        byte[] out = new byte[w * h * 3];
        double sx = f.width() / (double) w, sy = f.height() / (double) h;
        for (int y = 0; y < h; y++) {
            double y0 = y * sy, y1 = y0 + sy;
            for (int x = 0; x < w; x++) {
                double x0 = x * sx, x1 = x0 + sx;
                double b = 0, g = 0, r = 0, area = 0;
                for (int py = (int) y0; py < Math.min(f.height(), Math.ceil(y1)); py++) {
                    double wy = Math.min(y1, py + 1) - Math.max(y0, py);
                    for (int px = (int) x0; px < Math.min(f.width(), Math.ceil(x1)); px++) {
                        double wgt = wy * (Math.min(x1, px + 1) - Math.max(x0, px));
                        int i = (py * f.width() + px) * 3;
                        b += wgt * (src[i] & 0xff);
                        g += wgt * (src[i + 1] & 0xff);
                        r += wgt * (src[i + 2] & 0xff);
                        area += wgt;
                    }
                }
                int o = (y * w + x) * 3;
                out[o] = (byte) Math.round(b / area);
                out[o + 1] = (byte) Math.round(g / area);
                out[o + 2] = (byte) Math.round(r / area);
            }
        }
        return new Frame(w, h, out);
    }
}
