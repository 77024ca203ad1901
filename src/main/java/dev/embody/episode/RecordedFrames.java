package dev.embody.episode;

import dev.embody.loop.Frame;
import dev.embody.loop.FrameSource;
import dev.embody.loop.Observation;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A recorded episode as a frame source: frame n of frames.mp4 with step n's frame number and target time, in recorded
 * order, as fast as the caller takes them, or paced by the recorded target clock when {@code realtime}. Ends with an
 * {@link EOFException} after the last step, or earlier where the video ends (an episode cut off mid-write):
 * {@link #videoEnded()} says so. The format is the same for every target, so this plays back any target's episodes.
 */
public final class RecordedFrames implements FrameSource {

    private static final Logger log = LoggerFactory.getLogger(RecordedFrames.class);

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    }

    private final RecordedEpisode episode;
    private final List<RecordedStep> steps;
    private final boolean realtime;
    /** Decoded frames waiting for the caller: decoding runs on its own thread, beside the modules. */
    private final java.util.concurrent.BlockingQueue<Object> decoded = new java.util.concurrent.ArrayBlockingQueue<>(4);
    private static final Object END = new Object();
    private volatile boolean closing;
    private Thread decoder;
    private FFmpegFrameGrabber grabber;
    private volatile String endReason;
    private volatile String unreadable;
    private volatile boolean more;
    private int next;
    private boolean videoEnded;
    private String videoEnd;
    private long wallStart;

    public RecordedFrames(RecordedEpisode episode, boolean realtime) {
        this.episode = episode;
        // frame n of the video is the n-th step that saw one (a step whose capture failed has none)
        this.steps = episode.steps().stream().filter(RecordedStep::observed).toList();
        this.realtime = realtime;
    }

    @Override
    public Observation next() throws IOException {
        if (next >= steps.size()) {
            throw new EOFException("end of " + episode.id() + ": " + steps.size() + " steps");
        }
        if (decoder == null) {
            open();
        }
        Object got;
        try {
            got = decoded.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("replay interrupted");
        }
        if (got == END) {
            decoded.offer(END);
            videoEnded = true;
            videoEnd = episode.video() + " ends after " + next + " frames, steps.jsonl has " + steps.size()
                    + (endReason == null ? "" : " (" + endReason + ")");
            throw new EOFException(videoEnd);
        }
        Frame frame = (Frame) got;
        RecordedStep s = steps.get(next);
        if (realtime) {
            pace(s.targetNanos() - steps.get(0).targetNanos());
        }
        next++;
        return new Observation(s.frame(), s.targetNanos(), frame);
    }

    /** How many frames it has handed out. */
    public int delivered() {
        return next;
    }

    /** Why the video could not be opened at all, or null. */
    public String unreadable() {
        return unreadable;
    }

    /** After every step's frame was handed out: whether the video holds a frame beyond them (waits for the decoder to end). */
    public boolean moreFramesThanSteps() throws java.io.InterruptedIOException {
        if (decoder == null) {
            return false;
        }
        try {
            decoder.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("replay interrupted");
        }
        return more;
    }

    /** Whether the video ran out before the steps did. */
    public boolean videoEnded() {
        return videoEnded;
    }

    /** Why the video ended before the steps did ("frames.mp4 ends after 12 frames, steps.jsonl has 20"), or null. */
    public String videoEnd() {
        return videoEnd;
    }

    /**
     * Decodes a whole video and counts its frames; a video cut mid-fragment counts the frames before the cut.
     *
     * @throws dev.embody.file.BadFileException if it cannot be opened as a video at all
     */
    public static int countFrames(java.nio.file.Path video) throws dev.embody.file.BadFileException {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile())) {
            try {
                g.start();
            } catch (FFmpegFrameGrabber.Exception e) {
                throw new dev.embody.file.BadFileException(video, 0, "not a readable video: " + e.getMessage());
            }
            int n = 0;
            try {
                while (g.grabImage() != null) {
                    n++;
                }
            } catch (FFmpegFrameGrabber.Exception e) {
                log.debug("{}: stopped reading at frame {}: {}", video, n, e.getMessage());
            }
            g.stop();
            return n;
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            throw new dev.embody.file.BadFileException(video, 0, "not a readable video: " + e.getMessage());
        }
    }

    private void open() {
        decoder = new Thread(this::decode, "replay-decoder");
        decoder.setDaemon(true);
        decoder.start();
        wallStart = System.nanoTime();
    }

    /** The decoder thread: one frame per step, then END. */
    private void decode() {
        try {
            grabber = new FFmpegFrameGrabber(episode.video().toFile());
            grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            try {
                grabber.start();
            } catch (FFmpegFrameGrabber.Exception e) {
                // an episode killed before its first frame was flushed has a video with no frames
                unreadable = "not a readable video: " + e.getMessage();
                endReason = "cannot read it: " + e.getMessage();
                return;
            }
            for (int i = 0; i < steps.size() && !closing; i++) {
                Frame f = grab();
                if (f == null) {
                    return;
                }
                decoded.put(f);
            }
            // one more frame than steps means the video and the steps do not belong together
            more = !closing && grab() != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            releaseGrabber();
            if (!closing) {
                try {
                    decoded.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Frame grab() {
        org.bytedeco.javacv.Frame f;
        try {
            f = grabber.grabImage();
        } catch (FFmpegFrameGrabber.Exception e) {
            // a fragment cut mid-write: the frames before it are whole
            log.debug("{}: stopped reading at frame {}: {}", episode.video(), next, e.getMessage());
            return null;
        }
        if (f == null || f.image == null) {
            return null;
        }
        int w = f.imageWidth, h = f.imageHeight, stride = f.imageStride;
        ByteBuffer buf = (ByteBuffer) f.image[0];
        byte[] bgr = new byte[w * h * 3];
        if (stride == w * 3) {
            buf.position(0);
            buf.get(bgr, 0, bgr.length);
        } else {
            for (int y = 0; y < h; y++) {
                buf.position(y * stride);
                buf.get(bgr, y * w * 3, w * 3);
            }
        }
        return new Frame(w, h, bgr);
    }

    private void pace(long targetOffsetNanos) throws IOException {
        long wait = wallStart + targetOffsetNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("replay interrupted");
            }
        }
    }

    private void releaseGrabber() {
        if (grabber != null) {
            try {
                grabber.stop();
                grabber.release();
            } catch (FFmpegFrameGrabber.Exception e) {
                log.debug("closing {}: {}", episode.video(), e.toString());
            }
            grabber = null;
        }
    }

    @Override
    public void close() {
        closing = true;
        if (decoder != null) {
            decoder.interrupt();
            decoded.clear();
            try {
                decoder.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
