package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Table columns of a custom resource (kube's {@code tableconvertor}): Name, then the version's
 * {@code additionalPrinterColumns} (or Age when it declares none). A cell is the first value the column's
 * JSONPath finds, as its type wants it: strings as printed, integers and numbers as numbers, booleans,
 * dates as an age ({@code 5m}); a missing value is an empty cell.
 */
final class PrinterColumns {

    private PrinterColumns() {
    }

    static List<TableColumn<GenericKubernetesResource>> of(List<CustomResourceColumnDefinition> declared) {
        List<TableColumn<GenericKubernetesResource>> columns = new ArrayList<>();
        columns.add(TableColumn.nameColumn());
        if (declared == null || declared.isEmpty()) {
            columns.add(TableColumn.ageColumn());
            return columns;
        }
        RowTree rows = new RowTree();
        for (CustomResourceColumnDefinition c : declared) {
            JsonPath path = JsonPath.compile(c.getJsonPath());
            String type = c.getType();
            columns.add(new TableColumn<>(c.getName(), type, Objects.toString(c.getFormat(), ""),
                    description(c), c.getPriority() == null ? 0 : c.getPriority(),
                    obj -> cell(type, path.find(rows.of(obj)))));
        }
        return columns;
    }

    /** The column's description, or kube's when it has none (naming its JSONPath). */
    private static String description(CustomResourceColumnDefinition c) {
        String d = c.getDescription();
        return d != null && !d.isEmpty() ? d
                : "Custom resource definition column (in JSONPath format): " + c.getJsonPath();
    }

    /**
     * The JSON tree of the row being rendered, built once for all of its columns: the columns of a row are
     * computed one after another for the same object, so the last object's tree is kept (per thread, since
     * concurrent requests render tables of the same resource).
     */
    private static final class RowTree {
        private record Last(GenericKubernetesResource obj, JsonNode tree) {
        }

        private final ThreadLocal<Last> last = new ThreadLocal<>();

        JsonNode of(GenericKubernetesResource obj) {
            Last l = last.get();
            if (l == null || l.obj() != obj) {
                l = new Last(obj, Json.tree(obj));
                last.set(l);
            }
            return l.tree();
        }
    }

    private static Object cell(String type, List<JsonNode> found) {
        if (found.isEmpty()) {
            return null;
        }
        JsonNode v = found.get(0);
        return switch (type) {
            case "integer" -> v.isIntegralNumber() ? (Object) v.asLong()
                    : v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) ? (Object) (long) v.asDouble() : null;
            case "number" -> v.isNumber() ? (Object) v.numberValue() : null;
            case "boolean" -> v.isBoolean() ? (Object) v.asBoolean() : null;
            case "date" -> v.isString() ? age(v.asString()) : null;
            default -> v.isString() ? v.asString() : v.isValueNode() ? v.asString() : Json.string(v);
        };
    }

    private static String age(String timestamp) {
        try {
            Instant.parse(timestamp);
            return TableColumn.age(timestamp);
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }
}
