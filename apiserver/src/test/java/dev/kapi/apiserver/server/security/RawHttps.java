package dev.kapi.apiserver.server.security;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one kept-alive TLS connection, sending the request target byte for byte as given (no client
 * library would send {@code %ZZ}, {@code ;} or {@code /./} unchanged). A streaming 2xx answer (a watch) is
 * read up to its headers and the connection dropped.
 */
final class RawHttps implements AutoCloseable {

    record Response(int code, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final SSLContext ssl;
    private final int port;
    private final String authorization;
    private final java.util.List<String> extraHeaders = new java.util.ArrayList<>();
    private SSLSocket socket;
    private InputStream in;

    /** @param bearerToken sent as {@code Authorization: Bearer}; null sends no credential */
    RawHttps(SSLContext ssl, int port, String bearerToken) {
        this.ssl = ssl;
        this.port = port;
        this.authorization = bearerToken == null ? null : "Bearer " + bearerToken;
    }

    /** Sends {@code name: value} with every request from now on (a header may be given several times). */
    RawHttps header(String name, String value) {
        extraHeaders.add(name + ": " + value + "\r\n");
        return this;
    }

    Response send(String method, String target, String contentType, String body) throws IOException {
        return send(method, target, contentType, body, "application/json");
    }

    /** {@link #send} asking for the answer in {@code accept} (a list as YAML, a Table, PartialObjectMetadata). */
    Response send(String method, String target, String contentType, String body, String accept) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return exchange(method, target, contentType, body, accept);
            } catch (IOException e) {
                close(); // the server may close a kept-alive connection between requests: one retry
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private Response exchange(String method, String target, String contentType, String body, String accept)
            throws IOException {
        if (socket == null) {
            socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            socket.setTcpNoDelay(true); // a request is one write; no Nagle wait for the server's delayed ACK
            socket.startHandshake();
            in = new BufferedInputStream(socket.getInputStream());
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nAccept: ").append(accept).append("\r\n");
        if (authorization != null) {
            req.append("Authorization: ").append(authorization).append("\r\n");
        }
        extraHeaders.forEach(req::append);
        if (body != null) {
            req.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(content.length)
                    .append("\r\n");
        }
        byte[] head = req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = Arrays.copyOf(head, head.length + content.length);
        System.arraycopy(content, 0, request, head.length, content.length);
        OutputStream out = socket.getOutputStream();
        out.write(request); // one TLS record: headers and body together
        out.flush();
        return read(method, target.contains("watch"));
    }

    private Response read(String method, boolean mayStream) throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before an answer");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; (h = line()) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        String body;
        if (method.equals("HEAD") || code == 204 || code == 304) {
            body = "";
        } else if (length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
        } else if (chunked && code / 100 == 2 && mayStream) {
            close(); // a stream that was let through: what it sends first is enough to judge it
            return new Response(code, headers, "<stream>");
        } else if (chunked) {
            body = chunks();
        } else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            close();
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
            close();
        }
        return new Response(code, headers, body);
    }

    private String chunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String size; (size = line()) != null; ) {
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                break;
            }
            body.write(in.readNBytes(n));
            line();
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
    }
}
