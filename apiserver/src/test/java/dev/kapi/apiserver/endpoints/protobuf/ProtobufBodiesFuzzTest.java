package dev.kapi.apiserver.endpoints.protobuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.handlers.ObjectDecoder;
import dev.kapi.apiserver.testing.FuzzOracle;
import dev.kapi.apiserver.testing.FuzzScopes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Fuzzes {@link ProtobufBodies#decode} (the magic prefix is added, the input is the {@code runtime.Unknown}
 * envelope) and decodes the resulting tree into the kind's type as a create would. Oracle: only 4xx
 * {@code StatusError}s ({@link FuzzOracle}).
 */
class ProtobufBodiesFuzzTest {

    /** A kind this fuzz target decodes further: the resource serving it and its fabric8 type. */
    private record Kind(String resource, Class<?> type) {
    }

    private static final Map<String, Kind> KINDS = Map.of(
            "ConfigMap", new Kind("configmaps", ConfigMap.class), "Pod", new Kind("pods", Pod.class),
            "Deployment", new Kind("deployments", Deployment.class), "Service", new Kind("services", Service.class),
            "Secret", new Kind("secrets", Secret.class), "Namespace", new Kind("namespaces", Namespace.class),
            "Scale", new Kind("deployments", Scale.class), "DeleteOptions", new Kind("configmaps", DeleteOptions.class));

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] envelope) {
        byte[] body = new byte[envelope.length + 4];
        System.arraycopy(ProtobufBodies.MAGIC, 0, body, 0, 4);
        System.arraycopy(envelope, 0, body, 4, envelope.length);
        try {
            ObjectNode tree = ProtobufBodies.decode(body);
            Kind kind = KINDS.get(tree.path("kind").asString(""));
            if (kind != null) {
                ObjectDecoder.decodeAs(FuzzScopes.scope("POST", kind.resource(), null, ProtobufBodies.MEDIA_TYPE, null,
                        body), tree, kind.type());
            }
        } catch (StatusError e) {
            FuzzOracle.check(e);
        }
    }
}
