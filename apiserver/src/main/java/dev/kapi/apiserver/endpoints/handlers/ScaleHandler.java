package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.endpoints.protobuf.ProtobufBodies;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.patch.PatchType;
import dev.kapi.apiserver.endpoints.patch.Patches;
import dev.kapi.apiserver.registry.ScaleAccess;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The {@code scale} subresource ({@code autoscaling/v1 Scale}): GET shows desired and observed replicas
 * and the selector; PUT and PATCH (what {@code kubectl scale} sends) change the object's spec.replicas.
 */
public final class ScaleHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        ScaleAccess<HasMetadata> access = scope.definition().scale();
        String verb = scope.info().verb();
        if (verb.equals("get")) {
            ObjectWriter.writeRaw(scope, 200, toScale(access, scope.store().get(scope.namespace(), scope.name())));
            return;
        }
        if (!verb.equals("update") && !verb.equals("patch")) {
            throw StatusError.methodNotSupported(scope.definition().groupResource(), verb);
        }
        boolean dryRun = scope.dryRun();
        byte[] body = BodyReader.read(scope.request());
        PatchType patchType = verb.equals("patch") ? PatchType.fromContentType(scope.request().getContentType()) : null;
        HasMetadata updated = scope.store().update(scope.namespace(), scope.name(), current -> {
            Scale wanted = wantedScale(scope, access, current, body, patchType);
            UrlObjectName.check(scope, wanted);
            String rv = wanted.getMetadata() == null ? null : wanted.getMetadata().getResourceVersion();
            if (rv != null && !rv.isEmpty() && !rv.equals(current.getMetadata().getResourceVersion())) {
                throw StatusError.conflict(scope.definition().groupResource(), scope.name(), StatusError.MODIFIED);
            }
            Integer replicas = wanted.getSpec() == null ? null : wanted.getSpec().getReplicas();
            if (replicas == null || replicas < 0) {
                throw StatusError.invalid("Scale", "autoscaling", scope.name(), java.util.List.of(
                        dev.kapi.apiserver.api.FieldError.invalid("spec.replicas", replicas,
                                "must be greater than or equal to 0")));
            }
            access.setSpecReplicas(current, replicas);
            return scope.mutate(Operation.UPDATE, current, null, dryRun);
        }, false, scope.writeOptions(Operation.UPDATE, dryRun));
        ObjectWriter.writeRaw(scope, 200, toScale(access, updated));
    }

    private static Scale wantedScale(RequestScope scope, ScaleAccess<HasMetadata> access, HasMetadata current,
                                     byte[] body, PatchType patchType) {
        if (patchType == null) {
            ObjectNode tree = ProtobufBodies.isProtobuf(
                    scope.request().getContentType()) ? ProtobufBodies.decode(body)
                    : ObjectDecoder.parse(body, BodyReader.isYaml(scope.request()));
            ObjectDecoder.checkTypeMeta(tree, "autoscaling/v1", "Scale");
            return ObjectDecoder.decodeAs(scope, tree, Scale.class);
        }
        JsonNode patched = Patches.apply(patchType, Json.tree(toScale(access, current)), body,
                BuiltInSchemas.of(Scale.class));
        return ObjectDecoder.decodePatched(scope, patched, patchType, body, Scale.class);
    }

    static Scale toScale(ScaleAccess<HasMetadata> access, HasMetadata obj) {
        Scale s = new Scale();
        s.setApiVersion("autoscaling/v1");
        s.setKind("Scale");
        ObjectMeta m = new ObjectMeta();
        m.setName(obj.getMetadata().getName());
        m.setNamespace(obj.getMetadata().getNamespace());
        m.setUid(obj.getMetadata().getUid());
        m.setResourceVersion(obj.getMetadata().getResourceVersion());
        m.setCreationTimestamp(obj.getMetadata().getCreationTimestamp());
        s.setMetadata(m);
        s.setSpec(new ScaleSpec(access.specReplicas(obj)));
        s.setStatus(new ScaleStatus(access.statusReplicas(obj), access.selector(obj)));
        return s;
    }
}
