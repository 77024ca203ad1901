package dev.embody.console;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Text a browser sends (a query string, a JSON body) decoded strictly as UTF-8: bytes that are not UTF-8 are refused
 * with where they are, never turned into replacement characters that would reach the parser as if typed.
 */
final class RequestText {

    /** Bytes that are not UTF-8; the message says which byte and where. */
    static final class NotUtf8 extends Exception {
        NotUtf8(String message) {
            super(message);
        }
    }

    private RequestText() {
    }

    static String utf8(byte[] bytes) throws NotUtf8 {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            throw new NotUtf8(String.format(Locale.ROOT, "byte 0x%02x at offset %d", bytes[in.position()] & 0xff, in.position()));
        }
        r = d.flush(out);
        if (r.isError()) {
            throw new NotUtf8("an incomplete character at the end");
        }
        return out.flip().toString();
    }

    /** A raw query string's parameters (the first of each name), percent-decoded as UTF-8; null is no query. */
    static Map<String, String> parse(String rawQuery) throws NotUtf8 {
        Map<String, String> m = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return m;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName, rawName);
            m.putIfAbsent(name, decode(eq < 0 ? "" : pair.substring(eq + 1), name));
        }
        return m;
    }

    private static String decode(String s, String name) throws NotUtf8 {
        byte[] b = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                b[n++] = ' ';
            } else if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                b[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                i += 2;
            } else if (c > 0x7f) {
                throw new NotUtf8("the query is not valid UTF-8 (a raw non-ASCII character in '" + name + "')");
            } else {
                b[n++] = (byte) c;
            }
        }
        try {
            return utf8(java.util.Arrays.copyOf(b, n));
        } catch (NotUtf8 e) {
            throw new NotUtf8("the query is not valid UTF-8 (after percent-decoding: " + e.getMessage() + " of '" + name + "')");
        }
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
