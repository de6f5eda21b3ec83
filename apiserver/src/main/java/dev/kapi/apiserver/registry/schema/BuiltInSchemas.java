package dev.kapi.apiserver.registry.schema;

import dev.kapi.apiserver.api.schema.KubeSchemaNames;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The structural schemas of the built-in types, built from one source: the fabric8 model classes the
 * server decodes into ({@link ClassSchemas}) plus kube's patch strategies ({@link PatchStrategies}) and
 * list, map and struct types ({@link ListSemantics}). Each class's schema is built once, on first use, and
 * shared: a {@code ResourceDefinition}'s schema, the OpenAPI documents, unknown-field detection, strategic
 * merge patch and server-side apply all get the same nodes. Thread-safe; a lookup of a schema already built
 * takes no lock.
 */
public final class BuiltInSchemas {

    private static final ClassSchemas BUILDER = new ClassSchemas();
    private static final Map<Class<?>, Schema> BUILT = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Schema> LISTS = new ConcurrentHashMap<>();

    private BuiltInSchemas() {
    }

    /** The schema of values of {@code type}: a definition for a fabric8 model class. */
    public static Schema of(Class<?> type) {
        Schema s = BUILT.get(type);
        if (s != null) {
            return s;
        }
        synchronized (BUILDER) {
            s = BUILDER.schemaOf(type);
            BUILDER.drain(BUILT::put);
            BUILT.putIfAbsent(type, s);
        }
        return s;
    }

    /**
     * The schema of the kind {@code group/version, Kind=kind} among fabric8's classes
     * ({@code autoscaling/v1 Scale}, {@code policy/v1 Eviction}), or null when there is none.
     */
    public static Schema kind(String group, String version, String kind) {
        String base = KubeSchemaNames.FABRIC8;
        if (group.isEmpty()) {
            return ofLoaded(base + "." + kind);
        }
        String pkg = base + "." + group.split("\\.")[0].toLowerCase(Locale.ROOT);
        Schema s = ofLoaded(pkg + "." + version + "." + kind);
        return s != null ? s : ofLoaded(pkg + "." + kind);
    }

    /** A meta/v1 type by name ({@code DeleteOptions}, {@code Status}, {@code Patch}, {@code ListMeta}). */
    public static Schema meta(String kind) {
        Schema s = ofLoaded(KubeSchemaNames.FABRIC8 + "." + kind);
        if (s == null) {
            throw new IllegalArgumentException("no meta/v1 type " + kind);
        }
        return s;
    }

    /**
     * The schema of the list kind of {@code type}: fabric8's {@code <Kind>List} class, or, when it has
     * none, an anonymous object of the same shape (apiVersion, kind, metadata, items; items required).
     */
    public static Schema listOf(Class<?> type) {
        return LISTS.computeIfAbsent(type, t -> {
            Schema named = ofLoaded(t.getName() + "List");
            if (named != null) {
                return named;
            }
            return SchemaBuilder.node().type("object")
                    .property("apiVersion", of(String.class))
                    .property("kind", of(String.class))
                    .property("metadata", meta("ListMeta"))
                    .property("items", SchemaBuilder.node().type("array").items(of(t)).build())
                    .required("items").build();
        });
    }

    private static Schema ofLoaded(String className) {
        try {
            return of(Class.forName(className, false, BuiltInSchemas.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
