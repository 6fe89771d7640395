package dev.berth.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange with the daemon's API on loopback, over a plain socket.
 *
 * <p>Why not HttpURLConnection or HttpClient: every CLI call is a fresh JVM, and either of
 * them loads a few hundred classes (URL handlers, proxy selection, keep-alive caches, SSL
 * plumbing) before the first byte goes out; that was most of `berth status`'s time. The
 * daemon's server is the JDK's, always answers with Content-Length (chunked is read too),
 * and every exchange here is a single request on its own connection.
 */
final class LoopbackHttp {
    record Response(int status, byte[] body) { }

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private LoopbackHttp() { }

    static Response exchange(String host, int port, String method, String path, String token, byte[] body, int connectTimeoutMs)
            throws IOException {
        // No setTcpNoDelay: the request goes out in one write, which Nagle's algorithm never holds
        // back, and setting the option costs 8 ms of a CLI call (its first use sets up the JDK's
        // extended socket options and generates a method handle class).
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            StringBuilder head = new StringBuilder(256)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Authorization: Bearer ").append(token).append("\r\n")
                    .append("Connection: close\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            } else if (!"GET".equals(method)) {
                head.append("Content-Length: 0\r\n");
            }
            head.append("\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = headBytes;
            if (body != null) {
                request = Arrays.copyOf(headBytes, headBytes.length + body.length);
                System.arraycopy(body, 0, request, headBytes.length, body.length);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP response: " + statusLine);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + statusLine);
        }
        long length = -1;
        boolean chunked = false;
        int headerBytes = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length();
            if (headerBytes > MAX_HEADER_BYTES) throw new IOException("HTTP headers too long");
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) length = Long.parseLong(value);
            else if (name.equals("transfer-encoding")) chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        }
        byte[] body;
        if (chunked) body = chunks(in);
        else if (length >= 0) body = exactly(in, length);
        else body = in.readAllBytes(); // Connection: close delimits it
        return new Response(status, body);
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semi = size.indexOf(';');
            long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) { } // trailers
                return all.toByteArray();
            }
            all.write(exactly(in, n));
            line(in);
        }
    }

    private static byte[] exactly(InputStream in, long n) throws IOException {
        if (n > Integer.MAX_VALUE - 8) throw new IOException("HTTP body too large: " + n + " bytes");
        byte[] b = in.readNBytes((int) n);
        if (b.length != n) throw new EOFException("the daemon closed the connection after " + b.length + " of " + n + " bytes");
        return b;
    }

    /** One CRLF- (or LF-) terminated line, without the terminator; headers are ASCII. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (sb.isEmpty()) throw new EOFException("the daemon closed the connection without an answer");
                return sb.toString();
            }
            if (c == '\n') {
                int last = sb.length() - 1;
                if (last >= 0 && sb.charAt(last) == '\r') sb.setLength(last);
                return sb.toString();
            }
            if (sb.length() > MAX_HEADER_BYTES) throw new IOException("HTTP header line too long");
            sb.append((char) c);
        }
    }
}
