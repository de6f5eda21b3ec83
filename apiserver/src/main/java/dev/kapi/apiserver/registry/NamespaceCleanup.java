package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties a deleted namespace: deletes every namespaced object in it, resource by resource. It stands in
 * for kube-controller-manager's namespace controller until controllers arrive (see the roadmap): the
 * namespace object goes at once instead of staying {@code Terminating} while its content is removed.
 */
public final class NamespaceCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceCleanup.class);

    private final StoreRegistry stores;

    public NamespaceCleanup(StoreRegistry stores) {
        this.stores = stores;
    }

    /** Starts removing the namespace's content in the background. */
    public void cleanupLater(String namespace) {
        Thread.ofVirtual().name("namespace-cleanup-" + namespace).start(() -> cleanup(namespace));
    }

    public void cleanup(String namespace) {
        for (Store<?> store : stores.namespacedStores()) {
            try {
                deleteAll(store, namespace);
            } catch (RuntimeException e) {
                LOG.warn("could not empty {} in namespace {}: {}", store.definition().resource(), namespace,
                        e.getMessage());
            }
        }
    }

    private static <T extends HasMetadata> void deleteAll(Store<T> store, String namespace) {
        store.deleteCollection(namespace, ListParams.all(), WriteOptions.plain());
    }
}
