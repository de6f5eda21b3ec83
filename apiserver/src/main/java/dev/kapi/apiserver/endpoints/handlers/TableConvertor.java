package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.TableRowCondition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Builds {@code meta.k8s.io} Tables from a resource's {@link TableColumn}s: the column definitions, one
 * row per object with its cells, its {@link TableRowCondition}s and, by {@code includeObject} (None, Metadata — the default — or
 * Object), the object's metadata or the whole object.
 */
public final class TableConvertor {

    private TableConvertor() {
    }

    /**
     * Refuses an {@code includeObject} that is not None, Metadata, Object or empty with kube's 400, before
     * anything is read or streamed.
     */
    public static void checkIncludeObject(String includeObject) {
        if (includeObject == null || includeObject.isEmpty() || includeObject.equals("None")
                || includeObject.equals("Metadata") || includeObject.equals("Object")) {
            return;
        }
        throw StatusError.badRequest("Unable to convert to Table as requested: includeObject: Invalid value: "
                + GoQuote.quote(includeObject) + ": must be 'Metadata', 'Object', 'None', or empty");
    }

    public static ObjectNode table(ResourceDefinition<HasMetadata> def, String metaVersion, List<HasMetadata> objects,
                                   String includeObject, ObjectNode listMeta) {
        checkIncludeObject(includeObject);
        ObjectNode table = Json.MAPPER.createObjectNode();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/" + metaVersion);
        table.set("metadata", listMeta == null ? Json.MAPPER.createObjectNode() : listMeta);
        ArrayNode cols = table.putArray("columnDefinitions");
        List<TableColumn<HasMetadata>> columns = def.strategy().tableColumns();
        for (TableColumn<HasMetadata> c : columns) {
            ObjectNode col = cols.addObject();
            col.put("name", c.name());
            col.put("type", c.type());
            col.put("format", c.format());
            col.put("description", c.description());
            col.put("priority", c.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (HasMetadata obj : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (TableColumn<HasMetadata> c : columns) {
                Object v;
                try {
                    v = c.cell().apply(obj);
                } catch (RuntimeException e) {
                    v = "<unknown>";
                }
                cells.add(Json.tree(v == null ? "<none>" : v));
            }
            List<TableRowCondition> conditions = def.strategy().tableRowConditions(obj);
            if (!conditions.isEmpty()) {
                ArrayNode conds = row.putArray("conditions");
                for (TableRowCondition c : conditions) {
                    conds.addObject().put("type", c.type()).put("status", c.status()).put("reason", c.reason())
                            .put("message", c.message());
                }
            }
            if ("None".equals(includeObject)) {
                continue;
            }
            if ("Object".equals(includeObject)) {
                row.set("object", Json.tree(obj));
            } else {
                row.set("object", partial(obj, metaVersion));
            }
        }
        return table;
    }

    /** An object's {@code PartialObjectMetadata}: apiVersion meta.k8s.io/v1, kind, metadata. */
    public static ObjectNode partial(HasMetadata obj, String metaVersion) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", "meta.k8s.io/" + (metaVersion == null ? "v1" : metaVersion));
        p.set("metadata", Json.tree(obj.getMetadata()));
        return p;
    }
}
