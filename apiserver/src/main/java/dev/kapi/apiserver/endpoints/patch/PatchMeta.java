package dev.kapi.apiserver.endpoints.patch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The strategic-merge-patch schema of the built-in types: for a field of a fabric8 model class, its
 * patch strategy and merge key (the {@code patchStrategy} / {@code patchMergeKey} struct tags of the
 * Kubernetes Go types) and the schema of its value (of its elements for a list, of its values for a map).
 * Field types come from reflection over the fabric8 classes; strategies from the table below, keyed by the
 * simple name of the fabric8 class that declares the field. Anything unknown (a class not in the table,
 * {@code Object}-typed fields, untyped maps) has no strategy, so its lists are replaced, as kube does for
 * unstructured objects.
 */
public final class PatchMeta {

    /** Patch metadata of one field: {@code merge} (lists merged by key or unioned), {@code replace}, retainKeys. */
    public record FieldMeta(boolean merge, boolean replace, boolean retainKeys, String mergeKey, Schema schema) {

        static final FieldMeta UNKNOWN = new FieldMeta(false, false, false, "", Schema.UNKNOWN);
    }

    /** The Java type a JSON object is decoded to: a bean class, a map's value type, or unknown. */
    public static final class Schema {

        static final Schema UNKNOWN = new Schema(null, false);

        private final Class<?> type;
        private final boolean mapValues;

        private Schema(Class<?> type, boolean mapValues) {
            this.type = type;
            this.mapValues = mapValues;
        }

        /** Schema of the fields of this model class. */
        public static Schema of(Class<?> type) {
            return type == null ? UNKNOWN : new Schema(type, false);
        }

        /** Patch metadata of the JSON field {@code name} of an object of this schema. */
        public FieldMeta field(String name) {
            if (type == null) {
                return FieldMeta.UNKNOWN;
            }
            if (mapValues) {
                return new FieldMeta(false, false, false, "", of(type));
            }
            return fieldsOf(type).getOrDefault(name, FieldMeta.UNKNOWN);
        }

        @Override
        public String toString() {
            return type == null ? "unknown" : (mapValues ? "map of " : "") + type.getSimpleName();
        }
    }

    /** (declaring fabric8 class simple name "." json field) → "strategy[,retainKeys]:mergeKey". */
    private static final Map<String, String> TAGS = new HashMap<>();

    private static void tag(String strategy, String mergeKey, String... fields) {
        for (String f : fields) {
            TAGS.put(f, strategy + ":" + mergeKey);
        }
    }

    static {
        // meta/v1
        tag("merge", "", "ObjectMeta.finalizers");
        tag("merge", "uid", "ObjectMeta.ownerReferences");
        // core/v1
        tag("merge", "name", "PodSpec.containers", "PodSpec.initContainers", "PodSpec.ephemeralContainers",
                "PodSpec.imagePullSecrets", "PodSpec.schedulingGates", "PodSpec.evictionResponders",
                "ServiceAccount.secrets", "ContainerStatus.allocatedResourcesStatus");
        tag("merge,retainKeys", "name", "PodSpec.volumes", "PodSpec.resourceClaims",
                "PodStatus.resourceClaimStatuses");
        tag("merge", "ip", "PodSpec.hostAliases", "PodStatus.hostIPs", "PodStatus.podIPs");
        tag("merge", "topologyKey", "PodSpec.topologySpreadConstraints");
        for (String c : new String[]{"Container", "EphemeralContainer"}) {
            tag("merge", "containerPort", c + ".ports");
            tag("merge", "name", c + ".env");
            tag("merge", "mountPath", c + ".volumeMounts");
            tag("merge", "devicePath", c + ".volumeDevices");
        }
        tag("merge", "mountPath", "ContainerStatus.volumeMounts");
        tag("merge", "status", "VolumeHealthStatus.healthConditions", "PodVolumeHealth.healthConditions");
        tag("merge", "resourceClaimName", "PodStatus.nodeAllocatableResourceClaimStatuses");
        tag("merge", "port", "ServiceSpec.ports");
        tag("merge", "", "NodeSpec.podCIDRs");
        tag("merge", "type", "NodeStatus.addresses");
        tag("merge", "name", "NodeAllocatableResourceClaimStatus.mapping",
                "NodeAllocatableResourceClaimStatus.overhead");
        // status conditions, by type
        for (String s : new String[]{"PodStatus", "PersistentVolumeClaimStatus", "ReplicationControllerStatus",
                "ServiceStatus", "NodeStatus", "NamespaceStatus", "ComponentStatus", "StatefulSetStatus",
                "DeploymentStatus", "DaemonSetStatus", "ReplicaSetStatus", "JobStatus",
                "HorizontalPodAutoscalerStatus", "PodDisruptionBudgetStatus", "FlowSchemaStatus",
                "PriorityLevelConfigurationStatus", "ServiceCIDRStatus", "StorageVersionMigrationStatus",
                "PodCertificateRequestStatus", "DeviceTaintRuleStatus"}) {
            tag("merge", "type", s + ".conditions");
        }
        // apps/v1
        tag("retainKeys", "", "DeploymentSpec.strategy");
        // other groups
        tag("merge", "name", "JobSchedulingConfiguration.resourceClaims",
                "ValidatingAdmissionPolicySpec.matchConditions", "ValidatingAdmissionPolicySpec.variables",
                "ValidatingWebhookConfiguration.webhooks", "MutatingWebhookConfiguration.webhooks",
                "ValidatingWebhook.matchConditions", "MutatingWebhook.matchConditions",
                "MutatingAdmissionPolicySpec.matchConditions", "CSINodeSpec.drivers", "CSINodeStatus.storageHealth");
        tag("merge", "uid", "ResourceClaimStatus.reservedFor");
        tag("replace", "", "PodDisruptionBudgetSpec.selector");
    }

    private static final Map<Class<?>, Map<String, FieldMeta>> CACHE = new ConcurrentHashMap<>();

    private PatchMeta() {
    }

    static Map<String, FieldMeta> fieldsOf(Class<?> type) {
        return CACHE.computeIfAbsent(type, PatchMeta::introspect);
    }

    private static Map<String, FieldMeta> introspect(Class<?> type) {
        Map<String, FieldMeta> out = new HashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                String name = p != null && !p.value().isEmpty() ? p.value() : f.getName();
                out.putIfAbsent(name, meta(c.getSimpleName() + "." + name, f.getGenericType()));
            }
        }
        return Map.copyOf(out);
    }

    private static FieldMeta meta(String tagKey, Type javaType) {
        String tag = TAGS.getOrDefault(tagKey, ":");
        String strategy = tag.substring(0, tag.indexOf(':'));
        String mergeKey = tag.substring(tag.indexOf(':') + 1);
        boolean merge = strategy.contains("merge");
        boolean replace = strategy.contains("replace");
        boolean retainKeys = strategy.contains("retainKeys");
        return new FieldMeta(merge, replace, retainKeys, mergeKey, schemaOf(javaType));
    }

    private static Schema schemaOf(Type t) {
        if (t instanceof Class<?> c) {
            return isModel(c) ? Schema.of(c) : Schema.UNKNOWN;
        }
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                return schemaOf(args[0]);
            }
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                Schema values = schemaOf(args[1]);
                return values.type == null ? Schema.UNKNOWN : new Schema(values.type, true);
            }
        }
        return Schema.UNKNOWN;
    }

    private static boolean isModel(Class<?> c) {
        return !c.isPrimitive() && !c.isEnum() && c.getName().startsWith("io.fabric8.kubernetes.api.model");
    }
}
