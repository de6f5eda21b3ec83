package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import dev.kapi.apiserver.storage.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Set;

/**
 * Everything the server knows about one served resource: where it lives (group, version, plural
 * resource name), what it is (kind, fabric8 type, scope), how discovery names it (singular, short names,
 * categories), which subresources it has, its {@link ResourceStrategy} and its structural {@link Schema}.
 * Adding a resource is adding one of these (see {@link BuiltInResources}).
 *
 * @param subresources names among {@code status}, {@code scale}, {@code eviction}
 * @param scale        how the {@code scale} subresource reads and writes replicas, or null
 * @param verbs        the verbs served (all eight for stored resources; {@code create} only for review APIs)
 * @param tracksGeneration whether {@code metadata.generation} is kept (1 on create, +1 whenever anything but
 *                     metadata and status changes), as kube-apiserver does for workloads and a few others
 * @param schema       the kind's structural schema; null for a built-in type, whose schema is built from it
 * @param storageForm  where and at which version objects are stored (custom resources: their group's folder and
 *                     the CRD's storage version)
 * @param deprecationWarning the Warning every request to this version gets (a deprecated CRD version), or null
 * @param listKind     the kind of its lists: {@code <Kind>List}, or a CRD's {@code spec.names.listKind}
 */
public record ResourceDefinition<T extends HasMetadata>(
        String group, String version, String resource, String kind, String singular, boolean namespaced,
        List<String> shortNames, List<String> categories, Class<T> type, Set<String> subresources,
        ResourceStrategy<T> strategy, ScaleAccess<T> scale, List<String> verbs, boolean tracksGeneration,
        Schema schema, StorageForm<T> storageForm, String deprecationWarning, String listKind) {

    /** The verbs of a stored resource, in discovery's order. */
    public static final List<String> ALL_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /**
     * The structural schema of the kind: what decoding, unknown-field detection, strategic merge patch and
     * OpenAPI read. Built-in types get theirs from {@link BuiltInSchemas} (built once, on first use).
     */
    @Override
    public Schema schema() {
        return schema != null ? schema : BuiltInSchemas.of(type);
    }

    /** Whether this is a custom resource (served for a CustomResourceDefinition, held as untyped objects). */
    public boolean custom() {
        return type == io.fabric8.kubernetes.api.model.GenericKubernetesResource.class;
    }

    public boolean serves(String verb) {
        return verbs.contains(verb);
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /**
     * The key prefix under which this resource's objects are stored, ending in {@code /}: the storage's prefix,
     * then the group folder of its storage form when it has one (custom resources), then the resource, e.g.
     * {@code /registry/pods/} or {@code /registry/example.com/widgets/}.
     */
    public String keyPrefix(String storagePrefix) {
        String keyGroup = storageForm.keyGroup();
        String base = keyGroup.isEmpty() ? storagePrefix : storagePrefix + "/" + Keys.segment(keyGroup);
        return Keys.listPrefix(base, resource, null);
    }

    public GroupResource groupResource() {
        return new GroupResource(group, resource);
    }

    public GroupVersionResource groupVersionResource() {
        return new GroupVersionResource(group, version, resource);
    }

    public GroupVersionKind groupVersionKind() {
        return new GroupVersionKind(group, version, kind);
    }

    /**
     * The group, version and kind objects are stored at: this version's own, or for a version served over
     * another's storage ({@link StorageForm#storedType()}) the stored class's (discovery's storageVersionHash).
     */
    public GroupVersionKind storedKind() {
        Class<? extends HasMetadata> stored = storageForm.storedType();
        if (stored == null) {
            return groupVersionKind();
        }
        return new GroupVersionKind(HasMetadata.getGroup(stored), HasMetadata.getVersion(stored), HasMetadata.getKind(stored));
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }

    public static <T extends HasMetadata> Builder<T> builder(String group, String version, String resource,
                                                            String kind, Class<T> type) {
        return new Builder<>(group, version, resource, kind, type);
    }

    /** Builds a definition; scope defaults to namespaced, strategy to one with no particulars. */
    public static final class Builder<T extends HasMetadata> {
        private final String group;
        private final String version;
        private final String resource;
        private final String kind;
        private final Class<T> type;
        private boolean namespaced = true;
        private List<String> shortNames = List.of();
        private List<String> categories = List.of();
        private Set<String> subresources = Set.of();
        private ResourceStrategy<T> strategy = new ResourceStrategy<>() {
        };
        private ScaleAccess<T> scale;
        private boolean tracksGeneration;
        private List<String> verbs = ALL_VERBS;
        private Schema schema;
        private String singular;
        private StorageForm<T> storageForm = StorageForm.asServed();
        private String deprecationWarning;
        private String listKind;

        private Builder(String group, String version, String resource, String kind, Class<T> type) {
            this.group = group;
            this.version = version;
            this.resource = resource;
            this.kind = kind;
            this.type = type;
        }

        public Builder<T> clusterScoped() {
            this.namespaced = false;
            return this;
        }

        public Builder<T> shortNames(String... names) {
            this.shortNames = List.of(names);
            return this;
        }

        /** Adds the resource to {@code kubectl get all} and the like. */
        public Builder<T> categories(String... categories) {
            this.categories = List.of(categories);
            return this;
        }

        public Builder<T> subresources(String... names) {
            this.subresources = Set.of(names);
            return this;
        }

        public Builder<T> strategy(ResourceStrategy<T> strategy) {
            this.strategy = strategy;
            return this;
        }

        /** Adds the {@code scale} subresource. */
        public Builder<T> scale(ScaleAccess<T> scale) {
            this.scale = scale;
            java.util.Set<String> s = new java.util.HashSet<>(subresources);
            s.add("scale");
            this.subresources = Set.copyOf(s);
            return this;
        }

        /** Serves only these verbs (e.g. {@code create} for a review API that stores nothing). */
        public Builder<T> verbs(String... verbs) {
            this.verbs = List.of(verbs);
            return this;
        }

        /** Keeps {@code metadata.generation} for this resource. */
        public Builder<T> tracksGeneration() {
            this.tracksGeneration = true;
            return this;
        }

        /** Gives the kind this schema instead of the one built from its type. */
        public Builder<T> schema(Schema schema) {
            this.schema = schema;
            return this;
        }

        /** The singular name discovery gives; defaults to the kind in lower case. */
        public Builder<T> singular(String singular) {
            this.singular = singular;
            return this;
        }

        /** Stores the objects as {@code form} says instead of as served. */
        public Builder<T> storageForm(StorageForm<T> form) {
            this.storageForm = form;
            return this;
        }

        /** Every request to this version is answered with this warning. */
        public Builder<T> deprecated(String warning) {
            this.deprecationWarning = warning;
            return this;
        }

        /** The kind of its lists, when not {@code <Kind>List}. */
        public Builder<T> listKind(String listKind) {
            this.listKind = listKind;
            return this;
        }

        public ResourceDefinition<T> build() {
            return new ResourceDefinition<>(group, version, resource, kind,
                    singular != null ? singular : kind.toLowerCase(java.util.Locale.ROOT),
                    namespaced, shortNames, categories, type, subresources, strategy, scale, verbs, tracksGeneration,
                    schema, storageForm, deprecationWarning, listKind != null ? listKind : kind + "List");
        }
    }
}
