package dev.kapi.apiserver.admission.plugin.cel;

import dev.cel.common.values.NullValue;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.cel.JsonValues;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values as kube's admission CEL sees them: an object is its JSON as maps and lists (integers {@code Long},
 * other numbers {@code Double}, null {@code NullValue}); the request is the JSON of kube's
 * {@code AdmissionRequest} for the invocation (fields JSON leaves out when empty are absent); the namespace is
 * the JSON of kube's {@code CreateNamespaceObject} (metadata without managed fields, owners and the like).
 */
final class CelValues {

    private static final List<String> NAMESPACE_METADATA = List.of("name", "generateName", "namespace", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "finalizers");

    private CelValues() {
    }

    /** An object, or {@code NullValue} for none. */
    static Object of(Object object) {
        return object == null ? NullValue.NULL_VALUE : of(Json.tree(object));
    }

    static Object of(JsonNode v) {
        return JsonValues.dyn(v);
    }

    /**
     * The object's JSON with {@code apiVersion} and {@code kind} (an object read from storage may lack them; kube's
     * versioned objects always have them).
     */
    static Object typed(Object object, String apiVersion, String kind) {
        if (object == null) {
            return NullValue.NULL_VALUE;
        }
        JsonNode tree = Json.tree(object);
        if (tree instanceof ObjectNode o) {
            if (!o.hasNonNull("apiVersion") && apiVersion != null) {
                o.put("apiVersion", apiVersion);
            }
            if (!o.hasNonNull("kind") && kind != null) {
                o.put("kind", kind);
            }
        }
        return of(tree);
    }

    /** kube's {@code CreateAdmissionRequest} for a request invoked at {@code resource} and {@code kind}. */
    static Map<String, Object> request(AdmissionAttributes a, GroupVersionResource resource, GroupVersionKind kind) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", gvk(kind));
        r.put("resource", gvr(resource));
        putIfNotEmpty(r, "subResource", a.subresource());
        r.put("requestKind", gvk(a.requestKind() == null ? a.kind() : a.requestKind()));
        r.put("requestResource", gvr(a.resource()));
        putIfNotEmpty(r, "requestSubResource", a.subresource());
        putIfNotEmpty(r, "name", a.name());
        putIfNotEmpty(r, "namespace", a.namespace());
        r.put("operation", a.operation().name());
        r.put("userInfo", userInfo(a.user()));
        r.put("dryRun", a.dryRun());
        if (a.options() != null) {
            r.put("options", options(a.options()));
        }
        return r;
    }

    /** CreateOptions, UpdateOptions or DeleteOptions, as {@code meta.k8s.io/v1} objects. */
    private static Object options(KubernetesResource options) {
        JsonNode tree = Json.tree(options);
        if (tree instanceof ObjectNode o) {
            o.put("apiVersion", "meta.k8s.io/v1");
            o.put("kind", options.getClass().getSimpleName());
        }
        return of(tree);
    }

    private static Map<String, Object> userInfo(UserInfo user) {
        Map<String, Object> u = new LinkedHashMap<>();
        if (user == null) {
            return u;
        }
        putIfNotEmpty(u, "username", user.name());
        putIfNotEmpty(u, "uid", user.uid());
        if (user.groups() != null && !user.groups().isEmpty()) {
            u.put("groups", List.copyOf(user.groups()));
        }
        if (user.extra() != null && !user.extra().isEmpty()) {
            Map<String, Object> extra = new LinkedHashMap<>();
            user.extra().forEach((k, v) -> extra.put(k, List.copyOf(v)));
            u.put("extra", extra);
        }
        return u;
    }

    /** kube's {@code CreateNamespaceObject}: the namespace's metadata (the kept fields), spec and status. */
    static Object namespace(Object namespace) {
        if (namespace == null) {
            return NullValue.NULL_VALUE;
        }
        JsonNode tree = Json.tree(namespace);
        ObjectNode out = Json.MAPPER.createObjectNode();
        JsonNode meta = tree.get("metadata");
        ObjectNode kept = out.putObject("metadata");
        if (meta != null) {
            for (String f : NAMESPACE_METADATA) {
                if (meta.hasNonNull(f)) {
                    kept.set(f, meta.get(f));
                }
            }
        }
        out.set("spec", tree.hasNonNull("spec") ? tree.get("spec") : Json.MAPPER.createObjectNode());
        out.set("status", tree.hasNonNull("status") ? tree.get("status") : Json.MAPPER.createObjectNode());
        return of(out);
    }

    private static Map<String, Object> gvk(GroupVersionKind k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", k == null ? "" : nz(k.group()));
        m.put("version", k == null ? "" : nz(k.version()));
        m.put("kind", k == null ? "" : nz(k.kind()));
        return m;
    }

    private static Map<String, Object> gvr(GroupVersionResource r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", r == null ? "" : nz(r.group()));
        m.put("version", r == null ? "" : nz(r.version()));
        m.put("resource", r == null ? "" : nz(r.resource()));
        return m;
    }

    private static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
