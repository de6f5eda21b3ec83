package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.endpoints.decoding.UnmappedFields;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds and removes the fields a decoded object has that its {@link Schema} does not know, reporting each
 * by its path ({@code spec.foo}, {@code spec.containers[0].bar}) so that unknown fields are never stored
 * (kube-apiserver prunes them too). The walk follows the schema, only into fields that can hold objects. Two
 * shapes of decoded object are read: Jackson beans (typed objects), whose unknown fields are what their
 * {@code @JsonAnyGetter} map caught, or what {@link UnmappedFields} recorded for a class without one
 * ({@link BeanPlan}), and maps (untyped objects), whose keys the schema does not list are unknown. A map's key
 * is a step as a field is ({@code openAPIV3Schema.properties.spec.x}, {@code spec.byName.x.port}), as both kube's
 * strict JSON decoder (built-in types) and its pruning (custom resources) write it; a list index is {@code [i]}.
 */
public final class UnknownFields {

    /** What a read without recording leaves: nothing recorded (only ever read). */
    private static final UnmappedFields NONE_UNMAPPED = new UnmappedFields();

    private UnknownFields() {
    }

    /**
     * Returns the paths of the unknown fields of {@code root}, an object of schema {@code schema}, and removes
     * them: an object's own unknown fields first, then those below it in its schema's field order.
     */
    public static List<String> prune(Object root, Schema schema) {
        return prune(root, schema, NONE_UNMAPPED);
    }

    /** As {@link #prune(Object, Schema)}, for an object read with {@code unmapped} recording. */
    public static List<String> prune(Object root, Schema schema, UnmappedFields unmapped) {
        Walk walk = new Walk(new ArrayList<>(0), unmapped);
        walk(root, schema, null, walk);
        return walk.paths();
    }

    /** One walk: the paths found so far, and the fields the read recorded for beans without a catch-all map. */
    record Walk(List<String> paths, UnmappedFields unmapped) {
    }

    /**
     * Where a value sits: its parent's path and its own step ({@code .name} or {@code .key}, or {@code [index]}
     * when {@code bracket}), rendered only when an unknown field is found below it (most objects have none).
     */
    record Path(Path parent, boolean bracket, Object step) {
        static String render(Path path) {
            if (path == null) {
                return "";
            }
            String p = render(path.parent);
            if (path.bracket) {
                return p + "[" + path.step + "]";
            }
            return p.isEmpty() ? String.valueOf(path.step) : p + "." + path.step;
        }

        static String child(Path path, Object field) {
            String p = render(path);
            return p.isEmpty() ? String.valueOf(field) : p + "." + field;
        }
    }

    /** Walks {@code value}, whose schema is {@code schema}. */
    static void walk(Object value, Schema schema, Path path, Walk walk) {
        if (value == null || schema == null || value instanceof String || value instanceof Number
                || value instanceof Boolean) {
            return;
        }
        if (value instanceof List<?> list) {
            Schema items = schema.items();
            if (items != null) {
                int i = 0;
                for (Object item : list) {
                    walk(item, items, new Path(path, true, i), walk);
                    i++;
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            walkMap(map, schema, path, walk);
        } else {
            BeanPlan.of(value.getClass(), schema).walk(value, path, walk);
        }
    }

    /** A map: a map's values ({@code .key}), or an untyped object's fields, whose unknown keys are removed. */
    private static void walkMap(Map<?, ?> map, Schema schema, Path path, Walk walk) {
        Schema values = schema.additionalProperties();
        if (values != null) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                walk(e.getValue(), values, new Path(path, false, e.getKey()), walk);
            }
            return;
        }
        if (!"object".equals(schema.type())) {
            return; // free-form (preserved) or of another type: nothing to prune here
        }
        boolean keepUnknown = schema.preserveUnknownFields();
        for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<?, ?> e = it.next();
            Schema field = schema.properties().get(String.valueOf(e.getKey()));
            if (field != null) {
                walk(e.getValue(), field, new Path(path, false, e.getKey()), walk);
            } else if (!keepUnknown) {
                walk.paths().add(Path.child(path, e.getKey()));
                it.remove();
            }
        }
    }
}
