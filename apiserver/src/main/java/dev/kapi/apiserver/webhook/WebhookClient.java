package dev.kapi.apiserver.webhook;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.RequestDeadline;
import dev.kapi.apiserver.api.StatusError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs JSON to webhooks over HTTPS as kube-apiserver's webhook clients do (admission webhooks, CRD conversion
 * webhooks): HTTP/1.1, no redirects, the server verified by {@link WebhookTrust} against the endpoint's
 * {@code caBundle} and server name, the whole exchange (connect, TLS, headers and body) bounded by the call's
 * timeout. Connections are pooled: one {@link HttpClient} per caBundle and server name, kept for later calls
 * (at most {@code maxClients}, the least recently used dropped first). Safe for concurrent use.
 *
 * <p>Failures are {@link CallFailed} in client-go's words, e.g.
 * {@code Post "https://127.0.0.1:1/x?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused}; a
 * non-2xx answer is the message of the Status it carries, else client-go's generic one for its code.
 */
public final class WebhookClient {

    /** A webhook's address: the URL to post to, the CAs to trust and the name its certificate must be valid for. */
    public record Endpoint(URI uri, String caBundle, String serverName) {

        /** The URL's own host as the server name. */
        public static Endpoint of(URI uri, String caBundle) {
            return new Endpoint(uri, caBundle, uri.getHost());
        }
    }

    /** A call that produced no usable answer; {@link #setup()} when no client could be made for the endpoint. */
    public static final class CallFailed extends Exception {

        private final boolean setup;
        private final int code;

        CallFailed(String message, boolean setup) {
            this(message, setup, 0);
        }

        CallFailed(String message, boolean setup, int code) {
            super(message, null, false, false);
            this.setup = setup;
            this.code = code;
        }

        /** The HTTP code of a non-2xx answer; 0 when none came. */
        public int code() {
            return code;
        }

        /** True when the endpoint's configuration (its caBundle) was unusable: nothing was sent. */
        public boolean setup() {
            return setup;
        }
    }

    /** The text of a deadline passing, after {@code Post "<url>": }: client-go's for a context deadline. */
    public static final String CONTEXT_DEADLINE = "context deadline exceeded";

    private static final WebhookClient SHARED = new WebhookClient(64);

    private record Key(String caBundle, String serverName) {
    }

    private final int maxClients;
    private final Map<Key, HttpClient> clients;

    public WebhookClient(int maxClients) {
        this.maxClients = maxClients;
        this.clients = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The server's one pool. */
    public static WebhookClient shared() {
        return SHARED;
    }

    /**
     * Posts {@code body} and returns the body of a 2xx answer.
     *
     * @param deadlineText what a passed deadline reads as after {@code Post "<url>": }
     */
    public byte[] post(Endpoint endpoint, byte[] body, Duration timeout, String deadlineText) throws CallFailed {
        HttpClient http = httpClient(endpoint.caBundle(), endpoint.serverName());
        URI uri = endpoint.uri();
        timeout = RequestDeadline.bound(timeout); // kube's webhook call ends with its request's context
        if (timeout.isZero()) {
            throw new CallFailed("Post \"" + uri + "\": " + deadlineText, false);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json, */*")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<byte[]> response = null;
        for (int attempt = 1; response == null; attempt++) {
            CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request,
                    HttpResponse.BodyHandlers.ofByteArray());
            try {
                response = call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                throw new CallFailed("Post \"" + uri + "\": " + deadlineText, false);
            } catch (InterruptedException e) {
                call.cancel(true);
                Thread.currentThread().interrupt();
                throw new CallFailed("Post \"" + uri + "\": context canceled", false);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String why = cause instanceof HttpTimeoutException ? deadlineText : transportError(uri, cause);
                // as Go's transport, a call whose pooled connection the server had closed (no answer byte read)
                // is tried once more on a new connection: a webhook that went away then reads as refused
                if (!(attempt == 1 && why.equals("EOF"))) {
                    throw new CallFailed("Post \"" + uri + "\": " + why, false);
                }
            }
        }
        if (response.statusCode() / 100 != 2) {
            throw new CallFailed(httpError(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse("")), false, response.statusCode());
        }
        return response.body();
    }

    /** The pooled client for this trust; made on first use. */
    HttpClient httpClient(String caBundle, String serverName) throws CallFailed {
        Key key = new Key(caBundle == null ? "" : caBundle, serverName);
        synchronized (clients) {
            HttpClient client = clients.get(key);
            if (client != null) {
                return client;
            }
        }
        HttpClient made;
        try {
            made = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .sslContext(WebhookTrust.context(caBundle, serverName))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CallFailed(e.getMessage(), true);
        }
        synchronized (clients) {
            HttpClient raced = clients.putIfAbsent(key, made);
            if (clients.size() > maxClients) {
                // dropped clients are not closed: a call may still use one; unused, the JDK ends it
                clients.remove(clients.keySet().iterator().next());
            }
            return raced != null ? raced : made;
        }
    }

    /** How many clients the pool holds (for tests). */
    int pooled() {
        synchronized (clients) {
            return clients.size();
        }
    }

    /** client-go's error for a non-2xx answer: the Status it carries, or the generic one for the code. */
    public static String httpError(int code, byte[] body, String contentType) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            if (n != null && "Status".equals(n.path("kind").asString("")) && !n.path("message").asString("").isEmpty()) {
                return n.path("message").asString();
            }
        } catch (JacksonException ignored) {
            // not a Status: the generic message below
        }
        if (code >= 500 && code != 503 && code != 504) { // client-go: InternalError
            String text = contentType.startsWith("text/") && body.length > 0
                    ? new String(body, StandardCharsets.UTF_8).strip() : "unknown";
            return "an error on the server (" + GoQuote.quote(text) + ") has prevented the request from succeeding";
        }
        if (code == 404 || code == 400 || code == 405 || code == 413 || code == 429 || code == 503) {
            return StatusError.fromCode(code).getMessage();
        }
        return "the server responded with the status code " + code + " but did not return more information";
    }

    /** The part after {@code Post "<url>": } in Go's words where there is a counterpart. */
    public static String transportError(URI uri, Throwable e) {
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
        if (e instanceof IOException && e.getMessage() != null && e.getMessage().contains("header parser received no bytes")) {
            return "EOF";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String certificateError(Throwable handshake) {
        for (Throwable t = handshake; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException && t.getMessage() != null
                    && t.getMessage().startsWith("x509: ")) {
                return t.getMessage();
            }
        }
        return handshake.getMessage();
    }
}
