package dev.embody.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A person at the X server's keyboard and mouse, scripted: each action is a real XTest event sent by xdotool, as a
 * demonstrator program sends them, with the pauses a person leaves between them. Key names are X keysyms (Right, q,
 * Return, ctrl+s).
 */
public final class ScriptedPerson {

    private void xdotool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("xdotool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("xdotool " + String.join(" ", args) + " failed: " + out);
        }
    }

    public ScriptedPerson click(int x, int y) throws IOException, InterruptedException {
        xdotool("mousemove", Integer.toString(x), Integer.toString(y), "click", "1");
        return this;
    }

    public ScriptedPerson moveTo(int x, int y) throws IOException, InterruptedException {
        xdotool("mousemove", Integer.toString(x), Integer.toString(y));
        return this;
    }

    /** Holds a key down for about this long. */
    public ScriptedPerson hold(String key, long millis) throws IOException, InterruptedException {
        xdotool("keydown", key);
        Thread.sleep(millis);
        xdotool("keyup", key);
        return this;
    }

    /** Presses and lets go of a key or chord (ctrl+s). */
    public ScriptedPerson key(String key) throws IOException, InterruptedException {
        xdotool("key", key);
        return this;
    }

    public ScriptedPerson type(String text) throws IOException, InterruptedException {
        xdotool("type", "--delay", "60", text);
        return this;
    }

    /** Turns the wheel: positive notches down (X button 5), negative up (4). */
    public ScriptedPerson scroll(int notches) throws IOException, InterruptedException {
        xdotool("click", "--repeat", Integer.toString(Math.abs(notches)), "--delay", "20", notches > 0 ? "5" : "4");
        return this;
    }

    /** Does nothing for a while, as a person thinking. */
    public ScriptedPerson pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return this;
    }
}
