package dev.embody.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 and WebSocket spoken byte by byte over a socket, for what a well-behaved client will not send: a forged
 * Host header (what a DNS-rebound page sends), bytes that are not UTF-8, frames a browser would never write.
 */
final class RawHttp {

    /** A response: status, headers (lower-case names) and body. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    /** One request; {@code host} null sends no Host header at all. */
    static Response request(int port, String method, String target, String host, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            if (host != null) {
                head.append("Host: ").append(host).append("\r\n");
            }
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(s.getInputStream(), method.equals("HEAD"));
        }
    }

    static Response get(int port, String target, String host, String... headers) throws IOException {
        return request(port, "GET", target, host, pairs(headers), null);
    }

    static Response postJson(int port, String target, String host, byte[] body, String... headers) throws IOException {
        Map<String, String> h = pairs(headers);
        h.putIfAbsent("Content-Type", "application/json");
        return request(port, "POST", target, host, h, body);
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Response read(InputStream in, boolean noBody) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String status = line(in);
        if (status == null) {
            throw new IOException("the server closed the connection without an answer");
        }
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
        }
        byte[] body;
        if (noBody) {
            body = new byte[0];
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int n = Integer.parseInt(line(in).strip(), 16); n > 0; n = Integer.parseInt(line(in).strip(), 16)) {
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** An open WebSocket, after a handshake that answered 101. */
    static final class WebSocket implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        private WebSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        /** A frame with the given opcode (1 text, 2 binary), masked as a client must; the payload as given, unchecked. */
        void send(int opcode, byte[] payload) throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(0x80 | opcode);
            if (payload.length < 126) {
                f.write(0x80 | payload.length);
            } else if (payload.length < 65536) {
                f.write(0x80 | 126);
                f.write(payload.length >>> 8);
                f.write(payload.length);
            } else {
                f.write(0x80 | 127);
                for (int i = 7; i >= 0; i--) {
                    f.write((int) ((long) payload.length >>> (8 * i)));
                }
            }
            byte[] mask = new byte[4];
            new SecureRandom().nextBytes(mask);
            f.write(mask);
            for (int i = 0; i < payload.length; i++) {
                f.write(payload[i] ^ mask[i % 4]);
            }
            socket.getOutputStream().write(f.toByteArray());
            socket.getOutputStream().flush();
        }

        /** Reads frames until a close frame arrives: its status code and reason; -1 if the socket ends without one. */
        Close awaitClose() throws IOException {
            while (true) {
                int b0 = in.read();
                if (b0 == -1) {
                    return new Close(-1, "");
                }
                int b1 = in.read();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (in.read() << 8) | in.read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | in.read();
                    }
                }
                byte[] payload = in.readNBytes((int) len);
                if ((b0 & 0x0f) == 8) {
                    int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                    String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    return new Close(code, reason);
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    record Close(int code, String reason) {
    }

    /** The upgrade request: the 101 socket, or the refusal's response. */
    record Upgrade(Response refused, WebSocket socket) {
    }

    static Upgrade websocket(int port, String target, String host, String origin) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
        if (host != null) {
            head.append("Host: ").append(host).append("\r\n");
        }
        if (origin != null) {
            head.append("Origin: ").append(origin).append("\r\n");
        }
        head.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
                .append(Base64.getEncoder().encodeToString(key)).append("\r\n\r\n");
        s.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String status = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).strip().toLowerCase(Locale.ROOT), l.substring(c + 1).strip());
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        if (code == 101) {
            return new Upgrade(null, new WebSocket(s));
        }
        byte[] body = headers.containsKey("content-length") ? in.readNBytes(Integer.parseInt(headers.get("content-length"))) : new byte[0];
        s.close();
        return new Upgrade(new Response(code, headers, new String(body, StandardCharsets.UTF_8)), null);
    }
}
