package dev.kapi.apiserver.api.schema;

import java.util.Map;
import java.util.Set;

/**
 * The name kube-apiserver's OpenAPI gives the type a fabric8 model class stands for: its Go package in
 * reverse-domain form plus the type name ({@code io.k8s.api.core.v1.Pod},
 * {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}). fabric8 puts core/v1, meta/v1 and a few
 * aggregator types into one package and drops the version from some packages ({@code apps},
 * {@code rbac}); the tables below undo that.
 */
public final class KubeSchemaNames {

    public static final String FABRIC8 = "io.fabric8.kubernetes.api.model";
    public static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1";
    public static final String CORE = "io.k8s.api.core.v1";

    /** meta/v1 types that fabric8 keeps in its core package. */
    private static final Set<String> META_IN_CORE = Set.of(
            "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition",
            "CreateOptions", "DeleteOptions", "Duration", "FieldSelectorRequirement", "FieldsV1", "GetOptions",
            "GroupKind", "GroupResource", "GroupVersionForDiscovery", "GroupVersionKind", "GroupVersionResource",
            "LabelSelector", "LabelSelectorRequirement", "ListMeta", "ListOptions", "ManagedFieldsEntry",
            "MicroTime", "ObjectMeta", "OwnerReference", "PartialObjectMetadata", "PartialObjectMetadataList",
            "Patch", "PatchOptions", "Preconditions", "RootPaths", "ServerAddressByClientCIDR", "ShardInfo",
            "Status", "StatusCause", "StatusDetails", "Table", "TableColumnDefinition", "TableRow", "Time",
            "TypeMeta", "UpdateOptions", "WatchEvent");

    /** kube-aggregator's apiregistration/v1 types in fabric8's core package. */
    private static final Set<String> APIREGISTRATION_IN_CORE = Set.of(
            "APIService", "APIServiceCondition", "APIServiceList", "APIServiceSpec", "APIServiceStatus",
            "ServiceReference");

    private static final Map<String, String> SPECIAL = Map.of(
            "Quantity", "io.k8s.apimachinery.pkg.api.resource.Quantity",
            "IntOrString", "io.k8s.apimachinery.pkg.util.intstr.IntOrString");

    /** fabric8 packages without a version, and the version they hold. */
    private static final Map<String, String> UNVERSIONED = Map.of(
            "apps", "v1", "rbac", "v1", "storage", "v1", "authentication", "v1", "extensions", "v1beta1");

    private KubeSchemaNames() {
    }

    /** kube's schema name for {@code type}; classes outside fabric8's model keep their Java name. */
    public static String of(Class<?> type) {
        String simple = type.getSimpleName();
        String pkg = type.getPackageName();
        if (pkg.equals(FABRIC8)) {
            if (SPECIAL.containsKey(simple)) {
                return SPECIAL.get(simple);
            }
            if (META_IN_CORE.contains(simple)) {
                return META + "." + simple;
            }
            if (APIREGISTRATION_IN_CORE.contains(simple)) {
                return "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1." + simple;
            }
            return CORE + "." + simple;
        }
        if (!pkg.startsWith(FABRIC8 + ".")) {
            return type.getName().replace('$', '.');
        }
        String[] parts = pkg.substring(FABRIC8.length() + 1).split("\\.");
        String group = parts[0];
        String version = parts.length > 1 ? parts[1] : UNVERSIONED.getOrDefault(group, "v1");
        return switch (group) {
            case "runtime" -> "io.k8s.apimachinery.pkg.runtime." + simple;
            case "version" -> "io.k8s.apimachinery.pkg.version." + simple;
            case "apiextensions" -> "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version + "." + simple;
            case "metrics" -> "io.k8s.metrics.pkg.apis.metrics." + version + "." + simple;
            case "gatewayapi" -> "io.k8s.sigs.gateway-api.apis." + version + "." + simple;
            default -> "io.k8s.api." + group + "." + version + "." + simple;
        };
    }
}
