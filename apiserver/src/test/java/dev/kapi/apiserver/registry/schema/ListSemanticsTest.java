package dev.kapi.apiserver.registry.schema;

import dev.kapi.apiserver.api.schema.KubeSchemaNames;
import dev.kapi.apiserver.api.schema.Schema;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.kapi.apiserver.registry.schema.BuiltInSchemasTest.fabric8ClassesNamed;
import static dev.kapi.apiserver.registry.schema.BuiltInSchemasTest.walk;
import static org.assertj.core.api.Assertions.assertThat;

/** kube's list, map and struct semantics ({@link ListSemantics}) on the schemas built from fabric8's classes. */
class ListSemanticsTest {

    /** Go {@code []byte} fields kube marks as atomic lists (its OpenAPI too) that fabric8 types as a String. */
    private static final Set<String> GO_BYTES = Set.of("apiregistration.v1.APIServiceSpec.caBundle");

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "POD|spec.containers|map|name|-",
            "POD|spec.containers.ports|map|containerPort,protocol|-",
            "POD|spec.ephemeralContainers.ports|map|containerPort,protocol|-",
            "POD|spec.topologySpreadConstraints|map|topologyKey,whenUnsatisfiable|-",
            "POD|spec.volumes|map|name|-",
            "POD|spec.volumes.configMap.items|atomic|-|-",
            "POD|spec.tolerations|atomic|-|-",
            "POD|spec.nodeSelector|-|-|atomic",
            "POD|spec.containers.args|atomic|-|-",
            "POD|spec.containers.envFrom|atomic|-|-",
            "POD|spec.containers.resources|-|-|-",
            "POD|status.podIPs|map|ip|-",
            "POD|metadata.finalizers|set|-|-",
            "POD|metadata.ownerReferences|map|uid|-",
            "POD|metadata.labels|-|-|-",
            "SVC|spec.ports|map|port,protocol|-",
            "SVC|spec.selector|-|-|atomic",
            "DEPLOY|status.conditions|map|type|-",
            "DEPLOY|spec.template.spec.readinessGates|atomic|-|-",
            "PV|spec.claimRef|-|-|granular"})
    void fieldsCarryTheirListAndMapTypes(String root, String path, String listType, String keys, String mapType) {
        Class<?> type = switch (root) {
            case "POD" -> Pod.class;
            case "SVC" -> Service.class;
            case "DEPLOY" -> Deployment.class;
            default -> PersistentVolume.class;
        };
        Schema f = walk(type, path);
        assertThat(f.listType()).isEqualTo(listType == null ? "" : listType);
        assertThat(f.listMapKeys()).isEqualTo(keys == null ? List.of() : List.of(keys.split(",")));
        assertThat(f.mapType()).isEqualTo(mapType == null ? "" : mapType);
    }

    @Test
    void aTypesMapTypeSitsOnItsDefinition() {
        Schema selector = walk(Deployment.class, "spec.selector");
        assertThat(selector.name()).isEqualTo("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
        assertThat(selector.mapType()).isEqualTo("atomic");
        Schema pdbSelector = walk(PodDisruptionBudget.class, "spec.selector");
        assertThat(pdbSelector.patchStrategy()).as("a reference for its own patch strategy").isEqualTo("replace");
        assertThat(pdbSelector.definition().mapType()).isEqualTo("atomic");
        assertThat(walk(Pod.class, "metadata.ownerReferences").items().mapType()).isEqualTo("atomic");
        assertThat(walk(Pod.class, "spec.imagePullSecrets").items().mapType()).isEqualTo("atomic");
        assertThat(BuiltInSchemas.meta("ObjectMeta").mapType()).isEmpty();
    }

    @Test
    void theItemsOfAListKindHaveNone() {
        Schema items = BuiltInSchemas.listOf(Pod.class).field("items");
        assertThat(items.type()).isEqualTo("array");
        assertThat(items.listType()).isEmpty();
    }

    @Test
    void aFieldOverridesItsTypesMapType() {
        Schema claimRef = walk(PersistentVolume.class, "spec.claimRef");
        assertThat(claimRef.mapType()).isEqualTo("granular");
        assertThat(claimRef.definition().name()).isEqualTo("io.k8s.api.core.v1.ObjectReference");
        assertThat(claimRef.definition().mapType()).isEqualTo("atomic");
    }

    @Test
    void listsKeepTheirPatchStrategyBesideTheirListType() {
        Schema ports = walk(Pod.class, "spec.containers.ports");
        assertThat(ports.patchStrategy()).isEqualTo("merge");
        assertThat(ports.patchMergeKey()).isEqualTo("containerPort");
        assertThat(ports.listType()).isEqualTo("map");
    }

    /**
     * Every field the table lists exists in a fabric8 class that stands for that kube type, and its schema
     * has the listed semantics on a node of the right kind: list types on arrays (or {@link #GO_BYTES}),
     * map types on objects.
     */
    @Test
    void everyListedFieldExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String listed : ListSemantics.fields()) {
            String[] parts = listed.split("\\.", 4); // group, version, Type, field
            String type = parts[0] + "." + parts[1] + "." + parts[2];
            String field = parts[3];
            boolean found = false;
            for (Class<?> c : classesOf(type)) {
                Schema f = BuiltInSchemas.of(c).properties().get(field);
                if (f == null) {
                    continue;
                }
                ListSemantics.Semantics s = ListSemantics.of(KubeSchemaNames.of(c), field);
                assertThat(f.listType()).as(listed).isEqualTo(s.listType());
                assertThat(f.listMapKeys()).as(listed).isEqualTo(s.listMapKeys());
                assertThat(f.mapType()).as(listed).isEqualTo(s.mapType());
                String kind = GO_BYTES.contains(listed) ? "array" : f.type();
                assertThat(kind).as(listed).isEqualTo(s.listType().isEmpty() ? "object" : "array");
                for (String key : s.listMapKeys()) {
                    assertThat(f.items().properties()).as(listed + " elements").containsKey(key);
                }
                found = true;
            }
            if (!found) {
                missing.add(listed);
            }
        }
        assertThat(missing).as("listed fields that no fabric8 class has").isEmpty();
    }

    /** Every type the table gives a map type of its own has a fabric8 class whose definition carries it. */
    @Test
    void everyListedTypeExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String listed : ListSemantics.types()) {
            List<Class<?>> classes = classesOf(listed);
            for (Class<?> c : classes) {
                Schema d = BuiltInSchemas.of(c);
                assertThat(d.type()).as(listed).isEqualTo("object");
                assertThat(d.mapType()).as(listed).isEqualTo(ListSemantics.typeMapType(KubeSchemaNames.of(c)));
            }
            if (classes.isEmpty()) {
                missing.add(listed);
            }
        }
        assertThat(missing).as("listed types that no fabric8 class stands for").isEmpty();
    }

    /** The fabric8 classes whose kube name ends with {@code group.version.Type}. */
    private static List<Class<?>> classesOf(String groupVersionType) throws IOException {
        String simple = groupVersionType.substring(groupVersionType.lastIndexOf('.') + 1);
        return fabric8ClassesNamed(simple).stream()
                .filter(c -> KubeSchemaNames.of(c).endsWith("." + groupVersionType)).toList();
    }
}
