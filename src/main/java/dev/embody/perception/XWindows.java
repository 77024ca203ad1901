package dev.embody.perception;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Windows on the X server, asked through the Debian tools every X desktop has (xdotool, xwininfo): find one by its
 * title, and where it is now. Works on any DISPLAY, with or without a window manager.
 */
public final class XWindows {

    private static final Pattern FIELD = Pattern.compile("^\\s*(Absolute upper-left X|Absolute upper-left Y|Width|Height|Map State):\\s*(\\S+)", Pattern.MULTILINE);

    private XWindows() {
    }

    /** A window: its X id and where its contents are on the screen. */
    public record Window(long id, ScreenRegion region, boolean viewable) {
    }

    /** The visible windows whose title is exactly {@code title}, newest last. */
    public static List<Long> byTitle(String title) throws IOException {
        String out = run("xdotool", "search", "--onlyvisible", "--name", "^" + title.replaceAll("[\\[\\](){}.*+?^$|\\\\]", "\\\\$0") + "$");
        List<Long> ids = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                ids.add(Long.parseLong(line.strip()));
            }
        }
        return ids;
    }

    /** Where a window is now; empty when it is gone. */
    public static Optional<Window> geometry(long id) throws IOException {
        String out;
        try {
            out = run("xwininfo", "-id", Long.toString(id));
        } catch (IOException e) {
            return Optional.empty();
        }
        int x = 0, y = 0, w = 0, h = 0;
        boolean viewable = false;
        Matcher m = FIELD.matcher(out);
        while (m.find()) {
            switch (m.group(1)) {
                case "Absolute upper-left X" -> x = Integer.parseInt(m.group(2));
                case "Absolute upper-left Y" -> y = Integer.parseInt(m.group(2));
                case "Width" -> w = Integer.parseInt(m.group(2));
                case "Height" -> h = Integer.parseInt(m.group(2));
                case "Map State" -> viewable = m.group(2).equals("IsViewable");
                default -> { }
            }
        }
        if (w <= 0 || h <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Window(id, new ScreenRegion(x, y, w, h), viewable));
    }

    /** The newest visible window with this title, if any. */
    public static Optional<Window> find(String title) throws IOException {
        List<Long> ids = byTitle(title);
        for (int i = ids.size() - 1; i >= 0; i--) {
            Optional<Window> w = geometry(ids.get(i));
            if (w.isPresent() && w.get().viewable()) {
                return w;
            }
        }
        return Optional.empty();
    }

    /** Gives the window the keyboard focus (XSetInputFocus: no window manager needed). */
    public static void focus(long id) throws IOException {
        run("xdotool", "windowfocus", Long.toString(id));
    }

    /** The size of the X screen, from xdpyinfo-free xwininfo -root. */
    public static ScreenRegion root() throws IOException {
        String out = run("xwininfo", "-root");
        int w = 0, h = 0;
        Matcher m = FIELD.matcher(out);
        while (m.find()) {
            if (m.group(1).equals("Width")) {
                w = Integer.parseInt(m.group(2));
            } else if (m.group(1).equals("Height")) {
                h = Integer.parseInt(m.group(2));
            }
        }
        return new ScreenRegion(0, 0, w, h);
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd[0] + " did not answer in 5 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            // xdotool search exits 1 when nothing matches: that is an empty answer, not a failure
            if (p.exitValue() != 0 && !(cmd[0].equals("xdotool") && cmd[1].equals("search"))) {
                throw new IOException(String.join(" ", cmd) + " failed: " + text.strip());
            }
            return cmd[0].equals("xdotool") && cmd[1].equals("search") && p.exitValue() != 0 ? "" : text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the X server", e);
        }
    }
}
