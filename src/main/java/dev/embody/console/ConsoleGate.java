package dev.embody.console;

import io.javalin.http.HttpStatus;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the console, decided for every request before it is served (the page, the API, the WebSocket upgrade).
 *
 * <p>A console with no token (bound to loopback) answers only requests whose Host is one of its own names at its port:
 * {@code 127.0.0.1}, {@code localhost}, {@code [::1]} or its bind address. A page of another site whose name has been
 * re-resolved to 127.0.0.1 (DNS rebinding) sends its own name as Host, and its Origin agrees with it, so comparing the
 * two is not enough. An Origin, when sent, must be one of those names too.
 *
 * <p>A console with a token (any other bind address) may be reached by any name of its machine; the token, which a
 * page of another site cannot know, is required on every API call and the WebSocket, and an Origin must match the Host.
 */
final class ConsoleGate {

    /** A request refused: the status and the one-line reason the client is told. */
    record Refusal(HttpStatus status, String reason) {
    }

    private final ConsoleSettings settings;

    ConsoleGate(ConsoleSettings settings) {
        this.settings = settings;
    }

    /** The names this console answers to without a token, as a Host header writes them (IPv6 in brackets). */
    Set<String> ownNames() {
        Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
        String bind = settings.bind().toLowerCase(Locale.ROOT);
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
            names.add(bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind);
        }
        return names;
    }

    /**
     * Why a request must be refused, or null.
     *
     * @param guarded whether the path needs the token (all but the page's own files, which hold no secret)
     * @param port    the port the console listens on
     */
    Refusal refusal(boolean guarded, String token, String host, String origin, int port) {
        if (settings.tokenRequired()) {
            if (guarded && (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    settings.token().getBytes(StandardCharsets.UTF_8)))) {
                return new Refusal(HttpStatus.UNAUTHORIZED, "a token is required: open the URL printed at start");
            }
            if (origin != null && (host == null || !(origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host)))) {
                return otherOrigin(origin);
            }
            return null;
        }
        if (host == null || host.isBlank()) {
            return new Refusal(HttpStatus.FORBIDDEN, "a Host header is required (" + expected(port) + ")");
        }
        if (!own(host, port)) {
            return new Refusal(HttpStatus.FORBIDDEN, "Host '" + clip(host) + "' is not this console's (" + expected(port)
                    + "): a page of another site must not reach it");
        }
        if (origin != null && !ownOrigin(origin, port)) {
            return otherOrigin(origin);
        }
        return null;
    }

    /** A Host header naming one of this console's own names at its port (no port is port 80). */
    boolean own(String host, int port) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        String name;
        int p = 80;
        int colon;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = h.substring(0, close + 1);
            colon = h.length() > close + 1 ? close + 1 : -1;
            if (colon >= 0 && h.charAt(colon) != ':') {
                return false;
            }
        } else {
            colon = h.indexOf(':');
            if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) {
                return false; // an IPv6 address without brackets, or garbage
            }
            name = colon < 0 ? h : h.substring(0, colon);
        }
        if (colon >= 0) {
            String digits = h.substring(colon + 1);
            if (!digits.matches("[0-9]{1,5}")) {
                return false;
            }
            p = Integer.parseInt(digits);
        }
        return p == port && ownNames().contains(name);
    }

    /** An Origin (scheme://host[:port], nothing else) of one of this console's own names at its port. */
    boolean ownOrigin(String origin, int port) {
        URI u;
        try {
            u = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getRawUserInfo() != null || u.getHost() == null
                || !(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getRawQuery() != null || u.getRawFragment() != null) {
            return false;
        }
        int p = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        return p == port && ownNames().contains(u.getHost().toLowerCase(Locale.ROOT));
    }

    private String expected(int port) {
        List<String> names = ownNames().stream().map(n -> n + ":" + port).toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static Refusal otherOrigin(String origin) {
        return new Refusal(HttpStatus.FORBIDDEN, "requests from other origins are refused ('" + clip(origin) + "')");
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
