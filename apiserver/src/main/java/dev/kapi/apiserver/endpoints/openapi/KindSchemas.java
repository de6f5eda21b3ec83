package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import tools.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Finds the schema of a kind: a registered resource's ({@link ResourceDefinition#schema()}), its list
 * kind's, or a subresource's kind among the built-in types ({@code autoscaling/v1 Scale}).
 */
final class KindSchemas {

    private final ResourceRegistry.Snapshot registry;

    KindSchemas(ResourceRegistry.Snapshot registry) {
        this.registry = registry;
    }

    /** The list definitions of custom kinds, one per kind schema (schemas compare by identity). */
    private static final Map<Schema, Schema> CUSTOM_LISTS = Collections.synchronizedMap(new WeakHashMap<>());

    /** {@code com.example.v1.WidgetList}: apiVersion, kind, ListMeta and the items of a custom kind. */
    private static Schema customList(Schema kind, String listKind) {
        return CUSTOM_LISTS.computeIfAbsent(kind, k -> {
            Schema list = SchemaBuilder.declare(k.name().substring(0, k.name().lastIndexOf('.') + 1) + listKind);
            SchemaBuilder.node().type("object")
                    .description("List of " + k.name().substring(k.name().lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)
                            + "s. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md")
                    .property("apiVersion", k.properties().get("apiVersion"))
                    .property("items", SchemaBuilder.node().type("array").items(k).build())
                    .property("kind", k.properties().get("kind"))
                    .property("metadata", BuiltInSchemas.meta("ListMeta"))
                    .required("items").define(list);
            return list;
        });
    }

    /** The schema of {@code gvk}, or null when no built-in type has that kind. */
    Schema find(ResourcePaths.Gvk gvk) {
        for (ResourceDefinition<?> d : registry.all()) {
            if (d.group().equals(gvk.group()) && d.version().equals(gvk.version()) && d.kind().equals(gvk.kind())) {
                return d.schema();
            }
        }
        return BuiltInSchemas.kind(gvk.group(), gvk.version(), gvk.kind());
    }

    /**
     * The schema of {@code d}'s list kind where a schema is used: a reference to its definition, tagged with
     * its group-version-kind, or (a type without a list class) an inline schema of the same shape.
     */
    ObjectNode listSchema(SchemaGenerator schemas, ResourceDefinition<?> d) {
        Schema list = d.custom() ? customList(d.schema(), d.listKind()) : BuiltInSchemas.listOf(d.type());
        if (list.definition() != null) {
            schemas.addGroupVersionKind(list.definition(), d.group(), d.version(), d.listKind());
        }
        return schemas.ref(list);
    }
}
