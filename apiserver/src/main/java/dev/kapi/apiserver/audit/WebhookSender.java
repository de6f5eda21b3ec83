package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.webhook.RetryBackoff;
import dev.kapi.apiserver.webhook.WebhookTarget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

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

    /** kube's webhook client timeout (the whole call, reading the answer included). */
    static final Duration CALL_TIMEOUT = WebhookTarget.CALL_TIMEOUT;
    static final int TRIES = RetryBackoff.TRIES;
    private static final byte[] LIST_START = ("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\","
            + "\"metadata\":{},\"items\":[").getBytes(StandardCharsets.UTF_8);
    private static final byte[] LIST_END = "]}".getBytes(StandardCharsets.UTF_8);

    private final WebhookTarget target;
    private final Duration initialBackoff;
    private final Duration callTimeout;

    public WebhookSender(WebhookTarget target, Duration initialBackoff) {
        this(target, initialBackoff, CALL_TIMEOUT);
    }

    WebhookSender(WebhookTarget target, Duration initialBackoff, Duration callTimeout) {
        this.target = target;
        this.initialBackoff = initialBackoff;
        this.callTimeout = callTimeout;
    }

    @Override
    public void send(List<byte[]> events) throws IOException {
        byte[] body = eventList(events);
        RetryBackoff backoff = new RetryBackoff(initialBackoff, target.uri());
        for (int attempt = 1; ; attempt++) {
            try {
                post(body);
                return;
            } catch (IOException e) {
                if (attempt == TRIES || e instanceof InterruptedIOException) {
                    throw e;
                }
            }
            backoff.sleep();
        }
    }

    private void post(byte[] body) throws IOException {
        HttpResponse<byte[]> response = target.post(body, callTimeout);
        if (response.statusCode() / 100 != 2) {
            throw new IOException(WebhookTarget.httpError(response));
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
