package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.webhook.WebhookClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * kube's audit webhook ({@code --audit-webhook-config-file}): POSTs events as one {@code audit.k8s.io/v1}
 * EventList to the server of a kubeconfig, e.g.
 * <pre>{@code {"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[{"kind":"Event",...}]}}</pre>
 * Any failure (no connection, a timeout after 30 s, an answer other than 2xx) is retried as kube retries it: five
 * tries in all, {@code initialBackoff} after the first (kube: 10 s), each wait 1.5 times the last with up to 20%
 * jitter. The last failure is what {@link #send} throws, in client-go's words, e.g.
 * {@code Post "https://audit.example:8443/events": dial tcp 10.0.0.9:8443: connect: connection refused}.
 */
public final class WebhookSender implements EventSender {

    /**
     * Where to post and how: the URL, the HTTP client (with the TLS of the kubeconfig) and the headers of each call
     * (credentials; asked for each call, so that a token file read again is used).
     */
    public record Target(URI uri, HttpClient http, Supplier<Map<String, String>> headers) {
    }

    /** kube's webhook client timeout (the whole call, reading the answer included). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    static final int TRIES = 5;
    private static final byte[] LIST_START = ("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\","
            + "\"metadata\":{},\"items\":[").getBytes(StandardCharsets.UTF_8);
    private static final byte[] LIST_END = "]}".getBytes(StandardCharsets.UTF_8);

    private final Target target;
    private final Duration initialBackoff;
    private final Duration callTimeout;

    public WebhookSender(Target target, Duration initialBackoff) {
        this(target, initialBackoff, CALL_TIMEOUT);
    }

    WebhookSender(Target target, Duration initialBackoff, Duration callTimeout) {
        this.target = target;
        this.initialBackoff = initialBackoff;
        this.callTimeout = callTimeout;
    }

    @Override
    public void send(List<byte[]> events) throws IOException {
        byte[] body = eventList(events);
        double backoffNanos = initialBackoff.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                post(body);
                return;
            } catch (IOException e) {
                if (attempt == TRIES || e instanceof InterruptedIOException) {
                    throw e;
                }
            }
            long jittered = (long) (backoffNanos * (1 + 0.2 * ThreadLocalRandom.current().nextDouble()));
            try {
                Thread.sleep(Duration.ofNanos(jittered));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Post \"" + target.uri() + "\": context canceled");
            }
            backoffNanos *= 1.5;
        }
    }

    private void post(byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.uri()).timeout(callTimeout)
                .header("Content-Type", "application/json").header("Accept", "application/json, */*")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        target.headers().get().forEach(request::header);
        HttpResponse<byte[]> response;
        // the timeout bounds the whole call, the answer's body too (HttpRequest's own ends with the headers)
        CompletableFuture<HttpResponse<byte[]>> call = target.http().sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            response = call.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Post \"" + target.uri() + "\": context canceled");
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IOException("Post \"" + target.uri() + "\": context deadline exceeded", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("Post \"" + target.uri() + "\": " + (cause instanceof HttpTimeoutException
                    ? "context deadline exceeded" : WebhookClient.transportError(target.uri(), cause)), cause);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(WebhookClient.httpError(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse("")));
        }
    }

    /** The events, each already JSON, as the items of one EventList. */
    static byte[] eventList(List<byte[]> events) {
        int size = LIST_START.length + LIST_END.length + events.size();
        for (byte[] e : events) {
            size += e.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(LIST_START);
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(events.get(i));
        }
        out.writeBytes(LIST_END);
        return out.toByteArray();
    }
}
