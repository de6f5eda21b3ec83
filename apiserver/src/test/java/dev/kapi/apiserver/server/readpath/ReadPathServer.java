package dev.kapi.apiserver.server.readpath;

import dev.kapi.apiserver.KapiApplication;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.server.ServerOptions;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.TlsClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The whole server in this JVM (as {@code ServerShutdownRaceTest} runs it) on a fresh data dir, with the
 * given flags (none: the embedded store), and an admin (system:masters) HTTPS client.
 */
final class ReadPathServer implements AutoCloseable {

    /** One HTTP answer. */
    record Reply(int code, String body, java.net.http.HttpHeaders headers) {
        /** The first value of a response header, or null. */
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            return Json.MAPPER.readTree(body);
        }

        String resourceVersion() {
            return json().path("metadata").path("resourceVersion").asString();
        }
    }

    private final Path data;
    private final ConfigurableApplicationContext app;
    private final URI base;
    private final HttpClient admin;

    /** A server with {@code flags} and {@code sources} (configuration classes) added to the application's. */
    ReadPathServer(List<String> flags, Class<?>... sources) {
        try {
            data = Files.createTempDirectory("kapi-readpath-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("--secure-port=0", "--bind-address=127.0.0.1",
                "--data-dir=" + data, "--write-kubeconfig=" + data.resolve("admin.kubeconfig")));
        args.addAll(flags);
        app = new SpringApplicationBuilder(KapiApplication.class).sources(sources).run(args.toArray(String[]::new));
        base = URI.create("https://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
        Certificates.Issued ca = TlsClients.ca(data);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "system:admin", "system:masters"));
    }

    /** The storage backend under every resource's decorators (a watch cache among them). */
    Storage backend() {
        return app.getBean("storage", Storage.class);
    }

    /** The backend key prefix of {@code resource}'s objects in {@code namespace}, e.g. /registry/configmaps/ns/. */
    String keyPrefix(String resource, String namespace) {
        return app.getBean(ServerOptions.class).etcdPrefix() + "/" + resource + "/" + namespace + "/";
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply send(String method, String path, String json) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        try {
            HttpResponse<String> res = admin.send(HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .method(method, body).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res.body(), res.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a watch (the path carries {@code watch=true}); fails unless it answers 200. */
    Watch watch(String path) {
        try {
            HttpResponse<InputStream> res = admin.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (res.statusCode() != 200) {
                String body = new String(res.body().readAllBytes(), StandardCharsets.UTF_8);
                throw new AssertionError("watch " + path + " answered " + res.statusCode() + ": " + body);
            }
            return new Watch(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The events of one watch as they arrive, read by a virtual thread; closing it ends the stream. */
    static final class Watch implements AutoCloseable {

        private final InputStream body;
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        private final Thread reader;

        private Watch(InputStream body) {
            this.body = body;
            this.reader = Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
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

        /** The next event, or null after {@code timeout} without one or once the stream ended. */
        JsonNode next(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                boolean alive = reader.isAlive();
                JsonNode event = events.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
                if (event != null || !alive) {
                    return event == null ? events.poll() : event;
                }
            }
            return null;
        }

        /** True once the server ended the stream (and every event was read). */
        boolean ended() {
            return !reader.isAlive() && events.isEmpty();
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        app.close();
        LocalEtcdProcess.deleteRecursively(data);
    }
}
