package dev.kapi.apiserver.registry.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The list, map and struct semantics of the built-in types: the {@code +listType=}, {@code +listMapKey=},
 * {@code +mapType=} and {@code +structType=} comment markers of the Kubernetes Go types, which kube's OpenAPI
 * publishes as {@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys} and
 * {@code x-kubernetes-map-type} (a struct's {@code structType} is its map type). Server-side apply merges
 * by them: a list of type {@code map} element by element under its keys, a {@code set} by value, anything
 * {@code atomic} as a whole.
 *
 * <p>Keyed by kube's group, version and Go type name ({@code core.v1.Container}, {@code meta.v1.ObjectMeta},
 * {@code apiextensions.v1.JSONSchemaProps}: the last three parts of its OpenAPI name) and the JSON field
 * name. A marker on a field is listed under that field, also under every type that embeds its type inline
 * (Go's {@code json:",inline"}, which fabric8 flattens: {@code Volume} has the fields of
 * {@code VolumeSource}); a marker on a type is listed under the type and belongs on its definition. The
 * data ({@link ListSemanticsCore}, {@link ListSemanticsGroups}) was read from the markers in
 * kubernetes/api, apimachinery's meta/v1, apiextensions-apiserver and kube-aggregator at their July 2026
 * master (kubernetes/api 10b39a39), for the types and fields fabric8 8.0.0 has classes for, and checked
 * against the OpenAPI kube v1.35.0 publishes (api/openapi-spec/swagger.json: every marker it publishes for
 * these types agrees, but for PodStatus.nodeAllocatableResourceClaimStatuses, atomic then, a map since).
 * Fields and types not listed have no marker.
 */
final class ListSemantics {

    /** A field's list type, list-map keys and map type; strings empty and keys empty when unset. */
    record Semantics(String listType, List<String> listMapKeys, String mapType) {
    }

    /** "group.version.Type.field" → semantics. */
    private static final Map<String, Semantics> FIELDS = new HashMap<>();
    /** "group.version.Type" → the type's map type. */
    private static final Map<String, String> TYPES = new HashMap<>();

    static {
        Table t = new Table();
        ListSemanticsCore.load(t);
        ListSemanticsGroups.load(t);
    }

    /**
     * "group.version.Type.field" → the default kube's OpenAPI publishes for a key field of a keyed list
     * ({@code +default=}): an element that omits the field is identified with the default, as structured-merge-diff
     * identifies it, so an applied {@code containerPort: 80} is the live {@code 80/TCP} port.
     */
    private static final Map<String, String> KEY_DEFAULTS = Map.of(
            "core.v1.ContainerPort.protocol", "TCP",
            "core.v1.ServicePort.protocol", "TCP");

    private ListSemantics() {
    }

    /** The published default of a list-map key field, or null. */
    static String keyDefault(String kubeName, String jsonField) {
        return KEY_DEFAULTS.get(key(kubeName) + "." + jsonField);
    }

    /** The semantics of field {@code jsonField} of the type kube's OpenAPI names {@code kubeName}, or null. */
    static Semantics of(String kubeName, String jsonField) {
        return FIELDS.get(key(kubeName) + "." + jsonField);
    }

    /** The map type of the type kube's OpenAPI names {@code kubeName} ({@code atomic}), or empty. */
    static String typeMapType(String kubeName) {
        return TYPES.getOrDefault(key(kubeName), "");
    }

    /** Every "group.version.Type.field" listed (for tests that check each names a real field). */
    static Set<String> fields() {
        return Set.copyOf(FIELDS.keySet());
    }

    /** Every "group.version.Type" with a map type of its own. */
    static Set<String> types() {
        return Set.copyOf(TYPES.keySet());
    }

    /** {@code io.k8s.api.core.v1.PodSpec} → {@code core.v1.PodSpec}. */
    private static String key(String kubeName) {
        int type = kubeName.lastIndexOf('.');
        int version = type < 0 ? -1 : kubeName.lastIndexOf('.', type - 1);
        int group = version < 0 ? -1 : kubeName.lastIndexOf('.', version - 1);
        return kubeName.substring(group + 1);
    }

    /** How the data files fill the table: {@link #in} a group's versions, then the fields or types. */
    static final class Table {

        private String group = "";
        private List<String> versions = List.of();

        private Table() {
        }

        /** The group and versions the entries that follow belong to. */
        void in(String group, String... versions) {
            this.group = group;
            this.versions = List.of(versions);
        }

        /** Lists of type {@code map} keyed by {@code keys} (comma separated, in kube's order). */
        void map(String keys, String... fields) {
            put(new Semantics("map", List.of(keys.split(",")), ""), fields);
        }

        /** Lists of type {@code set}. */
        void set(String... fields) {
            put(new Semantics("set", List.of(), ""), fields);
        }

        /** Lists of type {@code atomic}. */
        void atomic(String... fields) {
            put(new Semantics("atomic", List.of(), ""), fields);
        }

        /** Map or struct fields of map type {@code atomic}. */
        void atomicMap(String... fields) {
            put(new Semantics("", List.of(), "atomic"), fields);
        }

        /** Map or struct fields of map type {@code granular} (overriding an atomic type, for a struct). */
        void granularMap(String... fields) {
            put(new Semantics("", List.of(), "granular"), fields);
        }

        /** Types whose definition has map type {@code atomic} (kube's {@code +structType=atomic}). */
        void atomicType(String... types) {
            putTypes("atomic", types);
        }

        /** Types whose definition has map type {@code granular}. */
        void granularType(String... types) {
            putTypes("granular", types);
        }

        private void put(Semantics semantics, String... fields) {
            for (String v : versions) {
                for (String f : fields) {
                    if (FIELDS.put(group + "." + v + "." + f, semantics) != null) {
                        throw new IllegalStateException("listed twice: " + group + "." + v + "." + f);
                    }
                }
            }
        }

        private void putTypes(String mapType, String... types) {
            for (String v : versions) {
                for (String type : types) {
                    if (TYPES.put(group + "." + v + "." + type, mapType) != null) {
                        throw new IllegalStateException("listed twice: " + group + "." + v + "." + type);
                    }
                }
            }
        }
    }
}
