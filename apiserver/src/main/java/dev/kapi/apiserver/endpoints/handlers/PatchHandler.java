package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * PATCH of an object or its {@code status}: JSON patch, JSON merge patch or strategic merge patch, applied
 * to the current object inside the store's compare-and-swap loop (so a concurrent write re-applies the
 * patch to the newer object rather than failing).
 */
public final class PatchHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        PatchType type = PatchType.fromContentType(scope.request().getContentType());
        if (type == PatchType.APPLY) {
            throw StatusError.unsupportedMediaType(scope.request().getContentType());
        }
        boolean dryRun = scope.dryRun();
        byte[] patch = BodyReader.read(scope.request());
        boolean statusOnly = "status".equals(scope.subresource());
        HasMetadata updated = scope.store().update(scope.namespace(), scope.name(), current -> {
            HasMetadata next = applyPatch(scope, type, patch, current);
            return scope.mutate(Operation.UPDATE, next, current, dryRun);
        }, statusOnly, scope.writeOptions(Operation.UPDATE, dryRun));
        ObjectWriter.writeObject(scope, 200, updated);
    }

    static HasMetadata applyPatch(RequestScope scope, PatchType type, byte[] patch, HasMetadata current) {
        JsonNode patched = Patches.apply(type, Json.tree(current), patch, scope.definition().schema());
        if (!(patched instanceof ObjectNode tree)) {
            throw StatusError.badRequest("the patch must produce a JSON object");
        }
        ObjectDecoder.checkTypeMeta(tree, scope.definition().apiVersion(), scope.definition().kind());
        HasMetadata next = ObjectDecoder.decodePatched(scope, tree, type, patch, scope.definition().type());
        UrlObjectName.check(scope, next);
        return next;
    }
}
