package dev.embody.perception;

import dev.embody.loop.Frame;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * OCR off the loop's thread: regions of the screen are read by one Tesseract ({@link TextReader}) on a thread of its
 * own, for the process's life, so a loop stepping ten times a second never waits the tenths of a second a read takes
 * (nor the seconds Tesseract takes to load, once per process, not per episode). What a region's exact pixels read as is
 * remembered, so a status line that comes back (a game's "running" and "crashed" help lines, episode after episode) is
 * read at once.
 */
public final class TextReadings {

    /** Distinct region contents remembered: a program's few status lines, with room to spare. */
    private static final int REMEMBERED = 256;
    private static final TextReadings SHARED = new TextReadings();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ocr");
        t.setDaemon(true);
        return t;
    });
    private final Map<Pixels, String> remembered = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Pixels, String> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** Only touched on the OCR thread. */
    private TextReader reader;

    private TextReadings() {
    }

    /** The process's one reader. */
    public static TextReadings shared() {
        return SHARED;
    }

    /** Loads Tesseract on the OCR thread now (seconds on a busy machine); done when it is ready to read. */
    public Future<?> prepare() {
        return thread.submit(this::reader);
    }

    /**
     * What OCR reads in a region (the region's pixels as a frame of their own): done at once when exactly these pixels
     * were read before, else read in turn on the OCR thread.
     */
    public Future<String> read(Frame region) {
        Pixels key = new Pixels(region);
        synchronized (remembered) {
            String known = remembered.get(key);
            if (known != null) {
                return CompletableFuture.completedFuture(known);
            }
        }
        return thread.submit(() -> {
            String read = reader().text(region, new ScreenRegion(0, 0, region.width(), region.height()));
            synchronized (remembered) {
                remembered.put(key, read);
            }
            return read;
        });
    }

    private TextReader reader() {
        if (reader == null) {
            reader = new TextReader();
        }
        return reader;
    }

    /** A region's pixels as a key: equal when every byte is. */
    private static final class Pixels {
        final int width;
        final byte[] bgr;
        final int hash;

        Pixels(Frame f) {
            this.width = f.width();
            this.bgr = f.bgr();
            this.hash = 31 * width + Arrays.hashCode(bgr);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pixels p && p.width == width && p.hash == hash && Arrays.equals(p.bgr, bgr);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
