package dev.embody.episode;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One MP4 of a LeRobot dataset's camera, many episodes one after another: H.264 (OpenH264, which the FFmpeg embody
 * ships has) in yuv420p at a constant rate, a keyframe every {@code gop} frames so a reader seeks to any frame by
 * decoding at most gop-1 others, and no frame ever dropped (frame k of the file is at k/fps seconds).
 */
final class LeRobotVideo implements AutoCloseable {

    static final String CODEC = "h264";
    static final String ENCODER = "libopenh264";
    static final String PIX_FMT = "yuv420p";

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    }

    private final Path file;
    private final FFmpegFrameRecorder recorder;
    private final Frame frame;
    private long frames;

    LeRobotVideo(Path file, int width, int height, int fps, int gop) throws IOException {
        this.file = file;
        Files.createDirectories(file.getParent());
        recorder = new FFmpegFrameRecorder(file.toFile(), width, height);
        recorder.setFormat("mp4");
        recorder.setVideoCodecName(ENCODER);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(fps);
        recorder.setGopSize(gop);
        // about 0.15 bits a pixel: screens and table views stay legible; the encoder never skips a frame to meet it
        recorder.setVideoBitrate((int) Math.min(Integer.MAX_VALUE, Math.max(200_000L, (long) width * height * fps * 15 / 100)));
        recorder.setVideoOption("allow_skip_frames", "0");
        try {
            recorder.start();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot start the " + ENCODER + " encoder for " + file + ": " + e.getMessage(), e);
        }
        frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
    }

    /** Adds a frame of BGR bytes, rows {@code stride} bytes apart. */
    void add(byte[] bgr, int stride) throws IOException {
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        int w = frame.imageWidth, h = frame.imageHeight, dst = frame.imageStride;
        buf.clear();
        for (int y = 0; y < h; y++) {
            buf.position(y * dst);
            buf.put(bgr, y * stride, w * 3);
        }
        buf.rewind();
        try {
            recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot encode frame " + frames + " of " + file + ": " + e.getMessage(), e);
        }
        frames++;
    }

    long frames() {
        return frames;
    }

    /** Bytes on disk so far (the muxer writes as it goes). */
    long bytes() throws IOException {
        return Files.size(file);
    }

    @Override
    public void close() throws IOException {
        try {
            recorder.stop();
            recorder.release();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot finish " + file + ": " + e.getMessage(), e);
        }
    }
}
