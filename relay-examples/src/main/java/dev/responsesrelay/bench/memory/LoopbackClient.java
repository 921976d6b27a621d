package dev.responsesrelay.bench.memory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client side of the memory measurement, on plain sockets: a request body is written from the
 * caller's one array in slices, and an answer is read into a small buffer, so the measuring JVM
 * allocates next to nothing for the client (and what it does allocate is counted apart by thread).
 * A WebSocket message goes out as RFC 6455 frames of {@link #FRAME_BYTES}, masked as a client must
 * (https://www.rfc-editor.org/rfc/rfc6455#section-5.3) through one reused buffer.
 */
final class LoopbackClient {
    /** The payload of one WebSocket frame; Jetty's default frame limit is 64 KiB. */
    static final int FRAME_BYTES = 16 * 1024;

    private static final int SLICE_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private LoopbackClient() {}

    /** An HTTP answer: its status and the start of its body. */
    record Answer(int status, String text) {}

    /** POSTs {@code body} as JSON to {@code path} on the relay at {@code port}, answer read to the end. */
    static Answer post(int port, String path, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int offset = 0; offset < body.length; offset += SLICE_BYTES) {
                out.write(body, offset, Math.min(SLICE_BYTES, body.length - offset));
            }
            out.flush();
            String answer = readStart(socket.getInputStream(), 64 * 1024);
            int status = answer.startsWith("HTTP/1.1 ") && answer.length() >= 12
                    ? Integer.parseInt(answer.substring(9, 12))
                    : -1;
            return new Answer(status, answer);
        }
    }

    /** GETs {@code path} on the relay at {@code port}, answer read to the end. */
    static Answer get(int port, String path) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readStart(socket.getInputStream(), 64 * 1024);
            int status = answer.startsWith("HTTP/1.1 ") && answer.length() >= 12
                    ? Integer.parseInt(answer.substring(9, 12))
                    : -1;
            return new Answer(status, answer);
        }
    }

    /** Reads a stream to its end, keeping its first {@code keep} bytes as text. */
    private static String readStart(InputStream in, int keep) throws IOException {
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            start.write(buffer, 0, Math.min(n, Math.max(0, keep - start.size())));
        }
        return start.toString(StandardCharsets.UTF_8);
    }

    /** One client WebSocket to the relay's {@code /v1/responses}. */
    static final class WebSocket implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] frame = new byte[14 + FRAME_BYTES];

        /** Opens the socket and completes the upgrade handshake. */
        WebSocket(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            out.write(("GET /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                            + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0 || head.length() > 16 * 1024) {
                    throw new IOException("the WebSocket upgrade failed: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("the WebSocket upgrade was refused: " + head);
            }
        }

        /** Sends {@code message} (UTF-8 JSON) as one text message of {@link #FRAME_BYTES} frames. */
        void sendText(byte[] message) throws IOException {
            for (int offset = 0; offset < message.length || offset == 0; offset += FRAME_BYTES) {
                int length = Math.min(FRAME_BYTES, message.length - offset);
                boolean last = offset + length >= message.length;
                int at = 0;
                frame[at++] = (byte) ((last ? 0x80 : 0) | (offset == 0 ? 0x1 : 0x0)); // text, continuation
                if (length < 126) {
                    frame[at++] = (byte) (0x80 | length);
                } else {
                    frame[at++] = (byte) (0x80 | 126);
                    frame[at++] = (byte) (length >>> 8);
                    frame[at++] = (byte) length;
                }
                int key = RANDOM.nextInt();
                int keyAt = at;
                for (int i = 0; i < 4; i++) {
                    frame[at++] = (byte) (key >>> (24 - 8 * i));
                }
                for (int i = 0; i < length; i++) {
                    frame[at + i] = (byte) (message[offset + i] ^ frame[keyAt + (i & 3)]);
                }
                out.write(frame, 0, at + length);
                if (last) {
                    break;
                }
            }
            out.flush();
        }

        /**
         * Reads event frames until the exchange's terminal one; returns its type ({@code
         * response.completed}, {@code response.failed}, {@code response.incomplete} or {@code error})
         * and the frame, or throws if the socket closed first.
         */
        String awaitTerminal() throws IOException {
            while (true) {
                int first = readByte();
                int second = readByte();
                long length = second & 0x7f;
                if (length == 126) {
                    length = ((long) readByte() << 8) | readByte();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | readByte();
                    }
                }
                byte[] payload = in.readNBytes((int) length);
                int opcode = first & 0x0f;
                if (opcode == 0x8) {
                    throw new IOException(
                            "the relay closed the WebSocket: " + new String(payload, StandardCharsets.UTF_8));
                }
                if (opcode != 0x1) {
                    continue; // ping or pong: a relay's keep-alive
                }
                String text = new String(payload, StandardCharsets.UTF_8);
                for (String type :
                        new String[] {"response.completed", "response.failed", "response.incomplete", "error"}) {
                    if (text.startsWith("{\"type\":\"" + type + "\"")) {
                        return type + " " + text;
                    }
                }
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the relay closed the WebSocket connection");
            }
            return b;
        }

        /**
         * Closes with the close handshake (RFC 6455 §5.5.1) and waits for the relay's close frame,
         * so the relay has let go of the connection (its last response is kept per connection)
         * before the next measurement takes its baseline.
         */
        @Override
        public void close() throws IOException {
            try {
                int key = RANDOM.nextInt();
                byte[] closeFrame = {
                    (byte) 0x88,
                    (byte) 0x82,
                    (byte) (key >>> 24),
                    (byte) (key >>> 16),
                    (byte) (key >>> 8),
                    (byte) key,
                    (byte) (0x03 ^ (key >>> 24)),
                    (byte) (0xe8 ^ (key >>> 16)) // status 1000, masked
                };
                out.write(closeFrame);
                out.flush();
                while (true) {
                    int first = readByte();
                    int length = readByte() & 0x7f;
                    if (length == 126) {
                        length = (readByte() << 8) | readByte();
                    } else if (length == 127) {
                        throw new IOException("an 8-byte frame length while closing");
                    }
                    in.readNBytes(length);
                    if ((first & 0x0f) == 0x8) {
                        return;
                    }
                }
            } finally {
                socket.close();
            }
        }
    }
}
