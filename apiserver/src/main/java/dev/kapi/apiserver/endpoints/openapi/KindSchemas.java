package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finds the schema of a kind: a registered resource's ({@link ResourceDefinition#schema()}), its list
 * kind's, or a subresource's kind among the built-in types ({@code autoscaling/v1 Scale}).
 */
final class KindSchemas {

    private final ResourceRegistry.Snapshot registry;

    KindSchemas(ResourceRegistry.Snapshot registry) {
        this.registry = registry;
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
        Schema list = BuiltInSchemas.listOf(d.type());
        if (list.definition() != null) {
            schemas.addGroupVersionKind(list.definition(), d.group(), d.version(), d.listKind());
        }
        return schemas.ref(list);
    }
}
