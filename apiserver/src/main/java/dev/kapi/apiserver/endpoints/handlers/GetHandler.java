package dev.kapi.apiserver.endpoints.handlers;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * GET of one object (and of its {@code status} subresource, which returns the whole object), at the revision
 * its {@code resourceVersion} asks for: unset the most recent, "0" any, N not older than N.
 */
public final class GetHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        HasMetadata obj = scope.store().get(scope.namespace(), scope.name(), scope.param("resourceVersion"));
        ObjectWriter.writeObject(scope, 200, obj);
    }
}
