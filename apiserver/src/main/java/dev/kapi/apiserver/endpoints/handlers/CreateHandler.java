package dev.kapi.apiserver.endpoints.handlers;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * POST of a new object: read the body (3 MiB limit) → decode once, with field validation → the write
 * pipeline's create (mutating admission, defaults, strategy, validation, validating admission, storage) → 201.
 */
public final class CreateHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        HasMetadata obj = ObjectDecoder.readObject(scope);
        scope.checkObjectNamespace(obj);
        HasMetadata created = scope.writes().createRequested(scope.writeScope(), obj, scope.createOptions(dryRun));
        scope.definition().strategy().warnings(created).forEach(scope::warn);
        ObjectWriter.writeObject(scope, 201, created);
    }
}
