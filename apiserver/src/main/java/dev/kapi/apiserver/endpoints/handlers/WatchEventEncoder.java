package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes the events of one watch as JSON {@code {"type":..,"object":..}} in the negotiated output format
 * (the objects, Table rows or PartialObjectMetadata). Everything it needs from the request is read when it
 * is made, so it keeps working after the request is gone (a WebSocket watch outlives its HTTP request).
 * Not thread-safe: one watch, one writer.
 */
final class WatchEventEncoder {

    private static final byte[] OBJECT_END = "}\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] NONE = {};

    private final ResourceDefinition<HasMetadata> definition;
    private final OutputFormat format;
    private final String includeObject;
    private boolean first = true;

    WatchEventEncoder(RequestScope scope, OutputFormat format) {
        this(scope.definition(), format, scope.param("includeObject"));
    }

    WatchEventEncoder(ResourceDefinition<HasMetadata> definition, OutputFormat format, String includeObject) {
        this.definition = definition;
        this.format = format;
        this.includeObject = includeObject;
    }

    /** The Content-Type of the watch response. */
    String contentType() {
        return format.kind() == OutputFormat.Kind.TABLE
                ? "application/json;as=Table;v=" + format.metaVersion() + ";g=meta.k8s.io" : dev.kapi.apiserver.endpoints.MediaTypes.JSON;
    }

    /**
     * One event's line: {@code {"type":..,"object":..}} and the newline that ends it, in three parts written
     * one after the other. The middle part is the object's JSON that every watcher of the change shares
     * (empty when the event was encoded for this watch alone), so a writer never copies it.
     */
    record Line(byte[] head, byte[] shared, byte[] tail) {

        int length() {
            return head.length + shared.length + tail.length;
        }

        /** The line as text (a WebSocket message). */
        String text() {
            return new String(head, StandardCharsets.UTF_8) + new String(shared, StandardCharsets.UTF_8)
                    + new String(tail, StandardCharsets.UTF_8);
        }
    }

    /** The next event's line; only the first Table event carries column definitions. */
    Line line(ApiWatchEvent e) {
        boolean isFirst = first;
        first = false;
        if (e.encoded() != null && format.kind() == OutputFormat.Kind.OBJECT) {
            // {"type":"MODIFIED","object":<the JSON every watcher of this change shares>}
            byte[] head = ("{\"type\":\"" + e.type() + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
            return new Line(head, e.encoded().json(), OBJECT_END);
        }
        return new Line(encodeOwn(e, isFirst), NONE, NEWLINE);
    }

    /** The event as JSON encoded for this watch (the object converted to its Table row or metadata). */
    private byte[] encodeOwn(ApiWatchEvent e, boolean isFirst) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("type", e.type());
        Object object = e.object();
        if (object instanceof HasMetadata obj && !e.type().equals("BOOKMARK")) {
            if (format.kind() == OutputFormat.Kind.TABLE) {
                ObjectNode table = TableConvertor.table(definition, format.metaVersion(), List.of(obj),
                        includeObject, null);
                if (!isFirst) {
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
}
