package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.StoredObject;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * POST of a new object: read the body (3 MiB limit) → decode once, with field validation → the write
 * pipeline's create (mutating admission, defaults, strategy, validation, validating admission, storage) → 201
 * with what was stored (a JSON answer is the stored bytes, as a GET's: {@link StoredWriter}).
 */
public final class CreateHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        HasMetadata obj = ObjectDecoder.readObject(scope);
        scope.checkObjectNamespace(obj);
        StoredObject<HasMetadata> created = scope.writes().createRequested(scope.writeScope(), obj,
                scope.createOptions(dryRun));
        scope.definition().strategy().warnings(created.object()).forEach(scope::warn);
        StoredWriter.writeObject(scope, 201, created);
    }
}
