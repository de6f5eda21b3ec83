package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * PUT of a whole object (or of its {@code status}): the body replaces the stored object under
 * compare-and-swap; a stale {@code metadata.resourceVersion} is a 409 Conflict.
 */
public final class UpdateHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        HasMetadata body = ObjectDecoder.readObject(scope);
        UrlObjectName.check(scope, body);
        HasMetadata updated = scope.store().update(scope.namespace(), scope.name(), current -> {
            HasMetadata next = dev.kapi.apiserver.api.Json.convert(dev.kapi.apiserver.api.Json.tree(body),
                    scope.definition().type());
            if (next.getMetadata() != null) {
                next.getMetadata().setName(scope.name());
                next.getMetadata().setNamespace(current.getMetadata().getNamespace());
            }
            return scope.mutate(Operation.UPDATE, next, current, dryRun);
        }, scope.subresource(), scope.writeOptions(Operation.UPDATE, dryRun));
        scope.definition().strategy().warnings(updated).forEach(scope::warn);
        ObjectWriter.writeObject(scope, 200, updated);
    }
}
