package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.registry.reviews.ReviewResources;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the access reviews share (kube's {@code pkg/apis/authorization/validation} and
 * {@code pkg/registry/authorization/util}): spec validation, the authorizer attributes a spec stands for,
 * and the status an authorizer's decision becomes.
 */
final class AccessReviews {

    private AccessReviews() {
    }

    /** Exactly one of resourceAttributes and nonResourceAttributes. */
    static void checkAttributes(ResourceAttributes resource, NonResourceAttributes nonResource, List<FieldError> errs) {
        if (resource != null && nonResource != null) {
            errs.add(FieldError.invalid("spec.nonResourceAttributes", new Rendered(nonResource),
                    "cannot be specified in combination with resourceAttributes"));
        }
        if (resource == null && nonResource == null) {
            errs.add(FieldError.invalid("spec.resourceAttributes", "null",
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
    }

    /** A subject access review names a user or at least one group. */
    static void checkSubject(String user, List<String> groups, List<FieldError> errs) {
        if ((user == null || user.isEmpty()) && (groups == null || groups.isEmpty())) {
            errs.add(FieldError.invalid("spec.user", user == null ? "" : user,
                    "at least one of user or group must be specified"));
        }
    }

    /** Metadata must be empty (but for managed fields and, when {@code allowNamespace}, the namespace). */
    static void checkMetadataEmpty(ObjectMeta meta, boolean allowNamespace, List<FieldError> errs) {
        if (meta == null) {
            return;
        }
        ObjectNode tree = (ObjectNode) Json.tree(meta);
        tree.remove("managedFields");
        if (allowNamespace) {
            tree.remove("namespace");
        }
        boolean empty = tree.properties().stream().allMatch(e -> ReviewTrees.isZero(e.getValue()));
        if (!empty) {
            errs.add(FieldError.invalid("metadata", new Rendered(meta),
                    allowNamespace ? "must be empty except for namespace" : "must be empty"));
        }
    }

    /** 422 as kube's review REST reports it: the (empty) kind of the decoded object, qualified by its group. */
    static void throwIfInvalid(List<FieldError> errs) {
        if (errs.isEmpty()) {
            return;
        }
        StatusError e = StatusError.invalid(null, ReviewResources.AUTHORIZATION, null, errs);
        String what = errs.size() == 1 ? errs.get(0).toString()
                : "[" + String.join(", ", errs.stream().map(FieldError::toString).toList()) + "]";
        e.status().setMessage("." + ReviewResources.AUTHORIZATION + " \"\" is invalid: " + what);
        throw e;
    }

    /** The authorizer attributes of a spec's resource or non-resource attributes for {@code user}. */
    static AuthorizationAttributes attributes(UserInfo user, ResourceAttributes resource,
                                              NonResourceAttributes nonResource) {
        if (resource != null) {
            String version = nz(resource.getVersion());
            return new AuthorizationAttributes(user, nz(resource.getVerb()), true, nz(resource.getGroup()),
                    version.isEmpty() ? "*" : version, nz(resource.getResource()), nz(resource.getSubresource()),
                    nz(resource.getNamespace()), nz(resource.getName()), "");
        }
        return new AuthorizationAttributes(user, nz(nonResource.getVerb()), false, "", "", "", "", "", "",
                nz(nonResource.getPath()));
    }

    /** The user a subject access review asks about. */
    static UserInfo subject(String user, String uid, List<String> groups, Map<String, List<String>> extra) {
        return new UserInfo(nz(user), nz(uid), groups == null ? List.of() : List.copyOf(groups),
                extra == null ? Map.of() : Map.copyOf(extra));
    }

    /**
     * Asks the authorizer; status {allowed, denied (when a DENY), reason, evaluationError (an authorizer that
     * failed)}, as kube's SubjectAccessReviewStatus.
     */
    /**
     * {@link #decide(Authorizer, AuthorizationAttributes)} for {@code user} and a spec's attributes, narrowed by the
     * spec's selectors ({@link ReviewSelectors}); what of them could not be read is noted in {@code evaluationError}.
     */
    static ObjectNode decide(Authorizer authorizer, UserInfo user, ResourceAttributes resource,
                             NonResourceAttributes nonResource) {
        ReviewSelectors.Read selectors = ReviewSelectors.read(resource);
        return decide(authorizer, attributes(user, resource, nonResource).withSelectors(selectors.selectors()),
                selectors.notes());
    }

    private static ObjectNode decide(Authorizer authorizer, AuthorizationAttributes attributes, List<String> notes) {
        Decision d = authorizer.authorize(attributes);
        ObjectNode status = Json.MAPPER.createObjectNode();
        status.put("allowed", d.kind() == Decision.Kind.ALLOW);
        if (d.kind() == Decision.Kind.DENY) {
            status.put("denied", true);
        }
        ReviewTrees.putIfNotEmpty(status, "reason", d.reason());
        List<String> errors = new ArrayList<>(); // kube's BuildEvaluationError
        if (d.error() != null && !d.error().isEmpty()) {
            errors.add(d.error());
        }
        errors.addAll(notes);
        ReviewTrees.putIfNotEmpty(status, "evaluationError", String.join("; ", errors));
        return status;
    }

    static List<FieldError> errors() {
        return new ArrayList<>();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** A struct-valued bad value for a {@link FieldError}, printed as JSON. */
    static Object rendered(Object value) {
        return new Rendered(value);
    }

    private record Rendered(Object value) {
        @Override
        public String toString() {
            return Json.string(value);
        }
    }
}
