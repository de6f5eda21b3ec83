package dev.kapi.apiserver.admission.plugin.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.kapi.apiserver.api.selection.NameSyntax;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.AuthorizationSelectors;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;

import java.util.List;
import java.util.Map;

/**
 * kube's CEL authorizer library ({@code k8s.io/apiserver/pkg/cel/library/authz.go}): the {@code authorizer}
 * variable asks the server's authorizer about the request's user, e.g.
 * {@code authorizer.group('apps').resource('deployments').namespace('ns').name('web').check('update').allowed()},
 * {@code authorizer.path('/healthz').check('get')}, {@code authorizer.serviceAccount('ns', 'sa')} (the same
 * questions about a service account) and {@code authorizer.requestResource.check('delete')} (the request's own
 * resource). A decision has {@code allowed()}, {@code reason()}, {@code errored()} and {@code error()}.
 * {@code fieldSelector} and {@code labelSelector} narrow a resource check as a list's selectors narrow its
 * authorization (kube 1.32): authorization webhooks see them, RBAC does not look at them; one that does not parse
 * narrows nothing.
 */
public final class AuthorizerLibrary {

    static final OpaqueType AUTHORIZER = OpaqueType.create("kubernetes.authorization.Authorizer");
    static final OpaqueType PATH_CHECK = OpaqueType.create("kubernetes.authorization.PathCheck");
    static final OpaqueType GROUP_CHECK = OpaqueType.create("kubernetes.authorization.GroupCheck");
    static final OpaqueType RESOURCE_CHECK = OpaqueType.create("kubernetes.authorization.ResourceCheck");
    static final OpaqueType DECISION = OpaqueType.create("kubernetes.authorization.Decision");

    /** The {@code authorizer} value: questions about {@code user}. */
    public record AuthorizerValue(UserInfo user, Authorizer authorizer) {
    }

    record PathCheck(AuthorizerValue authz, String path) {
        DecisionValue check(String verb) {
            return new DecisionValue(authz.authorizer().authorize(new AuthorizationAttributes(authz.user(), verb, false,
                    "", "", "", "", "", "", path)));
        }
    }

    record GroupCheck(AuthorizerValue authz, String group) {
    }

    record ResourceCheck(GroupCheck group, String resource, String subresource, String namespace, String name,
                         String fieldSelector, String labelSelector) {
        ResourceCheck with(String field, String value) {
            return switch (field) {
                case "subresource" -> new ResourceCheck(group, resource, value, namespace, name, fieldSelector, labelSelector);
                case "namespace" -> new ResourceCheck(group, resource, subresource, value, name, fieldSelector, labelSelector);
                case "name" -> new ResourceCheck(group, resource, subresource, namespace, value, fieldSelector, labelSelector);
                case "fieldSelector" -> new ResourceCheck(group, resource, subresource, namespace, name, value, labelSelector);
                default -> new ResourceCheck(group, resource, subresource, namespace, name, fieldSelector, value);
            };
        }

        DecisionValue check(String verb) {
            AuthorizerValue a = group.authz();
            return new DecisionValue(a.authorizer().authorize(new AuthorizationAttributes(a.user(), verb, true,
                    group.group(), "*", resource, subresource, namespace, name, "", new AuthorizationSelectors(
                            AuthorizationSelectors.fieldSelector(fieldSelector).requirements(),
                            AuthorizationSelectors.labelSelector(labelSelector).requirements()))));
        }
    }

    record DecisionValue(Decision decision) {
    }

    private AuthorizerLibrary() {
    }

    /** {@code authorizer.requestResource}: the request's group, resource, subresource, namespace and name. */
    static ResourceCheck requestResource(AuthorizerValue authz, String group, String resource, String subresource,
                                         String namespace, String name) {
        return new ResourceCheck(new GroupCheck(authz, group), resource, subresource, namespace, name, "", "");
    }

