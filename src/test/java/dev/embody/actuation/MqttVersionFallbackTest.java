package dev.embody.actuation;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "auto" against a broker that speaks only MQTT 3.1.1. A stand-in: no broker installed here refuses MQTT 5 (Mosquitto
 * and the embedded HiveMQ CE speak both), so a socket answers CONNECT as a 3.1.1-only broker does (Moquette 0.17, the
 * one embedded before): protocol level 5 gets a 3.1.1 CONNACK "unacceptable protocol version", level 4 is accepted.
 */
class MqttVersionFallbackTest {

    @Test
    void autoFallsBackTo311WhenTheBrokerRefusesMqtt5() throws Exception {
        List<Integer> levels = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread broker = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread t = new Thread(() -> serve(s, levels), "test-311-broker-connection");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "test-311-broker");
            broker.setDaemon(true);
            broker.start();
            String url = "tcp://127.0.0.1:" + server.getLocalPort();
            try (MqttLink link = MqttLink.connect(MqttOptions.of(url, "test-fallback").withVersion("auto"))) {
                assertThat(link.protocol()).isEqualTo("3.1.1");
                assertThat(link.connected()).isTrue();
            }
            assertThat(levels).as("CONNECT protocol levels, in order").startsWith(5, 4);
        }
    }

    /** One connection: CONNECT answered by its level, SUBSCRIBE and PINGREQ answered, DISCONNECT ends it. */
    private static void serve(Socket s, List<Integer> levels) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            while (true) {
                int type = in.readUnsignedByte() >> 4;
                byte[] body = new byte[remainingLength(in)];
                in.readFully(body);
                switch (type) {
                    case 1 -> { // CONNECT: protocol name (2-byte length + "MQTT"), then the level
                        int level = body[6];
                        levels.add(level);
                        out.write(new byte[]{0x20, 0x02, 0x00, (byte) (level == 4 ? 0x00 : 0x01)});
                        out.flush();
                        if (level != 4) {
                            return; // a 3.1.1 broker closes after refusing
                        }
                    }
                    case 8 -> { // SUBSCRIBE: granted at QoS 0
                        out.write(new byte[]{(byte) 0x90, 0x03, body[0], body[1], 0x00});
                        out.flush();
                    }
                    case 12 -> { // PINGREQ
                        out.write(new byte[]{(byte) 0xD0, 0x00});
                        out.flush();
                    }
                    case 14 -> { // DISCONNECT
                        return;
                    }
                    default -> {
                    }
                }
            }
        } catch (EOFException e) {
            // the client went away
        } catch (IOException e) {
            // the client went away mid-packet
        }
    }

    private static int remainingLength(DataInputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length");
    }
}
