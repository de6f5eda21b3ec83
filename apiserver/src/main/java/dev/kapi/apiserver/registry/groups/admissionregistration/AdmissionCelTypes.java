package dev.kapi.apiserver.registry.groups.admissionregistration;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The declarations of kube's admission CEL environment that are not plain {@code dyn}: {@code request} as
 * {@code kubernetes.AdmissionRequest} (kind, resource, userInfo, ...), {@code namespaceObject} as
 * {@code kubernetes.Namespace}, and the authorizer library's types and functions ({@code authorizer.group(g)
 * .resource(r).check(verb).allowed()}). Declarations only: expressions are compiled to be checked, never run.
 * An optional {@code variables} struct holds the types of a policy's variables compiled so far.
 */
final class AdmissionCelTypes implements CelTypeProvider {

    static final OpaqueType AUTHORIZER = OpaqueType.create("kubernetes.authorization.Authorizer");
    static final OpaqueType PATH_CHECK = OpaqueType.create("kubernetes.authorization.PathCheck");
    static final OpaqueType GROUP_CHECK = OpaqueType.create("kubernetes.authorization.GroupCheck");
    static final OpaqueType RESOURCE_CHECK = OpaqueType.create("kubernetes.authorization.ResourceCheck");
    static final OpaqueType DECISION = OpaqueType.create("kubernetes.authorization.Decision");

    private static final CelType STRINGS = ListType.create(SimpleType.STRING);

    private final Map<String, CelType> structs = new LinkedHashMap<>();
    final CelType request;
    final CelType namespace;
    final CelType variables;

    /** @param variables the types of the variables declared so far, or null when there is no composition */
    AdmissionCelTypes(Map<String, CelType> variables) {
        CelType gvk = struct("kubernetes.GroupVersionKind",
                fields("group", SimpleType.STRING, "version", SimpleType.STRING, "kind", SimpleType.STRING));
        CelType gvr = struct("kubernetes.GroupVersionResource",
                fields("group", SimpleType.STRING, "version", SimpleType.STRING, "resource", SimpleType.STRING));
        CelType user = struct("kubernetes.UserInfo", fields("username", SimpleType.STRING, "uid", SimpleType.STRING,
                "groups", STRINGS, "extra", MapType.create(SimpleType.STRING, STRINGS)));
        this.request = struct("kubernetes.AdmissionRequest", fields("kind", gvk, "resource", gvr,
                "subResource", SimpleType.STRING, "requestKind", gvk, "requestResource", gvr,
                "requestSubResource", SimpleType.STRING, "name", SimpleType.STRING, "namespace", SimpleType.STRING,
                "operation", SimpleType.STRING, "userInfo", user, "dryRun", SimpleType.BOOL,
                "options", SimpleType.DYN));
        this.namespace = namespaceType();
        this.variables = variables == null ? null : struct("kubernetes.variables", new LinkedHashMap<>(variables));
    }

    private CelType namespaceType() {
        CelType spec = struct("kubernetes.NamespaceSpec", fields("finalizers", STRINGS));
        CelType condition = struct("kubernetes.NamespaceCondition", fields("status", SimpleType.STRING,
                "type", SimpleType.STRING, "lastTransitionTime", SimpleType.TIMESTAMP,
                "message", SimpleType.STRING, "reason", SimpleType.STRING));
        CelType status = struct("kubernetes.NamespaceStatus",
                fields("conditions", ListType.create(condition), "phase", SimpleType.STRING));
        CelType labels = MapType.create(SimpleType.STRING, SimpleType.STRING);
        CelType metadata = struct("kubernetes.NamespaceMetadata", fields("name", SimpleType.STRING,
                "generateName", SimpleType.STRING, "namespace", SimpleType.STRING, "labels", labels,
                "annotations", labels, "UID", SimpleType.STRING, "creationTimestamp", SimpleType.TIMESTAMP,
                "deletionGracePeriodSeconds", SimpleType.INT, "deletionTimestamp", SimpleType.TIMESTAMP,
                "generation", SimpleType.INT, "resourceVersion", SimpleType.STRING, "finalizers", STRINGS));
        return struct("kubernetes.Namespace", fields("metadata", metadata, "spec", spec, "status", status));
    }

    /** The authorizer library: path/group/serviceAccount, resource, subresource, namespace, name, selectors, check, decision. */
    static List<CelFunctionDecl> authorizerFunctions() {
        return List.of(
                member("path", "authorizer_path", PATH_CHECK, AUTHORIZER, SimpleType.STRING),
                member("group", "authorizer_group", GROUP_CHECK, AUTHORIZER, SimpleType.STRING),
                member("serviceAccount", "authorizer_serviceaccount", AUTHORIZER, AUTHORIZER, SimpleType.STRING,
                        SimpleType.STRING),
                member("resource", "groupcheck_resource", RESOURCE_CHECK, GROUP_CHECK, SimpleType.STRING),
                member("subresource", "resourcecheck_subresource", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                member("namespace", "resourcecheck_namespace", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                member("name", "resourcecheck_name", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                member("fieldSelector", "authorizer_fieldselector", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                member("labelSelector", "authorizer_labelselector", RESOURCE_CHECK, RESOURCE_CHECK, SimpleType.STRING),
                CelFunctionDecl.newFunctionDeclaration("check",
                        CelOverloadDecl.newMemberOverload("pathcheck_check", DECISION, PATH_CHECK, SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload("resourcecheck_check", DECISION, RESOURCE_CHECK,
                                SimpleType.STRING)),
                member("errored", "decision_errored", SimpleType.BOOL, DECISION),
                member("error", "decision_error", SimpleType.STRING, DECISION),
                member("allowed", "decision_allowed", SimpleType.BOOL, DECISION),
                member("reason", "decision_reason", SimpleType.STRING, DECISION));
    }

    private static CelFunctionDecl member(String name, String overload, CelType result, CelType... args) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(overload, result, args));
    }

    private static Map<String, CelType> fields(Object... nameTypePairs) {
        Map<String, CelType> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            m.put((String) nameTypePairs[i], (CelType) nameTypePairs[i + 1]);
        }
        return m;
    }

    private CelType struct(String name, Map<String, CelType> fields) {
        StructType t = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(fields.get(f)));
        structs.put(name, t);
        return t;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }
}
