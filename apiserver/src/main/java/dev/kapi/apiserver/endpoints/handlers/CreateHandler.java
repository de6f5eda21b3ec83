package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
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
        checkNamespace(scope, obj);
        HasMetadata created = scope.writes().create(scope.writeScope(), obj, scope.createOptions(dryRun));
        scope.definition().strategy().warnings(created).forEach(scope::warn);
        ObjectWriter.writeObject(scope, 201, created);
    }

    /** The body's namespace, when given, must be the URL's (400 otherwise, as kube-apiserver answers). */
    static void checkNamespace(RequestScope scope, HasMetadata obj) {
        if (obj.getMetadata() == null || !scope.definition().namespaced()) {
            return;
        }
        String bodyNs = obj.getMetadata().getNamespace();
        if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(scope.namespace())) {
            throw StatusError.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
    }
}
