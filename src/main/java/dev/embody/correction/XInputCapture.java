package dev.embody.correction;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.embody.loop.InputLog;
import dev.embody.loop.PersonInput;
import dev.embody.perception.ScreenRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A person's real keyboard and mouse on the X server, heard globally while they play a program for a demonstration:
 * the input goes to the program, as ever, and a copy comes here. It runs {@code xinput test-xi2 --root} (Debian
 * package xinput), which selects XInput2 device events on the root window and prints each one; every key press and
 * release, button and wheel turn is taken as the event arrives, keycodes named as skills name keys (through the X
 * server's keymap: Right -> RIGHT, Control_L -> CONTROL) and the pointer mapped from screen pixels into the calibrated
 * region's scene units. Each press is taken once, from the device that made it (XInput2 also reports it again from the
 * master device, and a program that selects the master's events may keep those to itself). Only input that went to the program counts: an event whose top-level window is another
 * program's (a terminal, a password box) is counted as elsewhere and not kept. Key auto-repeat is not a press.
 */
public final class XInputCapture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(XInputCapture.class);
    /** What runs: the program that prints the X server's input. */
    public static final List<String> COMMAND = List.of("xinput", "test-xi2", "--root");
    private static final Set<Integer> DEVICE_EVENTS = Set.of(2, 3, 4, 5);

    /**
     * Where the program is: its region on the screen, its scene size, and its window (0: a bare region, whose pointer
     * events count when they fall inside it, and every key).
     */
    public record Area(ScreenRegion region, int sceneWidth, int sceneHeight, long window) {
        double sceneX(double rootX) {
            return (rootX - region.x()) * sceneWidth / (double) region.width();
        }

        double sceneY(double rootY) {
            return (rootY - region.y()) * sceneHeight / (double) region.height();
        }

        boolean inside(double rootX, double rootY) {
            return rootX >= region.x() && rootX < region.x() + region.width() && rootY >= region.y() && rootY < region.y() + region.height();
        }
    }

    private final Process process;
    private final Thread reader;
    private final InputLog input;
    private final Area area;
    private final Set<Long> programWindows;
    private final Map<Integer, String> keys;
    private final CountDownLatch listening = new CountDownLatch(1);
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong elsewhere = new AtomicLong();
    private volatile boolean closing;

    private XInputCapture(Process process, InputLog input, Area area, Set<Long> programWindows, Map<Integer, String> keys) {
        this.process = process;
        this.input = input;
        this.area = area;
        this.programWindows = programWindows;
        this.keys = keys;
        this.reader = new Thread(this::read, "x-input");
        this.reader.setDaemon(true);
    }

    /**
     * Starts hearing the X server's input, and returns once it is heard: it changes nothing a person would notice to
     * prove it (it re-sets the XTEST keyboard's "Device Enabled" property to what it is, and waits for xinput to print
     * that change), so no key pressed after this returns is missed.
     *
     * @throws IOException xinput is not installed, DISPLAY reaches no X server, or it does not start listening
     */
    public static XInputCapture start(InputLog input, Area area) throws IOException, InterruptedException {
        Map<Integer, String> keys;
        Set<Long> windows;
        try (XServer x = XServer.open()) {
            keys = x.keymap();
            windows = area.window() == 0 ? Set.of() : x.ancestors(area.window());
        }
        Process p;
        try {
            p = new ProcessBuilder(COMMAND).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + String.join(" ", COMMAND) + "' to hear the person's input (Debian package xinput): " + e.getMessage(), e);
        }
        XInputCapture c = new XInputCapture(p, input, area, windows, keys);
        c.reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.listening.await(100, TimeUnit.MILLISECONDS)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                c.close();
                throw new IOException("'" + String.join(" ", COMMAND) + "' did not start listening on display " + System.getenv("DISPLAY")
                        + (p.isAlive() ? " within 10 s" : " (it exited with " + p.exitValue() + ")"));
            }
            probe();
        }
        log.info("hearing the person's input: {} on display {}, program window {}", String.join(" ", COMMAND), System.getenv("DISPLAY"),
                area.window() == 0 ? "- (a bare region)" : "0x" + Long.toHexString(area.window()));
        return c;
    }

    /** A property change xinput prints: once it does, it is listening. */
    private static void probe() throws IOException, InterruptedException {
        Process set = new ProcessBuilder("xinput", "set-prop", "Virtual core XTEST keyboard", "Device Enabled", "1")
                .redirectErrorStream(true).start();
        set.getInputStream().readAllBytes();
        set.waitFor(5, TimeUnit.SECONDS);
    }

    public String source() {
        return String.join(" ", COMMAND);
    }

    /** Events kept: those that went to the program. */
    public long taken() {
        return taken.get();
    }

    /** Events that went to other windows, counted and not kept. */
    public long elsewhere() {
        return elsewhere.get();
    }

    private void read() {
        int type = -1;
        int detail = -1;
        boolean repeat = false;
        boolean slave = false;
        double rootX = Double.NaN, rootY = Double.NaN;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String t = line.strip();
                if (t.startsWith("EVENT type ")) {
                    type = Integer.parseInt(t.substring(11, t.indexOf(' ', 11)));
                    detail = -1;
                    repeat = false;
                    slave = false;
                    rootX = rootY = Double.NaN;
                    if (type == 12) {
                        listening.countDown(); // the probe's property change: xinput hears the server
                    }
                } else if (t.startsWith("device: ")) {
                    // "device: 5 (5)": the device itself; "device: 3 (5)": its master, the same press again
                    String[] d = t.substring(8).replace("(", " ").replace(")", " ").strip().split("\\s+");
                    slave = d.length == 2 && d[0].equals(d[1]);
                } else if (t.startsWith("detail: ")) {
                    detail = Integer.parseInt(t.substring(8).strip());
                } else if (t.startsWith("flags: ")) {
                    repeat = t.contains("repeat");
                } else if (t.startsWith("root: ")) {
                    String[] xy = t.substring(6).split("/");
                    rootX = Double.parseDouble(xy[0]);
                    rootY = Double.parseDouble(xy[1]);
                } else if (t.startsWith("windows: ") && DEVICE_EVENTS.contains(type)) {
                    // the last line of a device event: it is whole
                    long child = window(t, "child");
                    if (!repeat && slave) {
                        take(System.nanoTime(), type, detail, rootX, rootY, child);
                    }
                    type = -1;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                log.warn("hearing the person's input stopped: {}", e.toString());
            }
        }
    }

    private void take(long nanos, int type, int detail, double rootX, double rootY, long child) {
        boolean key = type == 2 || type == 3;
        boolean toProgram = programWindows.isEmpty()
                ? key || area.inside(rootX, rootY)
                : programWindows.contains(child);
        if (!toProgram) {
            elsewhere.incrementAndGet();
            return;
        }
        double x = area.sceneX(rootX), y = area.sceneY(rootY);
        PersonInput.Event e;
        if (key) {
            String name = keys.getOrDefault(detail, "KEYCODE_" + detail);
            e = type == 2 ? PersonInput.Event.keyDown(name) : PersonInput.Event.keyUp(name);
        } else if (detail == 4 || detail == 5) {
            if (type == 5) {
                return; // a wheel notch is one press; its release says nothing more
            }
            e = PersonInput.Event.scroll(detail == 4 ? -1 : 1, x, y);
        } else {
            String button = switch (detail) {
                case 1 -> "LEFT";
                case 2 -> "MIDDLE";
                case 3 -> "RIGHT";
                default -> Integer.toString(detail);
            };
            e = type == 4 ? PersonInput.Event.buttonDown(button, x, y) : PersonInput.Event.buttonUp(button, x, y);
        }
        taken.incrementAndGet();
        input.add(nanos, e);
    }

    /** A window id from xinput's "windows: root 0x.. event 0x.. child 0x.." line; 0 where none. */
    static long window(String line, String which) {
        String[] w = line.split("\\s+");
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals(which)) {
                try {
                    return Long.decode(w[i + 1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    @Override
    public void close() {
        closing = true;
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the X server's keymap and window tree, through libX11

    /** X keysym names -> the KeyEvent names skills use, where they differ beyond case. */
    private static final Map<String, String> KEYSYMS = new HashMap<>();

    static {
        String[][] pairs = {
                {"Return", "ENTER"}, {"KP_Enter", "ENTER"}, {"Escape", "ESCAPE"}, {"Tab", "TAB"}, {"ISO_Left_Tab", "TAB"},
                {"BackSpace", "BACK_SPACE"}, {"space", "SPACE"}, {"Delete", "DELETE"}, {"Insert", "INSERT"}, {"Home", "HOME"},
                {"End", "END"}, {"Prior", "PAGE_UP"}, {"Page_Up", "PAGE_UP"}, {"Next", "PAGE_DOWN"}, {"Page_Down", "PAGE_DOWN"},
                {"Left", "LEFT"}, {"Right", "RIGHT"}, {"Up", "UP"}, {"Down", "DOWN"}, {"Shift_L", "SHIFT"}, {"Shift_R", "SHIFT"},
                {"Control_L", "CONTROL"}, {"Control_R", "CONTROL"}, {"Alt_L", "ALT"}, {"Alt_R", "ALT"}, {"Meta_L", "META"},
                {"Meta_R", "META"}, {"Super_L", "WINDOWS"}, {"Super_R", "WINDOWS"}, {"ISO_Level3_Shift", "ALT_GRAPH"},
                {"Caps_Lock", "CAPS_LOCK"}, {"Num_Lock", "NUM_LOCK"}, {"Scroll_Lock", "SCROLL_LOCK"}, {"Print", "PRINTSCREEN"},
                {"Pause", "PAUSE"}, {"Menu", "CONTEXT_MENU"}, {"minus", "MINUS"}, {"equal", "EQUALS"}, {"bracketleft", "OPEN_BRACKET"},
                {"bracketright", "CLOSE_BRACKET"}, {"backslash", "BACK_SLASH"}, {"semicolon", "SEMICOLON"}, {"apostrophe", "QUOTE"},
                {"grave", "BACK_QUOTE"}, {"comma", "COMMA"}, {"period", "PERIOD"}, {"slash", "SLASH"}, {"KP_Add", "ADD"},
                {"KP_Subtract", "SUBTRACT"}, {"KP_Multiply", "MULTIPLY"}, {"KP_Divide", "DIVIDE"}, {"KP_Decimal", "DECIMAL"}};
        for (String[] p : pairs) {
            KEYSYMS.put(p[0], p[1]);
        }
    }

    /** The KeyEvent name for an X keysym name (a -> A, F5 -> F5, Return -> ENTER, KP_7 -> NUMPAD7); null where none fits. */
    static String keyName(String keysym) {
        if (keysym == null) {
            return null;
        }
        String mapped = KEYSYMS.get(keysym);
        if (mapped != null) {
            return mapped;
        }
        if (keysym.length() == 1 && Character.isLetterOrDigit(keysym.charAt(0)) && keysym.charAt(0) < 128) {
            return keysym.toUpperCase(Locale.ROOT);
        }
        if (keysym.matches("F([1-9]|1[0-9]|2[0-4])")) {
            return keysym;
        }
        if (keysym.matches("KP_[0-9]")) {
            return "NUMPAD" + keysym.charAt(3);
        }
        return keysym;
    }

    /** libX11, for the keymap and the window tree. */
    interface X11 extends Library {
        Pointer XOpenDisplay(String name);

        int XCloseDisplay(Pointer display);

        int XDisplayKeycodes(Pointer display, IntByReference min, IntByReference max);

        NativeLong XkbKeycodeToKeysym(Pointer display, byte keycode, int group, int level);

        String XKeysymToString(NativeLong keysym);

        int XQueryTree(Pointer display, NativeLong window, NativeLongByReference root, NativeLongByReference parent,
                       PointerByReference children, IntByReference count);

        int XFree(Pointer data);
    }

    /** One short-lived connection to the X server. */
    private static final class XServer implements AutoCloseable {
        private static volatile X11 lib;
        private final Pointer display;

        private XServer(Pointer display) {
            this.display = display;
        }

        static XServer open() throws IOException {
            X11 x = lib;
            if (x == null) {
                try {
                    x = Native.load("X11", X11.class);
                } catch (UnsatisfiedLinkError e) {
                    throw new IOException("cannot load libX11 to read the keyboard's keymap: " + e.getMessage(), e);
                }
                lib = x;
            }
            Pointer d = x.XOpenDisplay(null);
            if (d == null) {
                throw new IOException("cannot open the X display " + System.getenv("DISPLAY") + " to hear the person's input");
            }
            return new XServer(d);
        }

        /** Every keycode's name, unshifted (group 0, level 0), as skills name keys. */
        Map<Integer, String> keymap() {
            IntByReference min = new IntByReference(), max = new IntByReference();
            lib.XDisplayKeycodes(display, min, max);
            Map<Integer, String> out = new HashMap<>();
            for (int kc = min.getValue(); kc <= max.getValue(); kc++) {
                NativeLong sym = lib.XkbKeycodeToKeysym(display, (byte) kc, 0, 0);
                if (sym.longValue() != 0) {
                    String name = keyName(lib.XKeysymToString(sym));
                    if (name != null) {
                        out.put(kc, name);
                    }
                }
            }
            return out;
        }

        /** The window and each window above it but the root: a window manager's frame is the top-level xinput names. */
        Set<Long> ancestors(long window) {
            Set<Long> out = new HashSet<>();
            long w = window;
            for (int i = 0; i < 32 && w != 0; i++) {
                NativeLongByReference root = new NativeLongByReference(), parent = new NativeLongByReference();
                PointerByReference children = new PointerByReference();
                IntByReference count = new IntByReference();
                if (lib.XQueryTree(display, new NativeLong(w), root, parent, children, count) == 0) {
                    break;
                }
                if (children.getValue() != null) {
                    lib.XFree(children.getValue());
                }
                if (w == root.getValue().longValue()) {
                    break;
                }
                out.add(w);
                w = parent.getValue().longValue();
            }
            return out;
        }

        @Override
        public void close() {
            lib.XCloseDisplay(display);
        }
    }
}
