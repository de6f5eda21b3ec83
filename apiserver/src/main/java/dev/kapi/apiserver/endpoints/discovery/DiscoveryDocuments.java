package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.SubresourceKinds;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The discovery documents of a {@link ResourceRegistry}, in the shapes kube-apiserver serves:
 * {@code APIVersions} ({@code /api}), {@code APIGroupList} ({@code /apis}), {@code APIGroup}
 * ({@code /apis/<group>}), {@code APIResourceList} ({@code /api/v1}, {@code /apis/<group>/<version>}) and
 * the aggregated {@code APIGroupDiscoveryList} ({@code apidiscovery.k8s.io/v2} and {@code v2beta1}).
 * Everything is computed from the registry; the served groups are worked out once per registry generation
 * (again on the first request after a change), and every document is built from one snapshot of them.
 */
public final class DiscoveryDocuments {

    /** The verbs of every main resource (the registry serves all of them for every type). */
    public static final List<String> RESOURCE_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /** The groups of one registry snapshot. */
    private record Groups(ResourceRegistry.Snapshot snapshot, List<GroupVersions.Group> groups) {
    }

    private final ResourceRegistry registry;
    private volatile Groups groups;

    public DiscoveryDocuments(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** The served groups, core first, as the registry serves them now. */
    public List<GroupVersions.Group> groups() {
        ResourceRegistry.Snapshot now = registry.snapshot();
        Groups g = groups;
        if (g == null || g.snapshot() != now) {
            // two requests racing here both compute the same groups; either result may be kept
            g = new Groups(now, GroupVersions.of(now.all()));
            groups = g;
        }
        return g.groups();
    }

    /** {@code GET /api}: the core group's versions and the address clients reach this server at. */
    public ObjectNode apiVersions(String serverAddress) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "APIVersions");
        ArrayNode versions = n.putArray("versions");
        core().ifPresent(c -> c.versions().forEach(versions::add));
        ObjectNode cidr = n.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", serverAddress);
        return n;
    }

    /** {@code GET /apis}: every named group. */
    public ObjectNode groupList() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "APIGroupList");
        n.put("apiVersion", "v1");
        ArrayNode items = n.putArray("groups");
        for (GroupVersions.Group g : groups()) {
            if (!g.name().isEmpty()) {
                fillGroup(items.addObject(), g);
            }
        }
        return n;
    }

    /** {@code GET /apis/<group>}, empty when the group is not served. */
    public Optional<ObjectNode> group(String name) {
        return named(name).filter(g -> !g.name().isEmpty()).map(g -> {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("kind", "APIGroup");
            n.put("apiVersion", "v1");
            fillGroup(n, g);
            return n;
        });
    }

    /** {@code GET /api/v1} or {@code /apis/<group>/<version>}, empty when not served. */
    public Optional<ObjectNode> resourceList(String group, String version) {
        return named(group).filter(g -> g.resources().containsKey(version)).map(g -> {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("kind", "APIResourceList");
            n.put("apiVersion", "v1");
            n.put("groupVersion", g.groupVersion(version));
            ArrayNode resources = n.putArray("resources");
            for (ResourceDefinition<?> d : g.resources().get(version)) {
                resources.add(apiResource(d));
                for (SubresourceKinds.Subresource s : SubresourceKinds.of(d)) {
                    resources.add(apiSubresource(d, s));
                }
            }
            return n;
        });
    }

    /**
     * The aggregated discovery document: of the core group for {@code /api} ({@code legacy} true), of
     * every other group for {@code /apis}.
     *
     * @param apiVersion {@code apidiscovery.k8s.io/v2} or {@code apidiscovery.k8s.io/v2beta1}
     */
    public ObjectNode aggregated(boolean legacy, String apiVersion) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "APIGroupDiscoveryList");
        n.put("apiVersion", apiVersion);
        n.putObject("metadata");
        ArrayNode items = n.putArray("items");
        for (GroupVersions.Group g : groups()) {
            if (g.name().isEmpty() == legacy) {
                items.add(groupDiscovery(g));
            }
        }
        return n;
    }

    /** kube's storage version hash: base64 of the first 8 bytes of sha256("group/version/kind"). */
    public static String storageVersionHash(String group, String version, String kind) {
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256")
                    .digest((group + "/" + version + "/" + kind).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(Arrays.copyOf(sum, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<GroupVersions.Group> core() {
        return named("");
    }

    private Optional<GroupVersions.Group> named(String name) {
        return groups().stream().filter(g -> g.name().equals(name)).findFirst();
    }

    private static void fillGroup(ObjectNode n, GroupVersions.Group g) {
        n.put("name", g.name());
        ArrayNode versions = n.putArray("versions");
        for (String v : g.versions()) {
            versionForDiscovery(versions.addObject(), g, v);
        }
        versionForDiscovery(n.putObject("preferredVersion"), g, g.preferredVersion());
    }

    private static void versionForDiscovery(ObjectNode n, GroupVersions.Group g, String version) {
        n.put("groupVersion", g.groupVersion(version));
        n.put("version", version);
    }

    private static ObjectNode apiResource(ResourceDefinition<?> d) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("name", d.resource());
        n.put("singularName", d.singular());
        n.put("namespaced", d.namespaced());
        n.put("kind", d.kind());
        strings(n, "verbs", d.verbs());
        if (!d.shortNames().isEmpty()) {
            strings(n, "shortNames", d.shortNames());
        }
        if (!d.categories().isEmpty()) {
            strings(n, "categories", d.categories());
        }
        var stored = d.storedKind(); // versions sharing a storage share its hash, as kube's do
        n.put("storageVersionHash", storageVersionHash(stored.group(), stored.version(), stored.kind()));
        return n;
    }

    private static ObjectNode apiSubresource(ResourceDefinition<?> d, SubresourceKinds.Subresource s) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("name", d.resource() + "/" + s.name());
        n.put("singularName", "");
        n.put("namespaced", d.namespaced());
        if (s.group() != null) {
            n.put("group", s.group());
            n.put("version", s.version());
        }
        n.put("kind", s.kind());
        strings(n, "verbs", s.verbs());
        return n;
    }

    private static ObjectNode groupDiscovery(GroupVersions.Group g) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        ObjectNode meta = n.putObject("metadata");
        if (!g.name().isEmpty()) {
            meta.put("name", g.name());
        }
        ArrayNode versions = n.putArray("versions");
        for (String v : g.versions()) {
            ObjectNode vn = versions.addObject();
            vn.put("version", v);
            ArrayNode resources = vn.putArray("resources");
            g.resources().get(v).forEach(d -> resources.add(resourceDiscovery(d)));
            vn.put("freshness", "Current");
        }
        return n;
    }

    private static ObjectNode resourceDiscovery(ResourceDefinition<?> d) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("resource", d.resource());
        responseKind(n, d.group(), d.version(), d.kind());
        n.put("scope", d.namespaced() ? "Namespaced" : "Cluster");
        n.put("singularResource", d.singular());
        strings(n, "verbs", d.verbs());
        if (!d.shortNames().isEmpty()) {
            strings(n, "shortNames", d.shortNames());
        }
        if (!d.categories().isEmpty()) {
            strings(n, "categories", d.categories());
        }
        List<SubresourceKinds.Subresource> subs = SubresourceKinds.of(d);
        if (!subs.isEmpty()) {
            ArrayNode sa = n.putArray("subresources");
            for (SubresourceKinds.Subresource s : subs) {
                ObjectNode sn = sa.addObject();
                sn.put("subresource", s.name());
                responseKind(sn, s.groupOr(d), s.versionOr(d), s.kind());
                strings(sn, "verbs", s.verbs());
            }
        }
        return n;
    }

    private static void responseKind(ObjectNode n, String group, String version, String kind) {
        ObjectNode k = n.putObject("responseKind");
        k.put("group", group);
        k.put("version", version);
        k.put("kind", kind);
    }

    private static void strings(ObjectNode n, String field, List<String> values) {
        ArrayNode a = n.putArray(field);
        values.forEach(a::add);
    }
}
