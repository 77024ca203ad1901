package dev.embody.loop;

import java.util.List;

/**
 * What a person did with the target's own input during one step of a demonstration ({@code ./run record}): the raw
 * events of the step's window, as they came (keys by java.awt.event.KeyEvent name, pointer positions in scene units),
 * how long the window was, and the input that maps to no skill. The step's command is what these events map to
 * ({@code skill.InputMatch}); the events are kept beside it, so a recording can be relabelled if the skills change.
 *
 * @param windowMs the step's window: events are timed from its start
 * @param unmapped the input that no skill sends, described ("key Q", "click LEFT at (600,20)")
 */
public record PersonInput(double windowMs, List<Event> events, List<String> unmapped) {

    public PersonInput {
        events = List.copyOf(events);
        unmapped = List.copyOf(unmapped);
    }

    /**
     * One thing the person did.
     *
     * @param tMs       when, in ms from the start of the step's window
     * @param event     key_down, key_up, button_down, button_up, scroll, stick, pad_button_down, pad_button_up, command
     * @param key       key events: the key's KeyEvent name (RIGHT, A, CONTROL, ENTER)
     * @param button    mouse buttons LEFT, MIDDLE, RIGHT (or the X button number); a gamepad's button number
     * @param x         the pointer in scene units (buttons, scroll), or the stick's deflection -1..1
     * @param notches   scroll: wheel notches, positive down
     * @param direction stick: left, right, up, down, or null at rest
     * @param command   command: the skill command a console button gave
     */
    public record Event(double tMs, String event, String key, String button, Double x, Double y, Integer notches,
                        String direction, String command) {

        public static Event keyDown(String key) {
            return new Event(0, "key_down", key, null, null, null, null, null, null);
        }

        public static Event keyUp(String key) {
            return new Event(0, "key_up", key, null, null, null, null, null, null);
        }

        public static Event buttonDown(String button, double x, double y) {
            return new Event(0, "button_down", null, button, x, y, null, null, null);
        }

        public static Event buttonUp(String button, double x, double y) {
            return new Event(0, "button_up", null, button, x, y, null, null, null);
        }

        public static Event scroll(int notches, double x, double y) {
            return new Event(0, "scroll", null, null, x, y, notches, null, null);
        }

        /** The stick moved to {@code direction} (null: back at rest), deflected by (x, y). */
        public static Event stick(String direction, double x, double y) {
            return new Event(0, "stick", null, null, x, y, null, direction, null);
        }

        public static Event padButton(String button, boolean down) {
            return new Event(0, down ? "pad_button_down" : "pad_button_up", null, button, null, null, null, null, null);
        }

        /** A skill command the person gave as such (a console's command button). */
        public static Event command(String command) {
            return new Event(0, "command", null, null, null, null, null, null, command);
        }

        /** The same event at another time. */
        public Event at(double ms) {
            return new Event(ms, event, key, button, x, y, notches, direction, command);
        }

        @Override
        public String toString() {
            return switch (event) {
                case "key_down", "key_up" -> event + " " + key;
                case "button_down", "button_up" -> String.format(java.util.Locale.ROOT, "%s %s at (%.0f,%.0f)", event, button, x, y);
                case "scroll" -> String.format(java.util.Locale.ROOT, "scroll %d at (%.0f,%.0f)", notches, x, y);
                case "stick" -> "stick " + (direction == null ? "at rest" : direction);
                case "command" -> "command " + command;
                default -> event + " " + button;
            };
        }
    }
}
