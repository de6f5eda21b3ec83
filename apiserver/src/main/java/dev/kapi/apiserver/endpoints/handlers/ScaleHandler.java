package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.rest.UpdatedObject;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import tools.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * The {@code scale} subresource ({@code autoscaling/v1 Scale}): GET shows desired and observed replicas
 * and the selector; PUT and PATCH (what {@code kubectl scale} sends) change the object's spec.replicas
 * through the write pipeline, which admits them as Scale objects.
 */
public final class ScaleHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        ScaleAccess<HasMetadata> access = scope.definition().scale();
        String verb = scope.info().verb();
        if (verb.equals("get")) {
            ObjectWriter.writeRaw(scope, 200, access.toScale(scope.store().get(scope.namespace(), scope.name())));
            return;
        }
        if (!verb.equals("update") && !verb.equals("patch")) {
            throw StatusError.methodNotSupported(scope.definition().groupResource(), verb);
        }
        boolean dryRun = scope.dryRun();
        UpdatedObject<Scale> wanted = verb.equals("update") ? replaced(scope) : patched(scope);
        Scale updated = scope.writes().updateScale(scope.writeScope(), scope.name(), wanted,
                scope.updateOptions(dryRun));
        ObjectWriter.writeRaw(scope, 200, updated);
    }

    /** PUT: the body, decoded once; each attempt starts from a copy of it. */
    private static UpdatedObject<Scale> replaced(RequestScope scope) throws IOException {
        Scale body = ObjectDecoder.readObject(scope, Scale.class, "autoscaling/v1", "Scale");
        UrlObjectName.check(scope, body);
        return current -> Json.convert(Json.tree(body), Scale.class);
    }

    /** PATCH: the patch applied to the current Scale. */
    private static UpdatedObject<Scale> patched(RequestScope scope) throws IOException {
        byte[] patch = BodyReader.read(scope.request());
        PatchType type = PatchType.fromContentType(scope.request().getContentType());
        return current -> {
            JsonNode patched = Patches.apply(type, Json.tree(current), patch, BuiltInSchemas.of(Scale.class));
            Scale wanted = ObjectDecoder.decodePatched(scope, patched, type, patch, Scale.class);
            UrlObjectName.check(scope, wanted);
            return wanted;
        };
    }
}
