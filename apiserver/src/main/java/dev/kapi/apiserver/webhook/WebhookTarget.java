package dev.kapi.apiserver.webhook;

import dev.kapi.apiserver.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A webhook named by a kubeconfig (the audit webhook, the token authentication webhook): the URL, the HTTP client
 * with the kubeconfig's TLS, and the headers of each call (its credentials, asked for each call so that a token
 * file read again is used). {@link #post} makes one call; what a caller retries is its own decision.
 */
public record WebhookTarget(URI uri, HttpClient http, Supplier<Map<String, String>> headers) {

    /** kube's webhook client timeout: the whole call, reading the answer included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * POSTs a JSON body and returns the answer, whatever its status code. A call without an answer throws an
     * IOException in client-go's words, e.g. {@code Post "https://authn.example/review": dial tcp
     * 10.0.0.9:443: connect: connection refused} or {@code ...: context deadline exceeded} after {@code timeout}
     * (which bounds reading the answer's body too); an interrupted caller gets an InterruptedIOException.
     */
    public HttpResponse<byte[]> post(byte[] body, Duration timeout) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json, */*")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.get().forEach(request::header);
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Post \"" + uri + "\": context canceled");
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new IOException("Post \"" + uri + "\": " + WebhookClient.CONTEXT_DEADLINE, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("Post \"" + uri + "\": " + (cause instanceof HttpTimeoutException
                    ? WebhookClient.CONTEXT_DEADLINE : WebhookClient.transportError(uri, cause)), cause);
        }
    }

    /**
     * POSTs a review (TokenReview, SubjectAccessReview) and returns the JSON object answered, trying again as
     * kube's webhooks do (client-go's errors and {@code DefaultShouldRetry}): after a connection reset, a 429, a
     * 5xx other than 503, an answer with a positive {@code Retry-After}, or an EOF on the first try (a kept-alive
     * connection the server had just closed), up to {@link RetryBackoff#TRIES} tries with {@link RetryBackoff}'s
     * waits, all within {@code deadlineNanos} ({@link System#nanoTime}). Anything else (another code, no
     * connection, a timeout, an answer that is not a JSON object) fails at once.
     */
    public JsonNode review(byte[] body, Duration initialBackoff, long deadlineNanos) throws IOException {
        return review(body, initialBackoff, CALL_TIMEOUT, deadlineNanos);
    }

    /** Told of each try (each round trip) of {@link #review}: how long it took and how it ended. */
    public interface Tries {
        Tries NONE = (took, code, failure) -> { };

        /**
         * @param code    the answer's HTTP status code, 0 without an answer
         * @param failure null for an answer that is a JSON object, else why the try failed
         */
        void tried(Duration took, int code, IOException failure);
    }

    /** {@link #review(byte[], Duration, long)} with each try's own time limit {@code callTimeout}. */
    public JsonNode review(byte[] body, Duration initialBackoff, Duration callTimeout, long deadlineNanos)
            throws IOException {
        return review(body, initialBackoff, callTimeout, deadlineNanos, Tries.NONE);
    }

    /** {@link #review(byte[], Duration, Duration, long)}, telling {@code tries} of each try. */
    public JsonNode review(byte[] body, Duration initialBackoff, Duration callTimeout, long deadlineNanos,
                           Tries tries) throws IOException {
        RetryBackoff backoff = new RetryBackoff(initialBackoff, uri);
        IOException last = null;
        for (int attempt = 1; ; attempt++) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) { // the last failure says more than the deadline that ended the retries
                throw last != null ? last : new IOException("Post \"" + uri + "\": " + WebhookClient.CONTEXT_DEADLINE);
            }
            IOException failure;
            boolean retry;
            long started = System.nanoTime();
            int code = 0;
            try {
                HttpResponse<byte[]> response = post(body, Duration.ofNanos(Math.min(left, callTimeout.toNanos())));
                code = response.statusCode();
                if (code / 100 == 2) {
                    JsonNode answer = object(response.body());
                    tries.tried(Duration.ofNanos(System.nanoTime() - started), code, null);
                    return answer;
                }
                failure = new IOException(httpError(response));
                retry = code == 429 || code >= 500 && code != 503
                        || response.headers().firstValue("Retry-After").filter(v -> v.matches("0*[1-9][0-9]{0,8}"))
                        .isPresent();
            } catch (InterruptedIOException e) {
                tries.tried(Duration.ofNanos(System.nanoTime() - started), code, e);
                throw e;
            } catch (IOException e) {
                failure = e;
                retry = code == 0 && (connectionReset(e)
                        || attempt == 1 && e.getMessage() != null && e.getMessage().endsWith(": EOF"));
            }
            tries.tried(Duration.ofNanos(System.nanoTime() - started), code, failure);
            if (!retry || attempt == RetryBackoff.TRIES || System.nanoTime() - deadlineNanos >= 0) {
                throw failure;
            }
            last = failure;
            backoff.sleep();
        }
    }

    private static JsonNode object(byte[] body) throws IOException {
        try {
            JsonNode answer = Json.MAPPER.readTree(body);
            if (answer == null || !answer.isObject()) {
                throw new IOException("the webhook's answer is not a JSON object");
            }
            return answer;
        } catch (JacksonException e) {
            throw new IOException("the webhook's answer is not JSON: " + e.getOriginalMessage());
        }
    }

    private static boolean connectionReset(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Connection reset")) {
                return true;
            }
        }
        return false;
    }

    /** client-go's error for an answer that is not 2xx (the Status it carries, or the generic one for the code). */
    public static String httpError(HttpResponse<byte[]> response) {
        return WebhookClient.httpError(response.statusCode(), response.body(),
                response.headers().firstValue("Content-Type").orElse(""));
    }
}
