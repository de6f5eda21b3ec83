package dev.kapi.apiserver.admission.plugin.matching;

import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;

import java.util.List;

/**
 * The resources that serve the same objects as a request's (kube's {@code EquivalentResourceMapper}): the other
 * served versions of the same group and resource (a custom resource's versions). Used by
 * {@code matchPolicy: Equivalent}.
 */
public interface EquivalentResources {

    /** No equivalents: every rule matches exactly. */
    EquivalentResources NONE = new EquivalentResources() {
        @Override
        public List<GroupVersionResource> equivalents(GroupVersionResource resource, String subresource) {
            return List.of(resource);
        }

        @Override
        public GroupVersionKind kindFor(GroupVersionResource resource, String subresource) {
            return null;
        }
    };

    /** Every served resource equivalent to {@code resource} (with the subresource), itself included. */
    List<GroupVersionResource> equivalents(GroupVersionResource resource, String subresource);

    /** The kind {@code resource}'s endpoint (with the subresource) serves, or null when not served. */
    GroupVersionKind kindFor(GroupVersionResource resource, String subresource);
}
