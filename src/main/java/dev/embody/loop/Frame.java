package dev.embody.loop;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Pixels in OpenCV's BGR byte order, row-major, three bytes a pixel: the one frame format every room shares. */
public record Frame(int width, int height, byte[] bgr) {

    public Frame {
        if (width <= 0 || height <= 0 || bgr.length != width * height * 3) {
            throw new IllegalArgumentException("frame of " + width + "x" + height + " needs " + (width * height * 3) + " bytes, got " + bgr.length);
        }
    }

    /** Copies any image; TYPE_3BYTE_BGR is already in our byte order and is copied in one go. */
    public static Frame of(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            if (data.length == w * h * 3) {
                return new Frame(w, h, data.clone());
            }
        }
        BufferedImage bgrImage = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        bgrImage.getGraphics().drawImage(image, 0, 0, null);
        return new Frame(w, h, ((DataBufferByte) bgrImage.getRaster().getDataBuffer()).getData());
    }

    /** A TYPE_3BYTE_BGR image over a copy of these pixels. */
    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(bgr, 0, data, 0, bgr.length);
        return image;
    }

    /** The pixel at (x, y) as 0xRRGGBB. */
    public int rgb(int x, int y) {
        int i = (y * width + x) * 3;
        return ((bgr[i + 2] & 0xff) << 16) | ((bgr[i + 1] & 0xff) << 8) | (bgr[i] & 0xff);
    }
}
