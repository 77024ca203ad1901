package dev.embody.actuation;

/** MQTT topic filter matching ('+' one level, '#' the rest); a shared subscription matches as its topic filter. */
public final class Topics {

    private Topics() {
    }

    public static boolean matches(String filter, String topic) {
        if (filter.startsWith("$share/")) {
            int second = filter.indexOf('/', "$share/".length());
            filter = second < 0 ? "" : filter.substring(second + 1);
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
