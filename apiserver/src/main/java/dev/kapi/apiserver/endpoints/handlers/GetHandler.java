package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;

/** GET of one object (and of its {@code status} subresource, which returns the whole object). */
public final class GetHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        HasMetadata obj = scope.store().get(scope.namespace(), scope.name());
        String rv = scope.param("resourceVersion");
        if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
            long requested;
            try {
                requested = Long.parseLong(rv);
            } catch (NumberFormatException e) {
                throw StatusError.badRequest("invalid resource version: \"" + rv + "\"");
            }
            long current = Long.parseLong(obj.getMetadata().getResourceVersion());
            if (requested > current && requested > scope.store().currentRevision()) {
                throw StatusError.timeout("Too large resource version: " + requested + ", current: "
                        + scope.store().currentRevision());
            }
        }
        ObjectWriter.writeObject(scope, 200, obj);
    }
}
