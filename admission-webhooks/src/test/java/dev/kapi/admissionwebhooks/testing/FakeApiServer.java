package dev.kapi.admissionwebhooks.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kapi.admissionwebhooks.review.ReviewCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of a Kubernetes API server (plain HTTP, one bearer token) for get / create / replace of
 * admissionregistration.k8s.io/v1 objects, with resourceVersion checks, and a record of every request.
 */
public final class FakeApiServer implements AutoCloseable {

    public static final String TOKEN = "registration-token";
    private static final String PREFIX = "/apis/admissionregistration.k8s.io/v1/";

    /** One request as received. */
    public record Request(String method, String path, String authorization, JsonNode body) {
        public String line() {
            return method + " " + path;
        }
    }

    private final HttpServer server;
    private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private int resourceVersion = 100;
    private volatile boolean changeAfterNextGet;
    private volatile boolean forbidden;

    public FakeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A kubeconfig for this server, written to the file. */
    public Path writeKubeconfig(Path file) throws IOException {
        return Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: admin
                  user:
                    token: %s
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: admin
                current-context: fake
                """.formatted(server.getAddress().getPort(), TOKEN));
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    /** The stored object at {@code <resource>/<name>}, or null. */
    public ObjectNode object(String resource, String name) {
        return objects.get(PREFIX + resource + "/" + name);
    }

    /** Someone else writes the object right after the next GET of it (the next replace conflicts). */
    public void changeAfterNextGet() {
        changeAfterNextGet = true;
    }

    /** Answer every request with 403. */
    public void forbidAll() {
        forbidden = true;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? null : ReviewCodec.MAPPER.readTree(raw);
        requests.add(new Request(method, path, exchange.getRequestHeaders().getFirst("Authorization"),
                body == null ? null : body.deepCopy()));
        if (forbidden || !("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            status(exchange, 403, "Forbidden", "admissionregistration is forbidden: User \"mallory\" cannot do that");
            return;
        }
        ObjectNode stored = objects.get(path);
        switch (method) {
            case "GET" -> {
                if (stored == null) {
                    status(exchange, 404, "NotFound", path + " not found");
                    return;
                }
                respond(exchange, 200, stored);
                if (changeAfterNextGet) {
                    changeAfterNextGet = false;
                    stamp(stored);
                }
            }
            case "POST" -> {
                String itemPath = path + "/" + body.at("/metadata/name").asString();
                if (objects.containsKey(itemPath)) {
                    status(exchange, 409, "AlreadyExists", itemPath + " already exists");
                    return;
                }
                ObjectNode created = (ObjectNode) body;
                stamp(created);
                objects.put(itemPath, created);
                respond(exchange, 201, created);
            }
            case "PUT" -> {
                if (stored == null) {
                    status(exchange, 404, "NotFound", path + " not found");
                    return;
                }
                if (!stored.at("/metadata/resourceVersion").asString().equals(
                        body.at("/metadata/resourceVersion").asString(""))) {
                    status(exchange, 409, "Conflict", "the object has been modified; please apply your changes to "
                            + "the latest version and try again");
                    return;
                }
                ObjectNode replaced = (ObjectNode) body;
                stamp(replaced);
                objects.put(path, replaced);
                respond(exchange, 200, replaced);
            }
            default -> status(exchange, 405, "MethodNotAllowed", method + " is not supported here");
        }
    }

    private void stamp(ObjectNode object) {
        ((ObjectNode) object.get("metadata")).put("resourceVersion", String.valueOf(++resourceVersion));
    }

    private static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
        ObjectNode status = ReviewCodec.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Status")
                .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        respond(exchange, code, status);
    }

    private static void respond(HttpExchange exchange, int code, JsonNode body) throws IOException {
        byte[] bytes = ReviewCodec.MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
