package dev.embody.testkit;

/** Waiting for a third-party X program's window, which maps a while after the process starts. */
public final class XPrograms {

    private XPrograms() {
    }

    /** Waits (up to 10 s) until a visible window with exactly this title exists. */
    public static void awaitWindow(String title) throws Exception {
        for (int i = 0; i < 200; i++) {
            Process p = new ProcessBuilder("xdotool", "search", "--onlyvisible", "--name", "^" + title + "$").start();
            if (p.waitFor() == 0 && !new String(p.getInputStream().readAllBytes()).isBlank()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no window '" + title + "' appeared");
    }
}
