package dev.embody.skill;

import java.util.List;
import java.util.Map;

/**
 * One step of a skill's body. String fields may hold {param} or {param.attribute} slots, filled in when a command runs.
 * {@code line} is where it stands in the skill file, for error messages.
 */
public sealed interface Primitive {

    int line();

    /** Its name in a skill file: press, hold, type, mouse_move, click, scroll, publish, wait, call, release_all. */
    default String kind() {
        if (this instanceof Press) {
            return "press";
        } else if (this instanceof Hold) {
            return "hold";
        } else if (this instanceof Type) {
            return "type";
        } else if (this instanceof MouseMove) {
            return "mouse_move";
        } else if (this instanceof Click) {
            return "click";
        } else if (this instanceof Scroll) {
            return "scroll";
        } else if (this instanceof Publish) {
            return "publish";
        } else if (this instanceof Wait) {
            return "wait";
        } else if (this instanceof Call) {
            return "call";
        }
        return "release_all";
    }

    /** Presses keys together and lets go in reverse order: "ENTER", or a chord such as CONTROL+S. */
    record Press(List<String> keys, int line) implements Primitive {
    }

    /** Holds a key for a while. */
    record Hold(String key, String duration, int line) implements Primitive {
    }

    record Type(String text, int line) implements Primitive {
    }

    /** Moves the pointer to (x, y) in scene units, to the centre of an entity the scene holds, or by (x, y) when relative. */
    record MouseMove(String x, String y, String entity, boolean relative, int line) implements Primitive {
    }

    /** Clicks where the pointer is, or first moves it to (x, y) or to an entity. */
    record Click(String button, String x, String y, String entity, int count, int line) implements Primitive {
    }

    record Scroll(String notches, int line) implements Primitive {
    }

    /** Sends an MQTT message; the payload is JSON text with slots. */
    record Publish(String topic, String payload, int line) implements Primitive {
    }

    record Wait(String duration, int line) implements Primitive {
    }

    /** Runs another skill with the given arguments (slots allowed). */
    record Call(String skill, Map<String, String> args, int line) implements Primitive {
    }

    /** Lets go of everything held (and stops a robot). */
    record ReleaseAll(int line) implements Primitive {
    }
}
