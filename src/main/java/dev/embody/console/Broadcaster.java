package dev.embody.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.embody.loop.Frame;
import io.javalin.websocket.WsContext;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the console pushes to the open pages, on one thread of its own: every step and notice in order, the operator's
 * latest intervention, and the latest frame at most 20 times a second. The loop only hands things over and never
 * waits; a page that has frames unsent is skipped until it catches up, so a slow browser costs frames, not steps.
 */
final class Broadcaster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A browser that has this many frames unsent is skipped until it catches up. */
    private static final int MAX_IN_FLIGHT = 2;
    private static final long FRAME_INTERVAL_NANOS = 1_000_000_000L / 20;
    /** Step summaries not yet sent, oldest first; bounded, so a stalled broadcaster never grows it without end. */
    private static final int MAX_PENDING = 50;

    private final Set<WsContext> viewers = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Frame> latestFrame = new AtomicReference<>();
    private final ConcurrentLinkedDeque<String> pending = new ConcurrentLinkedDeque<>();
    private final AtomicReference<String> pendingIntervention = new AtomicReference<>();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "console-broadcast");

    Broadcaster() {
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void join(WsContext page) {
        viewers.add(page);
    }

    void leave(WsContext page) {
        viewers.remove(page);
        inFlight.remove(page.sessionId());
    }

    int viewers() {
        return viewers.size();
    }

    long framesSent() {
        return framesSent.get();
    }

    /** The frame to show next (only the latest is ever sent). */
    void frame(Frame frame) {
        latestFrame.set(frame);
    }

    /** A message every page gets, in order (a step, a notice, an episode's end). */
    void message(Map<String, Object> message) {
        try {
            pending.add(JSON.writeValueAsString(message));
            while (pending.size() > MAX_PENDING) {
                pending.pollFirst();
            }
        } catch (IOException e) {
            log.debug("a console message is not serialisable", e);
        }
    }

    /** The operator's latest intervention (only the latest is sent). */
    void intervention(Map<String, Object> message) {
        try {
            pendingIntervention.set(JSON.writeValueAsString(message));
        } catch (IOException e) {
            log.debug("an intervention is not serialisable", e);
        }
    }

    private void run() {
        Frame lastSent = null;
        while (running.get()) {
            long t0 = System.nanoTime();
            try {
                String iv = pendingIntervention.getAndSet(null);
                if (iv != null) {
                    sendText(iv);
                }
                // every step goes out, in order: the page must see the one a correction overrode, not only the latest
                String st;
                while ((st = pending.pollFirst()) != null) {
                    sendText(st);
                }
                Frame f = latestFrame.get();
                if (f != null && f != lastSent && !viewers.isEmpty()) {
                    lastSent = f;
                    sendFrame(jpeg(f));
                }
            } catch (Exception e) {
                log.debug("broadcast failed", e);
            }
            long left = FRAME_INTERVAL_NANOS - (System.nanoTime() - t0);
            if (left > 0) {
                try {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sendText(String text) {
        for (WsContext ws : viewers) {
            try {
                if (ws.session.isOpen()) {
                    ws.session.getRemote().sendString(text, WriteCallback.NOOP);
                }
            } catch (RuntimeException e) {
                drop(ws, e);
            }
        }
    }

    private void sendFrame(byte[] jpeg) {
        for (WsContext ws : viewers) {
            AtomicLong unsent = inFlight.computeIfAbsent(ws.sessionId(), k -> new AtomicLong());
            if (unsent.get() >= MAX_IN_FLIGHT || !ws.session.isOpen()) {
                continue;
            }
            unsent.incrementAndGet();
            try {
                ws.session.getRemote().sendBytes(ByteBuffer.wrap(jpeg), new WriteCallback() {
                    @Override
                    public void writeFailed(Throwable x) {
                        unsent.decrementAndGet();
                    }

                    @Override
                    public void writeSuccess() {
                        unsent.decrementAndGet();
                        framesSent.incrementAndGet();
                    }
                });
            } catch (RuntimeException e) {
                unsent.decrementAndGet();
                drop(ws, e);
            }
        }
    }

    private void drop(WsContext ws, Exception e) {
        leave(ws);
        log.debug("dropped a viewer: {}", e.toString());
    }

    static byte[] jpeg(Frame f) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            w.setOutput(out);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.8f);
            w.write(null, new IIOImage(f.toImage(), null, null), p);
        } finally {
            w.dispose();
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
    }
}