    static List<CelFunctionDecl> declarations() {
        return List.of(
                member("path", "authorizer_path", PATH_CHECK, AUTHORIZER),
                member("group", "authorizer_group", GROUP_CHECK, AUTHORIZER),
                CelFunctionDecl.newFunctionDeclaration("serviceAccount", CelOverloadDecl.newMemberOverload(
                        "authorizer_serviceaccount", AUTHORIZER, AUTHORIZER, SimpleType.STRING, SimpleType.STRING)),
                member("resource", "groupcheck_resource", RESOURCE_CHECK, GROUP_CHECK),
                member("subresource", "resourcecheck_subresource", RESOURCE_CHECK, RESOURCE_CHECK),
                member("namespace", "resourcecheck_namespace", RESOURCE_CHECK, RESOURCE_CHECK),
                member("name", "resourcecheck_name", RESOURCE_CHECK, RESOURCE_CHECK),
                member("fieldSelector", "authorizer_fieldselector", RESOURCE_CHECK, RESOURCE_CHECK),
                member("labelSelector", "authorizer_labelselector", RESOURCE_CHECK, RESOURCE_CHECK),
                CelFunctionDecl.newFunctionDeclaration("check",
                        CelOverloadDecl.newMemberOverload("pathcheck_check", DECISION, PATH_CHECK, SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload("resourcecheck_check", DECISION, RESOURCE_CHECK,
                                SimpleType.STRING)),
                unary("errored", "decision_errored", SimpleType.BOOL),
                unary("error", "decision_error", SimpleType.STRING),
                unary("allowed", "decision_allowed", SimpleType.BOOL),
                unary("reason", "decision_reason", SimpleType.STRING));
    }

    private static CelFunctionDecl member(String name, String id, OpaqueType result, OpaqueType receiver) {
        return CelFunctionDecl.newFunctionDeclaration(name,
                CelOverloadDecl.newMemberOverload(id, result, receiver, SimpleType.STRING));
    }

    private static CelFunctionDecl unary(String name, String id, dev.cel.common.types.CelType result) {
        return CelFunctionDecl.newFunctionDeclaration(name, CelOverloadDecl.newMemberOverload(id, result, DECISION));
    }

    static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("authorizer_path", AuthorizerValue.class, String.class, (a, path) -> {
                    if (path.isBlank()) {
                        throw new CelEvaluationException("path must not be empty");
                    }
                    return new PathCheck(a, path);
                }),
                CelFunctionBinding.from("authorizer_group", AuthorizerValue.class, String.class, GroupCheck::new),
                CelFunctionBinding.from("authorizer_serviceaccount",
                        List.of(AuthorizerValue.class, String.class, String.class),
                        args -> serviceAccount((AuthorizerValue) args[0], (String) args[1], (String) args[2])),
                CelFunctionBinding.from("groupcheck_resource", GroupCheck.class, String.class, (g, resource) -> {
                    if (resource.isBlank()) {
                        throw new CelEvaluationException("resource must not be empty");
                    }
                    return new ResourceCheck(g, resource, "", "", "", "", "");
                }),
                with("resourcecheck_subresource", "subresource"),
                with("resourcecheck_namespace", "namespace"),
                with("resourcecheck_name", "name"),
                with("authorizer_fieldselector", "fieldSelector"),
                with("authorizer_labelselector", "labelSelector"),
                CelFunctionBinding.from("pathcheck_check", PathCheck.class, String.class, PathCheck::check),
                CelFunctionBinding.from("resourcecheck_check", ResourceCheck.class, String.class, ResourceCheck::check),
                CelFunctionBinding.from("decision_errored", DecisionValue.class, d -> d.decision().error() != null),
                CelFunctionBinding.from("decision_error", DecisionValue.class,
                        d -> d.decision().error() == null ? "" : d.decision().error()),
                CelFunctionBinding.from("decision_allowed", DecisionValue.class, d -> d.decision().allowed()),
                CelFunctionBinding.from("decision_reason", DecisionValue.class,
                        d -> d.decision().reason() == null ? "" : d.decision().reason()));
    }

    private static CelFunctionBinding with(String id, String field) {
        return CelFunctionBinding.from(id, ResourceCheck.class, String.class, (r, v) -> r.with(field, v));
    }

    /** kube's service account identity: {@code system:serviceaccount:<ns>:<name>} in the service account groups. */
    private static AuthorizerValue serviceAccount(AuthorizerValue a, String namespace, String name)
            throws CelEvaluationException {
        if (!NameSyntax.isDns1123Subdomain(name)) {
            throw new CelEvaluationException("Invalid service account name");
        }
        if (!NameSyntax.isDns1123Label(namespace)) {
            throw new CelEvaluationException("Invalid service account namespace");
        }
        UserInfo user = new UserInfo("system:serviceaccount:" + namespace + ":" + name, "",
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace), Map.of());
        return new AuthorizerValue(user, a.authorizer());
    }
}
