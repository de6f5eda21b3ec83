package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.matching.EquivalentResources;
import dev.kapi.apiserver.admission.plugin.webhook.generic.ObjectVersions;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ObjectCodec;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.SubresourceKinds;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/**
 * The served versions of each resource, from the resource registry as it is now (a CRD's versions come and go):
 * admission's {@link EquivalentResources} (kube's equivalent resource mapper: the same group and resource in
 * every served version) and {@link ObjectVersions} (converting an object between them with the target version's
 * storage form, i.e. the CRD's conversion).
 */
final class RegistryVersions implements EquivalentResources, ObjectVersions {

    private final ResourceRegistry resources;

    RegistryVersions(ResourceRegistry resources) {
        this.resources = resources;
    }

    @Override
    public List<GroupVersionResource> equivalents(GroupVersionResource resource, String subresource) {
        return resources.snapshot().all().stream()
                .filter(d -> d.group().equals(resource.group()) && d.resource().equals(resource.resource()))
                .filter(d -> subresource == null || subresource.isEmpty() || d.hasSubresource(subresource))
                .map(ResourceDefinition::groupVersionResource)
                .toList();
    }

    @Override
    public GroupVersionKind kindFor(GroupVersionResource resource, String subresource) {
        return resources.find(resource.group(), resource.version(), resource.resource())
                .map(d -> subresource == null || subresource.isEmpty() ? d.groupVersionKind()
                        : SubresourceKinds.of(d, subresource).kindOf(d))
                .orElse(null);
    }

    @Override
    public HasMetadata convert(HasMetadata obj, GroupVersionResource to) {
        ResourceDefinition<?> target = resources.find(to.group(), to.version(), to.resource())
                .orElseThrow(() -> StatusError.internal("unable to convert to " + to + ": unknown kind"));
        if (!target.type().isInstance(obj)) { // a built-in version of another class: through the stored form
            ResourceDefinition<?> source = resources.snapshot().all().stream()
                    .filter(d -> d.resource().equals(to.resource()) && d.apiVersion().equals(obj.getApiVersion())
                            && d.type().isInstance(obj))
                    .findFirst()
                    .orElseThrow(() -> StatusError.internal("unable to convert " + obj.getClass().getSimpleName()
                            + " to " + target.groupVersionKind()));
            return target.storageForm().fromStorage(stored(source, obj));
        }
        return convert(target, obj);
    }

    private static <T extends HasMetadata> HasMetadata stored(ResourceDefinition<T> source, HasMetadata obj) {
        return source.storageForm().toStorage(source.type().cast(obj));
    }

    private static <T extends HasMetadata> T convert(ResourceDefinition<T> target, HasMetadata obj) {
        if (!target.type().isInstance(obj)) {
            throw StatusError.internal("unable to convert " + obj.getClass().getSimpleName() + " to "
                    + target.groupVersionKind());
        }
        T copy = ObjectCodec.copy(target.type().cast(obj), target.type());
        if (target.apiVersion().equals(copy.getApiVersion())) {
            return copy;
        }
        // a stored object is converted to the served version the same way: the CRD's conversion
        return target.storageForm().fromStorage(copy);
    }
}
