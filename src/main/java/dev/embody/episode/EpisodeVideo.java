package dev.embody.episode;

import dev.embody.loop.Frame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An episode's frames as an MP4, one video frame per step, encoded on its own thread so the loop never waits for it.
 * Frames are PNG-coded (lossless, so a replay sees exactly what the agent saw) in a fragmented MP4 flushed after every
 * frame: a crash keeps every frame written before it.
 */
final class EpisodeVideo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EpisodeVideo.class);
    private static final Frame END = new Frame(1, 1, new byte[3]);

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    }

    private final Path file;
    private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(256);
    private final Thread writer;
    private volatile Exception failure;
    private int width = -1;
    private int height = -1;
    private long written;

    EpisodeVideo(Path file, double fps) {
        this.file = file;
        this.writer = new Thread(() -> write(fps), "episode-video");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues a frame; if the encoder falls far behind, the loop waits rather than dropping frames (frame = step). */
    void add(Frame frame) {
        if (failure != null) {
            return;
        }
        try {
            queue.put(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long written() {
        return written;
    }

    private void write(double fps) {
        FFmpegFrameRecorder recorder = null;
        Java2DFrameConverter converter = new Java2DFrameConverter();
        try {
            while (true) {
                Frame f = queue.take();
                if (f == END) {
                    break;
                }
                if (recorder == null) {
                    width = f.width();
                    height = f.height();
                    recorder = new FFmpegFrameRecorder(file.toFile(), width, height);
                    recorder.setFormat("mp4");
                    recorder.setVideoCodec(avcodec.AV_CODEC_ID_PNG);
                    recorder.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
                    recorder.setFrameRate(fps);
                    recorder.setGopSize(1);
                    recorder.setOption("movflags", "frag_every_frame+empty_moov+default_base_moof");
                    recorder.setOption("flush_packets", "1");
                    recorder.start();
                }
                if (f.width() != width || f.height() != height) {
                    log.warn("frame of {}x{} in a {}x{} video skipped", f.width(), f.height(), width, height);
                    continue;
                }
                recorder.record(converter.convert(f.toImage()));
                written++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            log.error("cannot write {}: {}", file, e.toString());
        } finally {
            if (recorder != null) {
                try {
                    recorder.stop();
                    recorder.release();
                } catch (Exception e) {
                    log.warn("closing {}: {}", file, e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            if (writer.isAlive()) {
                queue.put(END);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
