package dev.kapi.apiserver.admission.plugin.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named object types of the admission environment, as kube declares them ({@code BuildRequestType},
 * {@code BuildNamespaceType}): {@code request} is a {@code kubernetes.AdmissionRequest} and
 * {@code namespaceObject} a {@code kubernetes.Namespace}, so that {@code request.nme} does not compile. Their
 * values are JSON maps; a field the JSON leaves out is kube's {@code no such key} at run time. A provider
 * may hold more types (the policy's {@code variables}, schema types for type checking) and can be extended.
 */
final class AdmissionTypes implements CelTypeProvider {

    static final StructType REQUEST;
    static final StructType NAMESPACE;
    private static final Map<String, CelType> BUILT_IN = new LinkedHashMap<>();

    static {
        StructType gvk = struct("kubernetes.GroupVersionKind", fields(
                "group", SimpleType.STRING, "version", SimpleType.STRING, "kind", SimpleType.STRING));
        StructType gvr = struct("kubernetes.GroupVersionResource", fields(
                "group", SimpleType.STRING, "version", SimpleType.STRING, "resource", SimpleType.STRING));
        ListType strings = ListType.create(SimpleType.STRING);
        StructType user = struct("kubernetes.UserInfo", fields("username", SimpleType.STRING, "uid", SimpleType.STRING,
                "groups", strings, "extra", MapType.create(SimpleType.STRING, strings)));
        REQUEST = struct("kubernetes.AdmissionRequest", fields(
                "kind", gvk, "resource", gvr, "subResource", SimpleType.STRING, "requestKind", gvk,
                "requestResource", gvr, "requestSubResource", SimpleType.STRING, "name", SimpleType.STRING,
                "namespace", SimpleType.STRING, "operation", SimpleType.STRING, "userInfo", user,
                "dryRun", SimpleType.BOOL, "options", SimpleType.DYN));
        StructType spec = struct("kubernetes.NamespaceSpec", fields("finalizers", strings));
        StructType condition = struct("kubernetes.NamespaceCondition", fields(
                "status", SimpleType.STRING, "type", SimpleType.STRING, "lastTransitionTime", SimpleType.TIMESTAMP,
                "message", SimpleType.STRING, "reason", SimpleType.STRING));
        StructType status = struct("kubernetes.NamespaceStatus", fields(
                "conditions", ListType.create(condition), "phase", SimpleType.STRING));
        MapType stringMap = MapType.create(SimpleType.STRING, SimpleType.STRING);
        // kube declares the uid as "UID" (its JSON says "uid"): kept as kube has it
        StructType metadata = struct("kubernetes.NamespaceMetadata", fields(
                "name", SimpleType.STRING, "generateName", SimpleType.STRING, "namespace", SimpleType.STRING,
                "labels", stringMap, "annotations", stringMap, "UID", SimpleType.STRING,
                "creationTimestamp", SimpleType.TIMESTAMP, "deletionGracePeriodSeconds", SimpleType.INT,
                "deletionTimestamp", SimpleType.TIMESTAMP, "generation", SimpleType.INT,
                "resourceVersion", SimpleType.STRING, "finalizers", strings));
        NAMESPACE = struct("kubernetes.Namespace", fields("metadata", metadata, "spec", spec, "status", status));
    }

    private final Map<String, CelType> types;
    private final AdmissionTypes parent;

    /** The built-in types only. */
    AdmissionTypes() {
        this.types = new ConcurrentHashMap<>(BUILT_IN);
        this.parent = null;
    }

    private AdmissionTypes(Map<String, CelType> more, AdmissionTypes parent) {
        this.types = new ConcurrentHashMap<>(more);
        this.parent = parent;
    }

    /** These types (also those registered later) and {@code more}. */
    AdmissionTypes with(Map<String, CelType> more) {
        return new AdmissionTypes(more, this);
    }

    /** Registers a struct type made while checking (a schema type resolved on demand). */
    void register(CelType type) {
        types.put(type.name(), type);
    }

    static StructType struct(String name, Map<String, CelType> fields) {
        StructType t = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(fields.get(f)));
        BUILT_IN.put(name, t);
        return t;
    }

    static StructType variablesType(Map<String, CelType> fields) {
        Map<String, CelType> copy = Map.copyOf(fields);
        return StructType.create("kubernetes.variables", ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(copy.get(f)));
    }

    private static Map<String, CelType> fields(Object... nameTypePairs) {
        Map<String, CelType> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            m.put((String) nameTypePairs[i], (CelType) nameTypePairs[i + 1]);
        }
        return m;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        ImmutableList.Builder<CelType> all = ImmutableList.<CelType>builder().addAll(types.values());
        return parent == null ? all.build() : all.addAll(parent.types()).build();
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        CelType t = types.get(typeName);
        return t != null || parent == null ? Optional.ofNullable(t) : parent.findType(typeName);
    }
}
