package dev.kapi.apiserver.endpoints.patch;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.handlers.ObjectDecoder;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import dev.kapi.apiserver.testing.FuzzOracle;
import dev.kapi.apiserver.testing.FuzzScopes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import tools.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the patch appliers (JSON patch, merge patch, strategic merge patch) against a few typed objects,
 * then decodes the result as the PATCH handler does. Oracles: only 4xx {@code StatusError}s
 * ({@link FuzzOracle}); the original object's tree is never modified. Input: a selector byte (patch type,
 * object), then the patch.
 */
class PatchesFuzzTest {

    private static final List<PatchType> TYPES = List.of(PatchType.STRATEGIC, PatchType.MERGE, PatchType.JSON_PATCH);

    private record Target(String resource, Class<? extends HasMetadata> type, String json) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target("pods", Pod.class, PatchesTest.j(PatchesTest.POD)),
            new Target("deployments", Deployment.class, PatchesTest.j(PatchesTest.DEPLOY)),
            new Target("services", Service.class, PatchesTest.j("{'apiVersion':'v1','kind':'Service','metadata':"
                    + "{'name':'s','labels':{'a':'b'}},'spec':{'ports':[{'name':'http','port':80,'targetPort':8080},"
                    + "{'name':'https','port':443,'targetPort':'https'}],'selector':{'app':'a'}}}")),
            new Target("configmaps", ConfigMap.class, PatchesTest.j("{'apiVersion':'v1','kind':'ConfigMap','metadata':"
                    + "{'name':'c','finalizers':['a/b'],'annotations':{'x':'y'}},'data':{'k':'v'}}")));

    @FuzzTest(maxDuration = "5s")
    void apply(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xff;
        PatchType type = TYPES.get(selector % TYPES.size());
        Target target = TARGETS.get((selector / TYPES.size()) % TARGETS.size());
        byte[] patch = Arrays.copyOfRange(input, 1, input.length);
        JsonNode original = Json.MAPPER.readTree(target.json());
        JsonNode before = original.deepCopy();
        try {
            JsonNode patched = Patches.apply(type, original, patch, BuiltInSchemas.of(target.type()));
            RequestScope scope = FuzzScopes.scope("PATCH", target.resource(), "x", type.mediaType(), null, patch);
            ObjectDecoder.decodePatched(scope, patched, type, patch, target.type());
        } catch (StatusError e) {
            FuzzOracle.check(e);
        }
        if (!original.equals(before)) {
            throw new AssertionError("the patch modified the original object: " + original);
        }
    }
}
