package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;

/**
 * HTTPS against e2e servers: JSON in, status and JSON out, plus line-by-line watch streams. The static
 * methods talk to the shared server ({@link KapiServerExtension}) as system:admin; {@link Client} to any
 * server with any identity ({@link KapiServer#admin()}, {@link KapiServer#asUser}, {@link KapiServer#withToken}).
 */
public final class KubeHttp {

    private KubeHttp() {
    }

    /** The shared server's admin client. */
    private static Client admin() {
        return KapiServerExtension.server().admin();
    }

    /** A finished response: status, headers and body. */
    public record Reply(int code, HttpResponse<String> raw) {

        public String body() {
            return raw.body();
        }

        public JsonNode json() {
            return Json.MAPPER.readTree(raw.body());
        }

        public List<String> headers(String name) {
            return raw.headers().allValues(name);
        }

        @Override
        public String toString() {
            return code + " " + raw.body();
        }
    }

    /** A ConfigMap named {@code name} with {@code data: {k: v}}, as JSON. */
    public static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"k\":\"v\"}}";
    }

    public static Reply get(String path) {
        return admin().get(path);
    }

    public static Reply post(String path, String json) {
        return admin().post(path, json);
    }

    public static Reply put(String path, String json) {
        return admin().put(path, json);
    }

    public static Reply patch(String path, String contentType, String body) {
        return admin().patch(path, contentType, body);
    }

    public static Reply delete(String path) {
        return admin().delete(path);
    }

    /** Sends one request as admin; {@code headers} are name/value pairs. */
    public static Reply send(String method, String path, String contentType, String body, String... headers) {
        return admin().send(method, path, contentType, body, headers);
    }

    /** Creates a namespace (JSON) as admin, ignoring AlreadyExists. */
    public static void createNamespace(String name) {
        admin().createNamespace(name);
    }

    /** Opens a watch (or any streaming GET) as admin; events arrive as parsed JSON lines. */
    public static WatchStream watch(String path, String... headers) {
        return admin().watch(path, headers);
    }

    /** HTTPS to one server with one identity (a TLS client certificate and/or default headers). */
    public static final class Client {

        private final KapiServer server;
        private final HttpClient http;
        private final String[] defaultHeaders;

        Client(KapiServer server, SSLContext ssl, String... defaultHeaders) {
            this.server = server;
            this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            this.defaultHeaders = defaultHeaders;
        }

        public Reply get(String path) {
            return send("GET", path, null, null);
        }

        public Reply post(String path, String json) {
            return send("POST", path, "application/json", json);
        }

        public Reply put(String path, String json) {
            return send("PUT", path, "application/json", json);
        }

        public Reply patch(String path, String contentType, String body) {
            return send("PATCH", path, contentType, body);
        }

        public Reply delete(String path) {
            return send("DELETE", path, null, null);
        }

        /** Sends one request; {@code headers} are name/value pairs. */
        public Reply send(String method, String path, String contentType, String body, String... headers) {
            return sendBody(method, path, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body), headers);
        }

        /** Sends one request with a binary body (protobuf); {@code headers} are name/value pairs. */
        public Reply sendBytes(String method, String path, String contentType, byte[] body, String... headers) {
            return sendBody(method, path, contentType, HttpRequest.BodyPublishers.ofByteArray(body), headers);
        }

        private Reply sendBody(String method, String path, String contentType, HttpRequest.BodyPublisher body,
                               String... headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body);
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            addHeaders(b, headers);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Reply(r.statusCode(), r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Creates a namespace (JSON), ignoring AlreadyExists. */
        public void createNamespace(String name) {
            Reply r = post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}");
            if (r.code() != 201 && r.code() != 409) {
                throw new IllegalStateException("cannot create namespace " + name + ": " + r);
            }
        }

        /** Opens a watch (or any streaming GET); events arrive as parsed JSON lines. */
        public WatchStream watch(String path, String... headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(server.url(path)).GET();
            addHeaders(b, headers);
            try {
                HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                return new WatchStream(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void addHeaders(HttpRequest.Builder b, String[] headers) {
            for (int i = 0; i + 1 < defaultHeaders.length; i += 2) {
                b.header(defaultHeaders[i], defaultHeaders[i + 1]);
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
        }
    }

    /** An open watch response read on a background thread. */
    public static final class WatchStream implements AutoCloseable {

        private final HttpResponse<InputStream> response;
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final Thread reader;

        WatchStream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = Thread.ofVirtual().start(this::read);
        }

        public int code() {
            return response.statusCode();
        }

        /** Whether the stream has ended (the server closed it, or {@link #close}). */
        public boolean ended() {
            return !reader.isAlive();
        }

        public HttpResponse<InputStream> response() {
            return response;
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isBlank()) {
                        events.add(Json.MAPPER.readTree(line));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed
            }
        }

        /** The next event, or null after {@code seconds} without one. */
        public JsonNode next(int seconds) {
            try {
                return events.poll(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** The next {@code n} events (fewer if they do not come within {@code seconds} each). */
        public List<JsonNode> next(int n, int seconds) {
            List<JsonNode> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonNode e = next(seconds);
                if (e == null) {
                    break;
                }
                out.add(e);
            }
            return out;
        }

        /** The events that arrive within {@code millis}. */
        public List<JsonNode> drain(long millis) {
            List<JsonNode> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    JsonNode e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                    if (e == null) {
                        return out;
                    }
                    out.add(e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            }
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // ignore
            }
            reader.interrupt();
        }
    }
}
