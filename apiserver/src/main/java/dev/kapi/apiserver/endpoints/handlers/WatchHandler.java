package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.MediaTypes;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A watch ({@code ?watch=true} or the legacy {@code /watch/} paths): a chunked stream of JSON lines
 * {@code {"type":..,"object":..}} until {@code timeoutSeconds} (default 30 to 60 minutes, as
 * kube-apiserver's min-request-timeout) or the client leaves. It runs on a virtual thread that is parked
 * while nothing happens, so idle watches hold no platform thread. A WebSocket upgrade request gets the
 * same plain stream with 200.
 */
public final class WatchHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        OutputFormat format = OutputFormat.negotiate(scope.request().getHeader("Accept"));
        long timeoutMillis = timeoutMillis(scope);
        String name = scope.name();
        WatchParams<HasMetadata> params = new WatchParams<>(nameFilter(SelectorFilter.of(scope), name),
                ListHandler.orEmpty(scope.param("resourceVersion")),
                ListHandler.orEmpty(scope.param("resourceVersionMatch")),
                isTrue(scope.param("allowWatchBookmarks")), bool(scope.param("sendInitialEvents")));
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try (StoreWatch<HasMetadata> watch = scope.store().watcher().open(scope.namespace(), params)) {
            scope.flushWarnings();
            scope.response().setStatus(200);
            scope.response().setContentType(format.kind() == OutputFormat.Kind.TABLE
                    ? "application/json;as=Table;v=" + format.metaVersion() + ";g=meta.k8s.io" : MediaTypes.JSON);
            scope.response().flushBuffer();
            OutputStream out = scope.response().getOutputStream();
            boolean first = true;
            while (!watch.isClosed()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                List<ApiWatchEvent> events = watch.poll(Math.min(left, 30_000));
                if (events.isEmpty()) {
                    continue;
                }
                for (ApiWatchEvent e : events) {
                    out.write(encode(scope, format, e, first));
                    out.write('\n');
                    first = false;
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client disconnected; closing the watch (try-with-resources) releases everything
        }
    }

    private static final byte[] OBJECT_FIELD = ",\"object\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static byte[] encode(RequestScope scope, OutputFormat format, ApiWatchEvent e, boolean first) {
        if (e.encoded() != null && format.kind() == OutputFormat.Kind.OBJECT) {
            // {"type":"MODIFIED","object":<the JSON every watcher of this change shares>}
            byte[] type = ("{\"type\":\"" + e.type() + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] object = e.encoded().json();
            byte[] line = new byte[type.length + OBJECT_FIELD.length + object.length + 1];
            System.arraycopy(type, 0, line, 0, type.length);
            System.arraycopy(OBJECT_FIELD, 0, line, type.length, OBJECT_FIELD.length);
            System.arraycopy(object, 0, line, type.length + OBJECT_FIELD.length, object.length);
            line[line.length - 1] = '}';
            return line;
        }
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("type", e.type());
        Object object = e.object();
        if (object instanceof HasMetadata obj && !e.type().equals("BOOKMARK")) {
            if (format.kind() == OutputFormat.Kind.TABLE) {
                ObjectNode table = TableConvertor.table(scope.definition(), format.metaVersion(), List.of(obj),
                        scope.param("includeObject"), null);
                if (!first) {
                    table.set("columnDefinitions", Json.MAPPER.createArrayNode());
                }
                line.set("object", table);
            } else if (format.kind() == OutputFormat.Kind.PARTIAL) {
                line.set("object", TableConvertor.partial(obj, format.metaVersion()));
            } else {
                line.set("object", Json.tree(obj));
            }
        } else {
            line.set("object", Json.tree(object));
        }
        return Json.MAPPER.writeValueAsBytes(line);
    }

    /** A watch of one named object ({@code fieldSelector=metadata.name=x} or the legacy path with a name). */
    private static java.util.function.Predicate<HasMetadata> nameFilter(
            java.util.function.Predicate<HasMetadata> filter, String name) {
        if (name == null || name.isEmpty()) {
            return filter;
        }
        java.util.function.Predicate<HasMetadata> byName = o -> name.equals(o.getMetadata().getName());
        return filter == null ? byName : filter.and(byName);
    }

    private static long timeoutMillis(RequestScope scope) {
        String t = scope.param("timeoutSeconds");
        if (t == null || t.isEmpty()) {
            return 1_800_000L + ThreadLocalRandom.current().nextLong(1_800_000L);
        }
        try {
            return Math.max(0, Long.parseLong(t)) * 1000;
        } catch (NumberFormatException e) {
            throw StatusError.badRequest("invalid timeoutSeconds: \"" + t + "\"");
        }
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("true") || v.equals("1"));
    }

    private static Boolean bool(String v) {
        return v == null || v.isEmpty() ? null : isTrue(v);
    }

}
