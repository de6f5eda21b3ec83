package dev.kapi.apiserver.registry.schema;

import dev.kapi.apiserver.api.schema.Schema;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The schemas built from the fabric8 classes: structure, kube's special types, patch strategies. */
class BuiltInSchemasTest {

    /** The schema of {@code path} (fields joined by dots; a list's elements are walked through). */
    static Schema walk(Class<?> root, String path) {
        Schema s = BuiltInSchemas.of(root);
        Schema f = null;
        for (String part : path.split("\\.")) {
            f = s == null ? null : s.field(part);
            s = f == null ? null : f.items() != null ? f.items() : f;
        }
        return f;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POD|spec.containers|merge|name",
            "POD|spec.initContainers|merge|name",
            "POD|spec.ephemeralContainers.env|merge|name",
            "POD|spec.containers.ports|merge|containerPort",
            "POD|spec.containers.volumeMounts|merge|mountPath",
            "POD|spec.containers.envFrom|''|''",
            "POD|spec.volumes|'merge,retainKeys'|name",
            "POD|spec.tolerations|''|''",
            "POD|spec.readinessGates|''|''",
            "POD|status.conditions|merge|type",
            "POD|metadata.finalizers|merge|''",
            "POD|metadata.ownerReferences|merge|uid",
            "POD|metadata.labels|''|''",
            "POD|metadata.labels.foo|''|''",
            "POD|spec.containers.resources.limits.cpu|''|''",
            "DEPLOY|spec.template.spec.containers|merge|name",
            "DEPLOY|spec.template.spec.topologySpreadConstraints|merge|topologyKey",
            "DEPLOY|status.conditions|merge|type",
            "DEPLOY|spec.strategy|retainKeys|''",
            "PDB|spec.selector|replace|''"})
    void patchStrategiesSitOnTheFieldsTheyGovern(String root, String path, String strategy, String mergeKey) {
        Class<?> type = switch (root) {
            case "POD" -> Pod.class;
            case "DEPLOY" -> Deployment.class;
            default -> PodDisruptionBudget.class;
        };
        Schema f = walk(type, path);
        assertThat(f.patchStrategy()).isEqualTo(strategy);
        assertThat(f.patchMergeKey()).isEqualTo(mergeKey);
    }

    @Test
    void unknownPathsHaveNoSchema() {
        assertThat(walk(Pod.class, "spec.nope")).isNull();
        assertThat(walk(Pod.class, "spec.nope.deeper")).isNull();
    }

    @Test
    void aFieldWithItsOwnStrategyReferencesTheSharedDefinition() {
        Schema strategy = walk(Deployment.class, "spec.strategy");
        Schema definition = BuiltInSchemas.kind("apps", "v1", "DeploymentStrategy");

        assertThat(strategy).isNotSameAs(definition);
        assertThat(strategy.definition()).isSameAs(definition);
        assertThat(strategy.properties()).isSameAs(definition.properties()).containsKeys("type", "rollingUpdate");
        assertThat(definition.patchStrategy()).as("the definition itself has no strategy").isEmpty();
    }

    @Test
    void objectsListsMapsAndScalars() {
        Schema cm = BuiltInSchemas.of(ConfigMap.class);
        assertThat(cm.name()).isEqualTo("io.k8s.api.core.v1.ConfigMap");
        assertThat(cm.type()).isEqualTo("object");
        assertThat(cm.properties()).containsOnlyKeys("apiVersion", "binaryData", "data", "immutable", "kind",
                "metadata");
        assertThat(cm.field("data").type()).isEqualTo("object");
        assertThat(cm.field("data").additionalProperties().type()).isEqualTo("string");
        assertThat(cm.field("binaryData").additionalProperties().type()).isEqualTo("string");
        assertThat(cm.field("metadata")).isSameAs(BuiltInSchemas.meta("ObjectMeta"));
        assertThat(walk(Pod.class, "spec.containers").type()).isEqualTo("array");
        assertThat(walk(Pod.class, "spec.containers").items().name()).isEqualTo("io.k8s.api.core.v1.Container");
        assertThat(walk(Pod.class, "metadata.generation").format()).isEqualTo("int64");
    }

    @Test
    void kubesSpecialTypes() {
        Schema port = walk(Pod.class, "spec.containers.livenessProbe.httpGet.port");
        assertThat(port.name()).isEqualTo("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
        assertThat(port.intOrString()).isTrue();
        assertThat(port.oneOf()).containsExactly("integer", "string");
        Schema cpu = walk(Pod.class, "spec.containers.resources.limits.cpu");
        assertThat(cpu.name()).isEqualTo("io.k8s.apimachinery.pkg.api.resource.Quantity");
        assertThat(cpu.oneOf()).containsExactly("string", "number");
        assertThat(cpu.properties()).isEmpty();
        assertThat(BuiltInSchemas.meta("MicroTime").format()).isEqualTo("date-time");
    }

    @Test
    void aRecursiveTypeIsOneDefinitionThatReachesItself() {
        Schema props = BuiltInSchemas.of(JSONSchemaProps.class);
        assertThat(props.field("properties").additionalProperties()).isSameAs(props);
        assertThat(props.field("allOf").items()).isSameAs(props);
        assertThat(props.field("x-kubernetes-preserve-unknown-fields").type()).isEqualTo("boolean");
    }

    @Test
    void kindsListsAndMetaTypes() {
        assertThat(BuiltInSchemas.kind("autoscaling", "v1", "Scale").name())
                .isEqualTo("io.k8s.api.autoscaling.v1.Scale");
        assertThat(BuiltInSchemas.kind("", "v1", "Nope")).isNull();
        assertThat(BuiltInSchemas.listOf(Pod.class).name()).isEqualTo("io.k8s.api.core.v1.PodList");
        assertThat(BuiltInSchemas.listOf(Pod.class).field("items").items()).isSameAs(BuiltInSchemas.of(Pod.class));
        Schema generic = BuiltInSchemas.listOf(io.fabric8.kubernetes.api.model.authentication.TokenReview.class);
        assertThat(generic.name()).isEmpty();
        assertThat(generic.properties()).containsOnlyKeys("apiVersion", "kind", "metadata", "items");
        assertThat(generic.required()).containsExactly("items");
    }

    /** Every field the patch-strategy table names exists in a fabric8 class of that name, and carries its tag. */
    @Test
    void everyTaggedFieldExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String tagged : PatchStrategies.fields()) {
            String type = tagged.substring(0, tagged.indexOf('.'));
            String field = tagged.substring(tagged.indexOf('.') + 1);
            boolean found = false;
            for (Class<?> c : fabric8ClassesNamed(type)) {
                Schema f = BuiltInSchemas.of(c).properties().get(field);
                if (f != null) {
                    assertThat(f.patchStrategy()).as(tagged).isEqualTo(PatchStrategies.of(type, field).strategy());
                    found = true;
                }
            }
            if (!found) {
                missing.add(tagged);
            }
        }
        assertThat(missing).as("tagged fields that no fabric8 class has").isEmpty();
    }

    static List<Class<?>> fabric8ClassesNamed(String simpleName) throws IOException {
        List<Class<?>> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("kubernetes-model-") || !entry.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith("io/fabric8/kubernetes/api/model/")
                                && n.endsWith("/" + simpleName + ".class"))
                        .forEach(n -> {
                            try {
                                out.add(Class.forName(n.substring(0, n.length() - 6).replace('/', '.')));
                            } catch (ClassNotFoundException e) {
                                throw new IllegalStateException(e);
                            }
                        });
            }
        }
        return out;
    }
}
