package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/**
 * PUT of a whole object (or of its {@code status}, or a namespace's {@code finalize}): the body, decoded
 * once, replaces the stored object through the write pipeline's compare-and-swap update; a stale
 * {@code metadata.resourceVersion} is a 409 Conflict. A PUT of a missing object creates it (201) where the
 * resource allows that, as kube's do for RBAC roles and bindings, services, endpoints and events; creating then
 * needs the {@code create} verb besides {@code update}.
 */
public final class UpdateHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean dryRun = scope.dryRun();
        HasMetadata body = ObjectDecoder.readObject(scope);
        UrlObjectName.check(scope, body);
        WritePipeline.Applied<HasMetadata> written = scope.writes().updateOrCreate(scope.writeScope(), scope.name(),
                current -> {
                    preconditions(scope, body, current);
                    // each attempt starts from the body as sent (admission may have changed the previous one)
                    HasMetadata next = Json.convert(Json.tree(body), scope.definition().type());
                    if (next.getMetadata() != null) {
                        next.getMetadata().setName(scope.name());
                        next.getMetadata().setManagedFields(body.getMetadata().getManagedFields());
                        next.getMetadata().setNamespace(current != null ? current.getMetadata().getNamespace()
                                : scope.definition().namespaced() ? scope.namespace() : null);
                    }
                    return next;
                }, scope.updateOptions(dryRun), scope::authorizeCreate);
        scope.definition().strategy().warnings(written.object()).forEach(scope::warn);
        ObjectWriter.writeObject(scope, written.created() ? 201 : 200, written.object());
    }

    /** kube makes the body's uid a precondition of the update: another object's is a 409, not a changed uid. */
    private static void preconditions(RequestScope scope, HasMetadata body, HasMetadata current) {
        String uid = body.getMetadata() == null ? null : body.getMetadata().getUid();
        String stored = current == null || current.getMetadata() == null ? null : current.getMetadata().getUid();
        if (current != null && uid != null && !uid.isEmpty() && !uid.equals(stored)) {
            throw StatusError.conflict(scope.definition().groupResource(), scope.name(),
                    "Precondition failed: UID in precondition: " + uid + ", UID in object meta: "
                            + (stored == null ? "" : stored));
        }
    }
}
