package dev.kapi.apiserver.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** HTTP/1.1 over a TLS socket, for headers {@code java.net.http} refuses to send (Connection, Upgrade). */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends a GET over TLS as system:admin (client certificate) with {@code headers} and returns every line
     * of the response until the server closes it.
     */
    static List<String> getLines(KapiServer server, String pathAndQuery, List<String> headers) {
        URI base = server.baseUri();
        SSLContext ssl = server.sslContext(server.adminCert());
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(base.getHost(), base.getPort())) {
            socket.startHandshake();
            socket.setSoTimeout(15_000);
            StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Accept: application/json\r\n");
            headers.forEach(h -> req.append(h).append("\r\n"));
            req.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> lines = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.equals("0") && lines.size() > 1) {
                    break; // last chunk of a chunked body
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
