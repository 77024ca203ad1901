package dev.embody.console;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Where the console listens and who may use it. On loopback no token is needed; bound to any other address a random
 * token is required on every API call and WebSocket (printed once at start).
 *
 * @param maxCorrectionChars  longest correction text accepted
 * @param correctionsPerSecond sustained rate of corrections and controls accepted (bursts of twice that)
 */
public record ConsoleSettings(String bind, int port, String token, int maxCorrectionChars, double correctionsPerSecond) {

    public static final int DEFAULT_PORT = 7070;

    public static ConsoleSettings of(String bind, int port) {
        return new ConsoleSettings(bind, port, loopback(bind) ? null : newToken(), 500, 5);
    }

    public boolean tokenRequired() {
        return token != null;
    }

    static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--console-bind: unknown address '" + bind + "'");
        }
    }

    private static String newToken() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
