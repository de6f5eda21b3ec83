package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.StoredObject;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * GET of one object (and of its {@code status} subresource, which returns the whole object), at the revision
 * its {@code resourceVersion} asks for: unset the most recent, "0" any, N not older than N.
 */
public final class GetHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        StoredObject<HasMetadata> read = scope.store().read(scope.namespace(), scope.name(),
                scope.param("resourceVersion"));
        StoredWriter.writeObject(scope, 200, read);
    }
}
