package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * PUT of a whole object (or of its {@code status}, or a namespace's {@code finalize}): the body, decoded
 * once, replaces the stored object through the write pipeline's compare-and-swap update; a stale
 * {@code metadata.resourceVersion} is a 409 Conflict.
 */
public final class UpdateHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        HasMetadata body = ObjectDecoder.readObject(scope);
        UrlObjectName.check(scope, body);
        HasMetadata updated = scope.writes().update(scope.writeScope(), scope.name(), current -> {
            // each attempt starts from the body as sent (admission may have changed the previous one)
            HasMetadata next = Json.convert(Json.tree(body), scope.definition().type());
            if (next.getMetadata() != null) {
                next.getMetadata().setName(scope.name());
                next.getMetadata().setManagedFields(body.getMetadata().getManagedFields());
                next.getMetadata().setNamespace(current.getMetadata().getNamespace());
            }
            return next;
        }, scope.updateOptions(dryRun));
        scope.definition().strategy().warnings(updated).forEach(scope::warn);
        ObjectWriter.writeObject(scope, 200, updated);
    }
}
