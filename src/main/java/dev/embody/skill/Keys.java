package dev.embody.skill;

import java.awt.event.KeyEvent;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Key names as skills write them (LEFT, A, ENTER, CONTROL) and java.awt.event.KeyEvent's codes for them. */
public final class Keys {

    private static final Map<String, Integer> CODES = new ConcurrentHashMap<>();

    private Keys() {
    }

    /** The one name of a key: upper case, with the usual aliases (CTRL, ESC, RETURN...) mapped to KeyEvent's. */
    public static String canonical(String name) {
        String n = name.toUpperCase(Locale.ROOT).strip();
        return switch (n) {
            case "CTRL" -> "CONTROL";
            case "ESC" -> "ESCAPE";
            case "RETURN" -> "ENTER";
            case "DEL" -> "DELETE";
            case "BACKSPACE" -> "BACK_SPACE";
            default -> n;
        };
    }

    /** KeyEvent.VK_NAME for a name, e.g. "LEFT" -> VK_LEFT; aliases as in {@link #canonical}. */
    public static int code(String name) {
        String key = canonical(name);
        return CODES.computeIfAbsent(key, k -> {
            try {
                return KeyEvent.class.getField("VK_" + k).getInt(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("unknown key '" + name + "' (use KeyEvent names without VK_: LEFT, A, ENTER, CONTROL)");
            }
        });
    }

    public static String name(int code) {
        return KeyEvent.getKeyText(code).toUpperCase(Locale.ROOT);
    }

    private static final Map<Integer, String> VK_NAMES = new ConcurrentHashMap<>();

    static {
        for (java.lang.reflect.Field f : KeyEvent.class.getFields()) {
            if (f.getName().startsWith("VK_") && f.getType() == int.class) {
                try {
                    VK_NAMES.putIfAbsent(f.getInt(null), f.getName().substring(3));
                } catch (IllegalAccessException e) {
                    // every VK_ constant is public
                }
            }
        }
    }

    /** The name skills use for a key code (KeyEvent.VK_BACK_SPACE -> BACK_SPACE), the inverse of {@link #code}. */
    public static String skillName(int code) {
        String n = VK_NAMES.get(code);
        return n != null ? n : name(code);
    }
}
