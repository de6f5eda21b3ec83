package dev.kapi.apiserver.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;

/**
 * A minimal blocking HTTP/1.1 keep-alive connection to the server under test, cheaper on the client side
 * than a general client so that the 2-core benchmark machine spends its time in the server. One
 * connection serves one thread: {@link #send} for request/response, {@link #openWatch} turns the
 * connection into a watch stream read line by line with {@link #readLine}.
 */
final class BenchHttp implements AutoCloseable {

    /** A response: status code and the decoded body. */
    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Who a connection is: the sockets it opens (TLS trusting the server's CA, with or without a client
     * certificate) and an {@code Authorization} header value to send with every request (null for none).
     */
    record Credentials(SocketFactory sockets, String authorization) {
    }

    private final int port;
    private final String host;
    private final Credentials credentials;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean serverCloses;
    private static final java.util.concurrent.atomic.AtomicLong RECONNECTS = new java.util.concurrent.atomic.AtomicLong();
    private boolean chunked;
    private long contentLength;
    private long chunkLeft;
    private boolean bodyDone;
    private byte[] lineBuf = new byte[4096];
    private int lineStart;
    private int lineEnd;

    /** The default credentials per server port (set by {@link #useTls}); plain sockets for other ports. */
    private static final java.util.Map<Integer, Credentials> DEFAULTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** From now on connections to {@code port} speak TLS with this context (trusting the server's CA, with a client cert). */
    static void useTls(int port, SSLContext context) {
        DEFAULTS.put(port, new Credentials(context.getSocketFactory(), null));
    }

    /** A connection to {@code port} with its default credentials (the admin client certificate). */
    BenchHttp(int port) throws IOException {
        this(port, DEFAULTS.getOrDefault(port, new Credentials(SocketFactory.getDefault(), null)));
    }

    /** A connection to {@code port} as {@code credentials}. */
    BenchHttp(int port, Credentials credentials) throws IOException {
        this.port = port;
        this.host = "127.0.0.1:" + port;
        this.credentials = credentials;
        connect();
    }

    private void connect() throws IOException {
        socket = credentials.sockets().createSocket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
        serverCloses = false;
    }

    /** How many times, over all connections, the server closed one ({@code Connection: close}) and it was reopened. */
    static long reconnects() {
        return RECONNECTS.get();
    }

    /**
     * Sends one request and reads the whole response; reconnects first when the server announced it
     * would close the connection (Tomcat does after {@code maxKeepAliveRequests} requests).
     */
    Response send(String method, String path, byte[] body) throws IOException {
        return send(method, path, "application/json", body);
    }

    /** As {@link #send(String, String, byte[])} with the body's content type (e.g. a merge patch). */
    Response send(String method, String path, String contentType, byte[] body) throws IOException {
        if (serverCloses) {
            socket.close();
            connect();
            RECONNECTS.incrementAndGet();
        }
        writeRequest(method, path, contentType, body);
        int status = readHead();
        ByteArrayOutputStream buf = new ByteArrayOutputStream(chunked ? 8192 : (int) Math.max(0, contentLength));
        byte[] tmp = new byte[16 * 1024];
        int n;
        while ((n = readBody(tmp, 0, tmp.length)) > 0) {
            buf.write(tmp, 0, n);
        }
        return new Response(status, buf.toByteArray());
    }

    /** Sends a GET and reads the status and headers of a streamed (watch) response; returns the status. */
    int openWatch(String path) throws IOException {
        writeRequest("GET", path, null, null);
        return readHead();
    }

    /** Asks for the watch over WebSocket (as fabric8 does) and returns the status (101 when upgraded). */
    int openWebSocketWatch(String path) throws IOException {
        writeRequest("GET", path, null, null, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        return readHead();
    }

    /** The next line of a watch stream without its {@code \n}, or null at its end. */
    byte[] readLine() throws IOException {
        while (true) {
            for (int i = lineStart; i < lineEnd; i++) {
                if (lineBuf[i] == '\n') {
                    byte[] line = java.util.Arrays.copyOfRange(lineBuf, lineStart, i);
                    lineStart = i + 1;
                    return line;
                }
            }
            if (lineStart > 0) {
                System.arraycopy(lineBuf, lineStart, lineBuf, 0, lineEnd - lineStart);
                lineEnd -= lineStart;
                lineStart = 0;
            }
            if (lineEnd == lineBuf.length) {
                lineBuf = java.util.Arrays.copyOf(lineBuf, lineBuf.length * 2);
            }
            int n = readBody(lineBuf, lineEnd, lineBuf.length - lineEnd);
            if (n <= 0) {
                return null;
            }
            lineEnd += n;
        }
    }

    private void writeRequest(String method, String path, String contentType, byte[] body) throws IOException {
        writeRequest(method, path, contentType, body, "");
    }

    private void writeRequest(String method, String path, String contentType, byte[] body, String extraHeaders)
            throws IOException {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\nAccept: application/json\r\n");
        if (credentials.authorization() != null) {
            head.append("Authorization: ").append(credentials.authorization()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append(extraHeaders).append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private int readHead() throws IOException {
        String statusLine = readHeaderLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        chunked = false;
        contentLength = -1;
        bodyDone = false;
        chunkLeft = 0;
        for (String h = readHeaderLine(); !h.isEmpty(); h = readHeaderLine()) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                serverCloses = true;
            }
        }
        if (!chunked && contentLength < 0) {
            contentLength = 0;
        }
        return status;
    }

    private int readBody(byte[] b, int off, int len) throws IOException {
        if (bodyDone) {
            return -1;
        }
        if (!chunked) {
            if (contentLength == 0) {
                bodyDone = true;
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, contentLength));
            if (n < 0) {
                throw new EOFException("connection closed in a body");
            }
            contentLength -= n;
            return n;
        }
        if (chunkLeft == 0) {
            String size = readHeaderLine();
            int semi = size.indexOf(';');
            chunkLeft = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (chunkLeft == 0) {
                while (!readHeaderLine().isEmpty()) {
                    // trailers
                }
                bodyDone = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, chunkLeft));
        if (n < 0) {
            throw new EOFException("connection closed in a chunk");
        }
        chunkLeft -= n;
        if (chunkLeft == 0) {
            readHeaderLine(); // the CRLF after the chunk data
        }
        return n;
    }

    private String readHeaderLine() throws IOException {
        StringBuilder s = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = s.length();
                return len > 0 && s.charAt(len - 1) == '\r' ? s.substring(0, len - 1) : s.toString();
            }
            s.append((char) c);
        }
        throw new EOFException("connection closed in a header");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
