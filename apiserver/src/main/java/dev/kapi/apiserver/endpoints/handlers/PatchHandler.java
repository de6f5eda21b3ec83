package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;

/**
 * PATCH of an object or its {@code status}: JSON patch, JSON merge patch or strategic merge patch, applied
 * to the current object inside the write pipeline's compare-and-swap update (so a concurrent write re-applies
 * the patch to the newer object rather than failing); admission sees it as an UPDATE with UpdateOptions.
 */
public final class PatchHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        PatchType type = PatchType.fromContentType(scope.request().getContentType(),
                scope.definition().custom() ? PatchType.CUSTOM_RESOURCE_TYPES : PatchType.ALL);
        if (type == PatchType.APPLY) {
            ApplyPatch.handle(scope);
            return;
        }
        if (scope.param("force") != null) {
            throw StatusError.invalid("PatchOptions", "meta.k8s.io", "",
                    List.of(FieldError.forbidden("force", "may not be specified for non-apply patch")));
        }
        boolean dryRun = scope.dryRun();
        byte[] patch = BodyReader.read(scope.request());
        HasMetadata updated = scope.writes().update(scope.writeScope(), scope.name(),
                current -> applyPatch(scope, type, patch, current), scope.updateOptions(dryRun));
        ObjectWriter.writeObject(scope, 200, updated);
    }

    static HasMetadata applyPatch(RequestScope scope, PatchType type, byte[] patch, HasMetadata current) {
        JsonNode patched = Patches.apply(type, Json.tree(current), patch, scope.definition().schema());
        if (!(patched instanceof ObjectNode tree)) {
            throw StatusError.badRequest("the patch must produce a JSON object");
        }
        ObjectDecoder.checkTypeMeta(tree, scope.definition().apiVersion(), scope.definition().kind());
        HasMetadata next = ObjectDecoder.decodePatched(scope, tree, type, patch, scope.definition().type());
        ManagedFieldsReset.mark(next, tree);
        UrlObjectName.check(scope, next);
        return next;
    }
}
