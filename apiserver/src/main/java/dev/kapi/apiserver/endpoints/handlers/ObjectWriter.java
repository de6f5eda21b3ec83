package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.endpoints.MediaTypes;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.registry.ListPage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Writes objects and lists in the negotiated {@link OutputFormat}. Lists stream item by item. */
public final class ObjectWriter {

    private ObjectWriter() {
    }

    public static void writeObject(RequestScope scope, int code, HasMetadata obj) throws IOException {
        OutputFormat format = OutputFormat.negotiate(scope.request().getHeader("Accept"));
        Object body = switch (format.kind()) {
            case TABLE -> TableConvertor.table(scope.definition(), format.metaVersion(), List.of(obj),
                    scope.param("includeObject"), null);
            case PARTIAL -> TableConvertor.partial(obj, format.metaVersion());
            case OBJECT -> obj;
        };
        Responses.write(scope.request(), scope.response(), code, body, format.yaml());
    }

    /** Writes any body (a Status, a Scale) as JSON with warnings. */
    public static void writeRaw(RequestScope scope, int code, Object body) throws IOException {
        Responses.write(scope.request(), scope.response(), code, body);
    }

    public static void writeList(RequestScope scope, ListPage<HasMetadata> page) throws IOException {
        OutputFormat format = OutputFormat.negotiate(scope.request().getHeader("Accept"));
        ObjectNode listMeta = listMeta(page);
        if (format.kind() == OutputFormat.Kind.TABLE) {
            Responses.write(scope.request(), scope.response(), 200, TableConvertor.table(scope.definition(),
                    format.metaVersion(), page.items(), scope.param("includeObject"), listMeta), format.yaml());
            return;
        }
        if (format.kind() == OutputFormat.Kind.PARTIAL) {
            ObjectNode list = Json.MAPPER.createObjectNode();
            list.put("kind", "PartialObjectMetadataList");
            list.put("apiVersion", "meta.k8s.io/" + format.metaVersion());
            list.set("metadata", listMeta);
            ArrayNode items = list.putArray("items");
            page.items().forEach(o -> items.add(TableConvertor.partial(o, format.metaVersion())));
            Responses.write(scope.request(), scope.response(), 200, list, format.yaml());
            return;
        }
        if (format.yaml()) {
            ObjectNode list = Json.MAPPER.createObjectNode();
            list.put("kind", scope.definition().listKind());
            list.put("apiVersion", scope.definition().apiVersion());
            list.set("metadata", listMeta);
            ArrayNode items = list.putArray("items");
            page.items().forEach(o -> items.add(item(scope, o)));
            Responses.write(scope.request(), scope.response(), 200, list, true);
            return;
        }
        AuditContext.of(scope.request()).responseObject(() -> {
            ObjectNode list = Json.MAPPER.createObjectNode();
            list.put("kind", scope.definition().listKind());
            list.put("apiVersion", scope.definition().apiVersion());
            list.set("metadata", listMeta);
            ArrayNode items = list.putArray("items");
            page.items().forEach(o -> items.add(item(scope, o)));
            return list;
        });
        scope.response().setStatus(200);
        scope.response().setContentType(MediaTypes.JSON);
        try (OutputStream out = scope.response().getOutputStream();
             JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("kind", scope.definition().listKind());
            g.writeStringProperty("apiVersion", scope.definition().apiVersion());
            g.writeName("metadata");
            g.writeTree(listMeta);
            g.writeArrayPropertyStart("items");
            boolean typed = typedItems(scope);
            for (HasMetadata item : page.items()) {
                if (typed) {
                    g.writePOJO(item);
                } else {
                    g.writeRawValue(new String(itemBytes(scope, item), StandardCharsets.UTF_8));
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * Whether the items of the scope's lists carry {@code kind} and {@code apiVersion}: only a custom resource's
     * do. kube converts a built-in kind's items to the served version without their type (its Go structs leave an
     * unset TypeMeta out), and keeps the type of a custom resource's, which are untyped maps.
     */
    static boolean typedItems(RequestScope scope) {
        return scope.definition().custom();
    }

    /** An item of a list as kube writes it ({@link #typedItems}). */
    static JsonNode item(RequestScope scope, HasMetadata obj) {
        JsonNode tree = Json.tree(obj);
        if (!typedItems(scope) && tree instanceof ObjectNode o) {
            o.remove("kind");
            o.remove("apiVersion");
        }
        return tree;
    }

    /** {@link #item} as JSON: Jackson's bytes without the leading type, as fast as writing the object itself. */
    static byte[] itemBytes(RequestScope scope, HasMetadata obj) {
        byte[] json = Json.bytes(obj);
        if (typedItems(scope)) {
            return json;
        }
        byte[] type = ("{\"apiVersion\":\"" + scope.definition().apiVersion() + "\",\"kind\":\""
                + scope.definition().kind() + "\",").getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(json, 0, Math.min(type.length, json.length), type, 0, type.length)) {
            return Json.bytes(item(scope, obj)); // not in Jackson's usual order: take the type out of the tree
        }
        byte[] out = new byte[json.length - type.length + 1];
        out[0] = '{';
        System.arraycopy(json, type.length, out, 1, json.length - type.length);
        return out;
    }

    static ObjectNode listMeta(ListPage<?> page) {
        ObjectNode meta = Json.MAPPER.createObjectNode();
        meta.put("resourceVersion", page.resourceVersion());
        if (page.continueToken() != null) {
            meta.put("continue", page.continueToken());
        }
        if (page.remainingItemCount() != null) {
            meta.put("remainingItemCount", page.remainingItemCount());
        }
        return meta;
    }
}
