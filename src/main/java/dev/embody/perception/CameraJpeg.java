package dev.embody.perception;

import dev.embody.loop.Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

/**
 * A camera frame on the wire: a plain JPEG (any viewer shows it) whose comment segment (COM, 0xFFFE) carries a small
 * JSON header {@code {"seq":N,"t_ns":T}}, so the frame's number and time travel with it on MQTT 3.1.1 too.
 */
public final class CameraJpeg {

    /** A decoded frame with its header. */
    public record Decoded(long seq, long timeNanos, Frame frame) {
    }

    private CameraJpeg() {
    }

    public static byte[] encode(Frame frame, long seq, long timeNanos, int quality) {
        byte[] jpeg;
        try (Mat m = new Mat(frame.height(), frame.width(), CV_8UC3); BytePointer buf = new BytePointer()) {
            m.data().put(frame.bgr());
            imencode(".jpg", m, buf, new org.bytedeco.javacpp.IntPointer(IMWRITE_JPEG_QUALITY, quality));
            jpeg = new byte[(int) Math.max(buf.limit(), buf.capacity())];
            buf.get(jpeg);
        }
        byte[] header = ("{\"seq\":" + seq + ",\"t_ns\":" + timeNanos + "}").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[jpeg.length + 4 + header.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        int len = header.length + 2;
        out[4] = (byte) (len >> 8);
        out[5] = (byte) len;
        System.arraycopy(header, 0, out, 6, header.length);
        System.arraycopy(jpeg, 2, out, 6 + header.length, jpeg.length - 2);
        return out;
    }

    /** Decodes a JPEG (with or without our header: then seq and time are -1). */
    public static Decoded decode(byte[] jpeg) {
        long seq = -1, t = -1;
        if (jpeg.length > 6 && (jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xFE) {
            int len = ((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff);
            String h = new String(Arrays.copyOfRange(jpeg, 6, Math.min(jpeg.length, 4 + len)), StandardCharsets.US_ASCII);
            seq = field(h, "seq");
            t = field(h, "t_ns");
        }
        try (Mat raw = new Mat(1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1); Mat img = new Mat()) {
            raw.data().put(jpeg);
            imdecode(raw, IMREAD_COLOR, img);
            if (img.empty()) {
                throw new IllegalArgumentException("not a JPEG/PNG image (" + jpeg.length + " bytes)");
            }
            byte[] bgr = new byte[img.cols() * img.rows() * 3];
            img.data().get(bgr);
            return new Decoded(seq, t, new Frame(img.cols(), img.rows(), bgr));
        }
    }

    /** Whether a payload starts as a JPEG (FF D8 FF) or a PNG does: cheap, before anyone tries to decode it. */
    public static boolean looksLikeImage(byte[] p) {
        boolean jpeg = p.length > 3 && (p[0] & 0xff) == 0xFF && (p[1] & 0xff) == 0xD8 && (p[2] & 0xff) == 0xFF;
        boolean png = p.length > 8 && (p[0] & 0xff) == 0x89 && p[1] == 'P' && p[2] == 'N' && p[3] == 'G';
        return jpeg || png;
    }

    /** The frame number in a JPEG's header without decoding the image; -1 when it has none. */
    public static long headerSeq(byte[] jpeg) {
        if (jpeg.length > 6 && (jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xFE) {
            int len = ((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff);
            return field(new String(Arrays.copyOfRange(jpeg, 6, Math.min(jpeg.length, 4 + len)), StandardCharsets.US_ASCII), "seq");
        }
        return -1;
    }

    private static long field(String json, String name) {
        var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
