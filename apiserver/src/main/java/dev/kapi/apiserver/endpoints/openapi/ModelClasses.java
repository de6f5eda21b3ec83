package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import io.fabric8.kubernetes.api.model.ListMeta;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * Finds the fabric8 class of a kind: a registered resource's type, its {@code <Kind>List} class, or the
 * class of a subresource's kind ({@code autoscaling/v1 Scale} →
 * {@code io.fabric8.kubernetes.api.model.autoscaling.v1.Scale}).
 */
final class ModelClasses {

    private final ResourceRegistry.Snapshot registry;

    ModelClasses(ResourceRegistry.Snapshot registry) {
        this.registry = registry;
    }

    /** The class of {@code gvk}, or null when fabric8 has none on the classpath. */
    Class<?> find(ResourcePaths.Gvk gvk) {
        for (ResourceDefinition<?> d : registry.all()) {
            if (d.group().equals(gvk.group()) && d.version().equals(gvk.version()) && d.kind().equals(gvk.kind())) {
                return d.type();
            }
        }
        String base = KubeSchemaNames.FABRIC8;
        if (gvk.group().isEmpty()) {
            return load(base + "." + gvk.kind());
        }
        String pkg = base + "." + gvk.group().split("\\.")[0].toLowerCase(Locale.ROOT);
        Class<?> c = load(pkg + "." + gvk.version() + "." + gvk.kind());
        return c != null ? c : load(pkg + "." + gvk.kind());
    }

    /**
     * A reference to the schema of {@code d}'s list kind, tagged with its group-version-kind; when fabric8
     * has no {@code <Kind>List} class, an inline schema of the same shape.
     */
    ObjectNode listSchema(SchemaGenerator schemas, ResourceDefinition<?> d) {
        Class<?> list = load(d.type().getName() + "List");
        if (list != null) {
            schemas.addGroupVersionKind(list, d.group(), d.version(), d.listKind());
            return schemas.ref(list);
        }
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "object");
        ObjectNode props = n.putObject("properties");
        props.putObject("apiVersion").put("type", "string");
        props.putObject("kind").put("type", "string");
        props.set("metadata", schemas.ref(ListMeta.class));
        ObjectNode items = props.putObject("items");
        items.put("type", "array");
        items.set("items", schemas.ref(d.type()));
        n.putArray("required").add("items");
        return n;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ModelClasses.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
