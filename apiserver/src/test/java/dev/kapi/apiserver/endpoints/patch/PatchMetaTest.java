package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.endpoints.patch.PatchMeta.FieldMeta;
import dev.kapi.apiserver.endpoints.patch.PatchMeta.Schema;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The merge keys found by walking the fabric8 model from a root type along a JSON path. */
class PatchMetaTest {

    static FieldMeta walk(Class<?> root, String path) {
        Schema s = Schema.of(root);
        FieldMeta f = null;
        for (String part : path.split("\\.")) {
            f = s.field(part);
            s = f.schema();
        }
        return f;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POD|spec.containers|true|name",
            "POD|spec.initContainers|true|name",
            "POD|spec.ephemeralContainers.env|true|name",
            "POD|spec.containers.ports|true|containerPort",
            "POD|spec.containers.volumeMounts|true|mountPath",
            "POD|spec.containers.envFrom|false|''",
            "POD|spec.volumes|true|name",
            "POD|spec.tolerations|false|''",
            "POD|spec.readinessGates|false|''",
            "POD|status.conditions|true|type",
            "POD|metadata.finalizers|true|''",
            "POD|metadata.ownerReferences|true|uid",
            "POD|metadata.labels|false|''",
            "POD|metadata.labels.foo|false|''",
            "POD|spec.containers.resources.limits.cpu|false|''",
            "POD|spec.nope.deeper|false|''",
            "DEPLOY|spec.template.spec.containers|true|name",
            "DEPLOY|spec.template.spec.topologySpreadConstraints|true|topologyKey",
            "DEPLOY|status.conditions|true|type"})
    void findsMergeKeys(String root, String path, boolean merge, String mergeKey) {
        FieldMeta f = walk(root.equals("POD") ? Pod.class : Deployment.class, path);
        assertThat(f.merge()).isEqualTo(merge);
        assertThat(f.mergeKey()).isEqualTo(mergeKey);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"spec.volumes", "spec.resourceClaims"})
    void retainKeysOnVolumes(String path) {
        assertThat(walk(Pod.class, path).retainKeys()).isTrue();
    }
}
