package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.storage.Preconditions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** The storage preconditions of a delete's {@code DeleteOptions.preconditions} (uid, resourceVersion). */
final class DeletePreconditions {

    private DeletePreconditions() {
    }

    /**
     * A resourceVersion that is not a number can match no object: kube's 409 naming the object's actual
     * resourceVersion (404 when there is no object).
     */
    static Preconditions of(Store<? extends HasMetadata> store, String namespace, String name, DeleteOptions options) {
        if (options.getPreconditions() == null) {
            return Preconditions.NONE;
        }
        String uid = options.getPreconditions().getUid();
        String rv = options.getPreconditions().getResourceVersion();
        if (rv == null || rv.isEmpty()) {
            return new Preconditions(uid, null);
        }
        try {
            return new Preconditions(uid, Long.parseLong(rv));
        } catch (NumberFormatException e) {
            HasMetadata current = store.get(namespace, name);
            throw StatusError.conflict(store.definition().groupResource(), name,
                    "Precondition failed: ResourceVersion in precondition: " + rv
                            + ", ResourceVersion in object meta: " + current.getMetadata().getResourceVersion());
        }
    }
}
