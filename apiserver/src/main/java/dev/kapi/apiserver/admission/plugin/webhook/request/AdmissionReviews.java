package dev.kapi.apiserver.admission.plugin.webhook.request;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import dev.kapi.apiserver.admission.plugin.webhook.generic.VersionedAttributes;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.UUID;

/**
 * The AdmissionReview sent to a webhook (kube's {@code CreateAdmissionObjects}): in the first of the webhook's
 * {@code admissionReviewVersions} this server speaks ({@code v1}, {@code v1beta1}: the same request shape), with
 * a fresh uid; {@code kind}, {@code resource} and {@code subResource} are the invocation's, the
 * {@code request*} fields the request's; {@code object} and {@code oldObject} (JSON, {@code null} when absent)
 * are in the invocation's version; {@code options} is the operation's {@code meta.k8s.io/v1} options object.
 */
public final class AdmissionReviews {

    public static final String GROUP = "admission.k8s.io";

    /** A review to send: its version, uid and JSON. */
    public record Review(String version, String uid, byte[] body) {
    }

    private AdmissionReviews() {
    }

    /** The review for {@code v}, or null when the webhook lists no version this server speaks. */
    public static Review create(List<String> versions, VersionedAttributes v) {
        String version = versions.stream().filter(x -> x.equals("v1") || x.equals("v1beta1")).findFirst().orElse(null);
        if (version == null) {
            return null;
        }
        String uid = UUID.randomUUID().toString();
        return new Review(version, uid, Json.bytes(tree(version, uid, v)));
    }

    static ObjectNode tree(String version, String uid, VersionedAttributes v) {
        AdmissionAttributes a = v.request();
        Invocation inv = v.invocation();
        AdmissionRequest request = new AdmissionRequest();
        request.setUid(uid);
        request.setKind(kind(inv.kind()));
        request.setResource(resource(inv.resource()));
        request.setSubResource(emptyToNull(inv.subresource()));
        request.setRequestKind(kind(a.requestKind()));
        request.setRequestResource(resource(a.resource()));
        request.setRequestSubResource(emptyToNull(a.subresource()));
        request.setName(emptyToNull(a.name()));
        request.setNamespace(emptyToNull(a.namespace()));
        request.setOperation(a.operation().name());
        request.setUserInfo(userInfo(a.user()));
        request.setDryRun(a.dryRun());
        AdmissionReview review = new AdmissionReview();
        review.setApiVersion(GROUP + "/" + version);
        review.setKind("AdmissionReview");
        review.setRequest(request);
        ObjectNode tree = (ObjectNode) Json.tree(review);
        ObjectNode r = (ObjectNode) tree.get("request");
        r.set("object", v.object() == null ? r.nullNode() : Json.tree(v.object()));
        r.set("oldObject", v.oldObject() == null ? r.nullNode() : Json.tree(v.oldObject()));
        r.set("options", options(a.options(), r));
        return tree;
    }

    private static tools.jackson.databind.JsonNode options(KubernetesResource options, ObjectNode r) {
        if (options == null) {
            return r.nullNode();
        }
        ObjectNode o = (ObjectNode) Json.tree(options);
        o.put("apiVersion", "meta.k8s.io/v1");
        o.put("kind", options.getClass().getSimpleName());
        return o;
    }

    private static io.fabric8.kubernetes.api.model.GroupVersionKind kind(GroupVersionKind k) {
        return new io.fabric8.kubernetes.api.model.GroupVersionKind(k.group(), k.kind(), k.version());
    }

    private static io.fabric8.kubernetes.api.model.GroupVersionResource resource(GroupVersionResource r) {
        return new io.fabric8.kubernetes.api.model.GroupVersionResource(r.group(), r.resource(), r.version());
    }

    private static io.fabric8.kubernetes.api.model.authentication.UserInfo userInfo(UserInfo u) {
        io.fabric8.kubernetes.api.model.authentication.UserInfo out =
                new io.fabric8.kubernetes.api.model.authentication.UserInfo();
        if (u == null) {
            return out;
        }
        out.setUsername(u.name());
        out.setUid(emptyToNull(u.uid()));
        out.setGroups(u.groups() == null || u.groups().isEmpty() ? null : u.groups());
        out.setExtra(u.extra() == null || u.extra().isEmpty() ? null : u.extra());
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
