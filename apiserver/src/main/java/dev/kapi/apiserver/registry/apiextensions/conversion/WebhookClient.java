package dev.kapi.apiserver.registry.apiextensions.conversion;

import io.fabric8.kubernetes.api.model.apiextensions.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookClientConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;

/**
 * POSTs a ConversionReview to a CRD's webhook over HTTPS, as client-go's webhook client does: the URL is
 * {@code clientConfig.url}, or {@code https://<name>.<namespace>.svc:<port><path>} for a service (resolved by
 * this host's DNS, so only where the host can resolve cluster names), plus {@code ?timeout=30s}; the server
 * is verified with {@code caBundle} (base64 of PEM certificates) or the JVM's trust store without one.
 * Failures are {@link CallFailed} with Go's wording ({@code Post "<url>": ...}).
 */
final class WebhookClient {

    /** A call that produced no usable HTTP answer, or a non-2xx one; the message is client-go's. */
    static final class CallFailed extends Exception {
        CallFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** A 2xx answer's body. */
    record Answer(byte[] body) {
    }

    private final URI uri;
    private final Duration timeout;
    private final HttpClient http;
    private final String setupError;

    WebhookClient(WebhookClientConfig config, Duration timeout) {
        this.timeout = timeout;
        this.uri = endpoint(config, timeout);
        HttpClient client = null;
        String error = null;
        try {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(timeout)
                    .sslContext(sslContext(config.getCaBundle()))
                    .build();
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            error = "unable to load root certificates: unable to parse bytes as PEM block";
        }
        this.http = client;
        this.setupError = error;
    }

    URI uri() {
        return uri;
    }

    Answer post(byte[] review) throws CallFailed {
        if (setupError != null) {
            throw new CallFailed(setupError);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json, */*")
                .POST(HttpRequest.BodyPublishers.ofByteArray(review)).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CallFailed("Post \"" + uri + "\": " + transportError(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed("Post \"" + uri + "\": context canceled");
        }
        if (response.statusCode() / 100 != 2) {
            throw new CallFailed(ReviewCodec.httpError(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse("")));
        }
        return new Answer(response.body());
    }

    static URI endpoint(WebhookClientConfig config, Duration timeout) {
        String base;
        if (config.getUrl() != null) {
            base = config.getUrl();
        } else {
            ServiceReference s = config.getService();
            int port = s.getPort() == null ? 443 : s.getPort();
            base = "https://" + s.getName() + "." + s.getNamespace() + ".svc:" + port
                    + (s.getPath() == null ? "" : s.getPath());
        }
        return URI.create(base + "?timeout=" + goDuration(timeout));
    }

    /** Go's {@code time.Duration.String()} for whole milliseconds: 30s, 500ms, 1.5s. */
    static String goDuration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return String.valueOf(ms / 1000.0).replaceAll("0+$", "") + "s";
    }

    private static SSLContext sslContext(String caBundle) throws GeneralSecurityException, IOException {
        if (caBundle == null || caBundle.isEmpty()) {
            return SSLContext.getDefault();
        }
        byte[] pem = Base64.getDecoder().decode(caBundle.trim());
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem));
        if (certs.isEmpty()) {
            throw new IOException("no certificates");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The part after {@code Post "<url>": } in Go's words where there is a counterpart. */
    private String transportError(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        }
        String hostPort = uri.getHost() + ":" + (uri.getPort() < 0 ? 443 : uri.getPort());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "dial tcp: lookup " + uri.getHost() + ": no such host";
            }
            if (t instanceof ConnectException) {
                return "dial tcp " + hostPort + ": connect: connection refused";
            }
            if (t instanceof SSLHandshakeException) {
                return "tls: failed to verify certificate: " + certificateError(t);
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String certificateError(Throwable handshake) {
        for (Throwable t = handshake; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return "x509: certificate signed by unknown authority";
            }
            if (t instanceof java.security.cert.CertificateException && t.getMessage() != null
                    && t.getMessage().startsWith("No ")) {
                return "x509: " + t.getMessage();
            }
        }
        return handshake.getMessage();
    }
}
