package dev.embody.actuation;

import dev.embody.perception.ScreenRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.AWTException;
import java.awt.Robot;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keyboard and mouse of a real X desktop through java.awt.Robot (XTest events, as if typed and moved by hand).
 * Positions are in scene units (the program's own pixels) and are mapped into the calibrated screen region; no move
 * ever leaves it. What it holds (keys and buttons) is tracked and let go on every exit path: {@link #releaseAll()} from
 * the loop, a JVM shutdown hook for Ctrl-C, and a {@link Watchdog} when the loop stalls. Before it presses anything it
 * asks the window guard whether the window is still where calibration put it.
 */
public final class DesktopActuator extends KeyTrackingActuator {

    /** The skill primitives it carries out: keys, the mouse, typing and scrolling. */
    public static final Set<String> PRIMITIVES = Set.of("press", "hold", "type", "mouse_move", "click", "scroll", "wait", "release_all");
    private static final Logger log = LoggerFactory.getLogger(DesktopActuator.class);

    private final Robot robot;
    private final ScreenRegion region;
    private final int sceneWidth;
    private final int sceneHeight;
    private final double gain;
    private final Supplier<String> unsafe;
    private final Set<String> buttons = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Thread shutdownHook;
    private int pointerX;
    private int pointerY;

    /**
     * @param unsafe says why acting now would be unsafe (the window moved...), or null when it is fine
     */
    public DesktopActuator(ScreenRegion region, int sceneWidth, int sceneHeight, double mouseGain, List<Set<String>> denied,
                           Supplier<String> unsafe) {
        super(denied);
        try {
            this.robot = new Robot();
        } catch (AWTException | RuntimeException e) {
            throw new IllegalStateException("java.awt.Robot cannot reach the X server (is DISPLAY set?): " + e.getMessage(), e);
        }
        robot.setAutoDelay(0);
        this.region = region;
        this.sceneWidth = sceneWidth;
        this.sceneHeight = sceneHeight;
        this.gain = mouseGain;
        this.unsafe = unsafe == null ? () -> null : unsafe;
        this.pointerX = region.x() + region.width() / 2;
        this.pointerY = region.y() + region.height() / 2;
        this.shutdownHook = new Thread(this::releaseAll, "desktop-release-on-exit");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public ScreenRegion region() {
        return region;
    }

    private void ensureSafe(String what) {
        String problem = unsafe.get();
        if (problem != null) {
            releaseAll();
            throw new IllegalStateException("paused, not sending " + what + ": " + problem);
        }
    }

    @Override
    protected void press(int keyCode) {
        ensureSafe("key " + KeyEvent.getKeyText(keyCode));
        robot.keyPress(keyCode);
    }

    @Override
    protected void release(int keyCode) {
        robot.keyRelease(keyCode);
    }

    @Override
    public void keyUp(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        if (k.startsWith("MOUSE_")) {
            mouseButton(k.substring("MOUSE_".length()), false);
        } else {
            super.keyUp(k);
        }
    }

    @Override
    public void elapse(Duration d) throws InterruptedException {
        if (!held().isEmpty()) {
            // a hold in progress stops the moment the window is no longer where calibration put it
            ensureSafe("hold");
        }
        Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }

    @Override
    public Set<String> held() {
        Set<String> all = new LinkedHashSet<>(super.held());
        synchronized (buttons) {
            buttons.forEach(b -> all.add("MOUSE_" + b));
        }
        return Set.copyOf(all);
    }

    @Override
    public void releaseAll() {
        super.releaseAll();
        for (String b : List.copyOf(buttons)) {
            try {
                robot.mouseRelease(mask(b));
            } catch (RuntimeException e) {
                log.error("could not release mouse {}: {}", b, e.toString());
            }
            buttons.remove(b);
        }
    }

    /** Types text as key strokes on a US layout (Shift for capitals and symbols); Shift is let go even on error. */
    @Override
    public void type(String text) {
        ensureSafe("text");
        for (char c : text.toCharArray()) {
            int[] stroke = stroke(c);
            boolean shift = stroke[1] == 1;
            if (shift) {
                keyDown("SHIFT");
            }
            try {
                robot.keyPress(stroke[0]);
                robot.keyRelease(stroke[0]);
            } finally {
                if (shift) {
                    keyUp("SHIFT");
                }
            }
        }
    }

    /** Absolute: to (x, y) in scene units inside the region. Relative: by (x, y) scene units times the calibrated gain. */
    @Override
    public void mouseMove(double x, double y, boolean relative) {
        ensureSafe("mouse move");
        int sx, sy;
        if (relative) {
            sx = pointerX + (int) Math.round(x * gain);
            sy = pointerY + (int) Math.round(y * gain);
        } else {
            sx = region.x() + (int) Math.round(x * region.width() / (double) sceneWidth);
            sy = region.y() + (int) Math.round(y * region.height() / (double) sceneHeight);
        }
        int cx = Math.max(region.x(), Math.min(region.x() + region.width() - 1, sx));
        int cy = Math.max(region.y(), Math.min(region.y() + region.height() - 1, sy));
        if (cx != sx || cy != sy) {
            log.warn("mouse move to ({}, {}) would leave the calibrated region {}: kept at its edge ({}, {})", sx, sy, region, cx, cy);
        }
        pointerX = cx;
        pointerY = cy;
        robot.mouseMove(cx, cy);
    }

    /** Where the pointer is, in screen pixels, as this actuator last put it. */
    public int[] pointer() {
        return new int[]{pointerX, pointerY};
    }

    @Override
    public void mouseButton(String button, boolean down) {
        String b = button.toUpperCase(Locale.ROOT);
        int mask = mask(b);
        if (down) {
            ensureSafe("mouse " + b);
            robot.mouseMove(pointerX, pointerY);
            robot.mousePress(mask);
            buttons.add(b);
        } else if (buttons.remove(b)) {
            robot.mouseRelease(mask);
        }
    }

    @Override
    public void scroll(int notches) {
        ensureSafe("scroll");
        robot.mouseMove(pointerX, pointerY);
        robot.mouseWheel(notches);
    }

    @Override
    public void close() {
        releaseAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already exiting: the hook runs anyway
        }
    }

    private static int mask(String button) {
        return switch (button) {
            case "LEFT", "1" -> InputEvent.BUTTON1_DOWN_MASK;
            case "MIDDLE", "2" -> InputEvent.BUTTON2_DOWN_MASK;
            case "RIGHT", "3" -> InputEvent.BUTTON3_DOWN_MASK;
            default -> throw new IllegalArgumentException("unknown mouse button '" + button + "' (left, middle or right)");
        };
    }

    private static final String SHIFTED = "~!@#$%^&*()_+{}|:\"<>?";
    private static final String BASE = "`1234567890-=[]\\;',./";

    /** The key code for a character, and 1 if it needs Shift (US layout). */
    static int[] stroke(char c) {
        if (c >= 'a' && c <= 'z') {
            return new int[]{KeyEvent.VK_A + (c - 'a'), 0};
        }
        if (c >= 'A' && c <= 'Z') {
            return new int[]{KeyEvent.VK_A + (c - 'A'), 1};
        }
        if (c >= '0' && c <= '9') {
            return new int[]{KeyEvent.VK_0 + (c - '0'), 0};
        }
        switch (c) {
            case ' ': return new int[]{KeyEvent.VK_SPACE, 0};
            case '\n': return new int[]{KeyEvent.VK_ENTER, 0};
            case '\t': return new int[]{KeyEvent.VK_TAB, 0};
            default: break;
        }
        int s = SHIFTED.indexOf(c);
        // the shifted row lines up with BASE character for character
        char base = s >= 0 ? BASE.charAt(s) : c;
        int b = BASE.indexOf(base);
        if (b < 0) {
            throw new IllegalArgumentException("cannot type '" + c + "' on a US keyboard layout");
        }
        int[] codes = {KeyEvent.VK_BACK_QUOTE, KeyEvent.VK_1, KeyEvent.VK_2, KeyEvent.VK_3, KeyEvent.VK_4, KeyEvent.VK_5,
                KeyEvent.VK_6, KeyEvent.VK_7, KeyEvent.VK_8, KeyEvent.VK_9, KeyEvent.VK_0, KeyEvent.VK_MINUS, KeyEvent.VK_EQUALS,
                KeyEvent.VK_OPEN_BRACKET, KeyEvent.VK_CLOSE_BRACKET, KeyEvent.VK_BACK_SLASH, KeyEvent.VK_SEMICOLON,
                KeyEvent.VK_QUOTE, KeyEvent.VK_COMMA, KeyEvent.VK_PERIOD, KeyEvent.VK_SLASH};
        return new int[]{codes[b], s >= 0 ? 1 : 0};
    }

}
