package dev.kapi.apiserver.storage.etcd3;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Tells, before a server starts serving, whether etcd and this client agree on TLS. The gRPC client only
 * says that etcd "did not answer" when the handshake fails (it retries until the call times out), so
 * the probe makes a TLS handshake with each endpoint with the same trust and client certificate (in TLS 1.2,
 * where a refused client certificate ends the handshake itself; in TLS 1.3 followed by a
 * {@code GET /version} when etcd only speaks 1.3), and reads the handshake's failure: etcd's
 * certificate not signed by a trusted CA or not made for the endpoint's address, etcd refusing our client
 * certificate or asking for one we do not have, or no TLS at all on that port. An endpoint that cannot be
 * reached says nothing about TLS and is skipped (etcd may be starting).
 */
public final class EtcdTlsProbe {

    private static final int CONNECT_TIMEOUT_MILLIS = 3000;
    private static final int READ_TIMEOUT_MILLIS = 5000;
    private static final String[] TLS_1_2 = {"TLSv1.2"};

    private EtcdTlsProbe() {
    }

    /**
     * The first TLS failure among {@code endpoints} (all {@code https://}), as one line naming the
     * endpoint, e.g. {@code etcd at https://10.0.0.1:2379 refused our client certificate (bad_certificate)};
     * empty when every reachable endpoint completed the handshake and answered.
     */
    public static Optional<String> failure(List<String> endpoints, EtcdTls tls) {
        SSLContext context = tls.jdkContext();
        for (String endpoint : endpoints) {
            Optional<String> failure = failure(endpoint.trim(), tls, context);
            if (failure.isPresent()) {
                return failure;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> failure(String endpoint, EtcdTls tls, SSLContext context) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            try {
                handshake(uri, context, TLS_1_2);
            } catch (SSLException e) {
                if (!refusedProtocol(e)) {
                    throw e;
                }
                handshake(uri, context, null);
            }
            return Optional.empty();
        } catch (SSLException e) {
            return Optional.of("etcd at " + endpoint + " " + reading(e, tls));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * One connection: the handshake and, in TLS 1.3 (where a server tells that it refuses the client's
     * certificate only after the handshake), a {@code GET /version} whose answer is read.
     */
    private static void handshake(URI uri, SSLContext context, String[] protocols) throws IOException {
        int port = uri.getPort() == -1 ? 2379 : uri.getPort();
        try (Socket plain = new WritesNeverFail()) {
            plain.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            plain.setSoTimeout(READ_TIMEOUT_MILLIS);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, uri.getHost(), port,
                    false)) {
                handshake(tls, uri, protocols);
            } catch (SocketException | EOFException closed) {
                // connected, then reset or closed before the handshake ended: a peer that does not speak TLS
                // (a plain etcd may reset rather than answer); JSSE reports the same as an SSLException at times
                throw new SSLHandshakeException("Remote host terminated the handshake (" + closed + ")");
            }
        }
    }

    private static void handshake(SSLSocket tls, URI uri, String[] protocols) throws IOException {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols != null) {
            parameters.setProtocols(protocols);
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        if (protocols == null) {
            OutputStream out = tls.getOutputStream();
            out.write(("GET /version HTTP/1.1\r\nHost: " + uri.getRawAuthority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            tls.getInputStream().read();
        }
    }

    /** The server does not speak the protocol version offered (an etcd that requires TLS 1.3). */
    private static boolean refusedProtocol(SSLException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("protocol_version") || message.contains("No appropriate protocol")
                || message.contains("handshake_failure");
    }

    /**
     * A socket whose writes do not fail. A server that refuses our certificate sends its alert and closes
     * at once, so the rest of our handshake flight can meet a reset ("Broken pipe") before JSSE reads the
     * alert that explains it; with writes that never fail, JSSE goes on to read, and finds the alert.
     */
    private static final class WritesNeverFail extends Socket {
        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = super.getOutputStream();
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) {
                    try {
                        out.write(b, off, len);
                    } catch (IOException peerClosed) {
                        // the read that follows tells why
                    }
                }

                @Override
                public void flush() {
                    try {
                        out.flush();
                    } catch (IOException peerClosed) {
                        // as above
                    }
                }
            };
        }
    }

    /** What a handshake failure means, in words, with JSSE's own message when it is not one we know. */
    static String reading(SSLException failure, EtcdTls tls) {
        String message = String.valueOf(failure.getMessage());
        if (has(failure, CertPathBuilderException.class) || has(failure, CertPathValidatorException.class)) {
            return tls.trustedCas().isEmpty()
                    ? "has a certificate that no CA of the JVM's trust store signed"
                    : "has a certificate that no trusted CA signed (not from the configured CA file)";
        }
        if (has(failure, CertificateException.class) && messages(failure).contains("No subject alternative")) {
            return "has a certificate that is not for its address (" + rootMessage(failure) + ")";
        }
        if (message.contains("Received fatal alert: ") && (message.contains("certificate_required")
                || message.contains("bad_certificate") || message.contains("unknown_ca")
                || message.contains("certificate_unknown"))) {
            String alert = message.substring(message.indexOf("Received fatal alert: ") + 22).trim();
            return tls.clientKey() == null
                    ? "requires a client certificate and none is configured (" + alert + ")"
                    : "refused our client certificate (" + alert + "): is it signed by a CA etcd trusts?";
        }
        if (message.contains("Unsupported or unrecognized SSL message")
                || message.contains("Remote host terminated the handshake")) {
            return "closed the connection in the TLS handshake (does it speak TLS, and does it want a client "
                    + "certificate?)";
        }
        return "failed the TLS handshake: " + message;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
