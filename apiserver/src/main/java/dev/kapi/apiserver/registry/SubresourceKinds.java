package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.GroupVersionKind;

import java.util.List;

/**
 * Each subresource kube-apiserver serves: the kind its requests and responses carry and its verbs
 * ({@code pods/status} → Pod get/patch/update, {@code deployments/scale} → autoscaling/v1 Scale,
 * {@code pods/eviction} → policy/v1 Eviction create, ...). Discovery and OpenAPI describe subresources with
 * it, and admission names the kind of a subresource's writes by it. A subresource this table does not know
 * is reported like {@code status}: the parent's kind with get, patch, update.
 */
public final class SubresourceKinds {

    /** A subresource's response kind; group and version are null when they are the parent's. */
    public record Subresource(String name, String group, String version, String kind, List<String> verbs) {

        /** The response group, falling back to the parent resource's. */
        public String groupOr(ResourceDefinition<?> parent) {
            return group == null ? parent.group() : group;
        }

        public String versionOr(ResourceDefinition<?> parent) {
            return version == null ? parent.version() : version;
        }

        /** The kind of the subresource's objects under {@code parent}. */
        public GroupVersionKind kindOf(ResourceDefinition<?> parent) {
            return new GroupVersionKind(groupOr(parent), versionOr(parent), kind);
        }
    }

    private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");

    private SubresourceKinds() {
    }

    /** Describes subresource {@code name} of {@code parent}. */
    public static Subresource of(ResourceDefinition<?> parent, String name) {
        return switch (name) {
            case "scale" -> new Subresource(name, "autoscaling", "v1", "Scale", GET_PATCH_UPDATE);
            case "eviction" -> new Subresource(name, "policy", "v1", "Eviction", List.of("create"));
            case "binding" -> new Subresource(name, null, null, "Binding", List.of("create"));
            case "finalize" -> new Subresource(name, null, null, parent.kind(), List.of("update"));
            case "log" -> new Subresource(name, null, null, parent.kind(), List.of("get"));
            case "exec" -> new Subresource(name, null, null, "PodExecOptions", List.of("create", "get"));
            case "attach" -> new Subresource(name, null, null, "PodAttachOptions", List.of("create", "get"));
            case "portforward" ->
                    new Subresource(name, null, null, "PodPortForwardOptions", List.of("create", "get"));
            case "proxy" -> new Subresource(name, null, null, parent.kind() + "ProxyOptions",
                    List.of("create", "delete", "get", "patch", "update"));
            case "token" -> new Subresource(name, "authentication.k8s.io", "v1", "TokenRequest", List.of("create"));
            default -> new Subresource(name, null, null, parent.kind(), GET_PATCH_UPDATE);
        };
    }

    /** The definition's subresources in name order, described. */
    public static List<Subresource> of(ResourceDefinition<?> parent) {
        return parent.subresources().stream().sorted().map(n -> of(parent, n)).toList();
    }
}
