package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list, map and struct types the OpenAPI documents (v2 and v3) publish for the built-in resources are
 * kube's. Expected values copied from kube-apiserver's published OpenAPI, kubernetes/kubernetes
 * {@code api/openapi-spec/swagger.json} at v1.35.0 (the same extensions are in its
 * {@code api/openapi-spec/v3/*.json}): definition, property (empty for the definition itself),
 * {@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys} (space separated),
 * {@code x-kubernetes-map-type}.
 */
class KubeListTypesTest {

    private static final ResourceRegistry REGISTRY = new ResourceRegistry(
            BuiltInResources.all(new RegistryContext(null, "/registry", "10.96.0.0/12", "30000-32767")));
    private static final JsonNode V2 = Json.MAPPER.readTree(new SwaggerDocument(REGISTRY).bytes().json())
            .get("definitions");
    private static final Map<String, JsonNode> V3 = v3Schemas();

    private static Map<String, JsonNode> v3Schemas() {
        Map<String, JsonNode> all = new HashMap<>();
        for (OpenApiDocuments.Document d : new OpenApiDocuments(REGISTRY).documents().values()) {
            Json.MAPPER.readTree(d.json()).path("components").path("schemas").properties()
                    .forEach(e -> all.putIfAbsent(e.getKey(), e.getValue()));
        }
        return all;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "io.k8s.api.core.v1.Container|ports|map|containerPort protocol|-",
            "io.k8s.api.core.v1.Container|volumeMounts|map|mountPath|-",
            "io.k8s.api.core.v1.Container|args|atomic|-|-",
            "io.k8s.api.core.v1.ServiceSpec|ports|map|port protocol|-",
            "io.k8s.api.core.v1.ServiceSpec|selector|-|-|atomic",
            "io.k8s.api.core.v1.ServiceSpec|clusterIPs|atomic|-|-",
            "io.k8s.api.core.v1.PodSpec|topologySpreadConstraints|map|topologyKey whenUnsatisfiable|-",
            "io.k8s.api.core.v1.PodSpec|containers|map|name|-",
            "io.k8s.api.core.v1.PodSpec|tolerations|atomic|-|-",
            "io.k8s.api.core.v1.PodSpec|nodeSelector|-|-|atomic",
            "io.k8s.api.core.v1.PodStatus|conditions|map|type|-",
            "io.k8s.api.core.v1.PodStatus|podIPs|map|ip|-",
            "io.k8s.api.core.v1.NodeSpec|podCIDRs|set|-|-",
            "io.k8s.api.core.v1.PersistentVolumeSpec|claimRef|-|-|granular",
            "io.k8s.api.core.v1.ObjectReference|-|-|-|atomic",
            "io.k8s.api.core.v1.LocalObjectReference|-|-|-|atomic",
            "io.k8s.api.core.v1.NodeSelectorTerm|-|-|-|atomic",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta|finalizers|set|-|-",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta|ownerReferences|map|uid|-",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta|managedFields|atomic|-|-",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta|labels|-|-|-",
            "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector|-|-|-|atomic",
            "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector|matchExpressions|atomic|-|-",
            "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference|-|-|-|atomic",
            "io.k8s.api.apps.v1.DeploymentStatus|conditions|map|type|-",
            "io.k8s.api.apps.v1.StatefulSetSpec|volumeClaimTemplates|atomic|-|-",
            "io.k8s.api.batch.v1.JobStatus|conditions|atomic|-|-",
            "io.k8s.api.batch.v1.UncountedTerminatedPods|succeeded|set|-|-",
            "io.k8s.api.networking.v1.NetworkPolicySpec|policyTypes|atomic|-|-",
            "io.k8s.api.networking.v1.IngressSpec|rules|atomic|-|-",
            "io.k8s.api.networking.v1.ServiceBackendPort|-|-|-|atomic",
            "io.k8s.api.rbac.v1.PolicyRule|verbs|atomic|-|-",
            "io.k8s.api.rbac.v1.Subject|-|-|-|atomic",
            "io.k8s.api.rbac.v1.RoleRef|-|-|-|atomic",
            "io.k8s.api.discovery.v1.Endpoint|addresses|set|-|-",
            "io.k8s.api.discovery.v1.EndpointPort|-|-|-|atomic",
            "io.k8s.api.storage.v1.StorageClass|allowedTopologies|atomic|-|-",
            "io.k8s.api.policy.v1.PodDisruptionBudgetStatus|conditions|map|type|-"})
    void asKubePublishesThem(String definition, String property, String listType, String keys, String mapType) {
        for (Map.Entry<String, JsonNode> doc : Map.of("v2", V2.path(definition),
                "v3", V3.getOrDefault(definition, Json.MAPPER.missingNode())).entrySet()) {
            assertThat(doc.getValue().isObject()).as(doc.getKey() + " has " + definition).isTrue();
            JsonNode n = property == null ? doc.getValue() : doc.getValue().path("properties").path(property);
            String where = doc.getKey() + " " + definition + (property == null ? "" : "." + property);
            assertThat(n.isObject()).as(where).isTrue();
            assertThat(n.path("x-kubernetes-list-type").asString("")).as(where)
                    .isEqualTo(listType == null ? "" : listType);
            List<String> published = new ArrayList<>();
            n.path("x-kubernetes-list-map-keys").forEach(k -> published.add(k.asString()));
            assertThat(published).as(where).isEqualTo(keys == null ? List.of() : List.of(keys.split(" ")));
            assertThat(n.path("x-kubernetes-map-type").asString("")).as(where)
                    .isEqualTo(mapType == null ? "" : mapType);
        }
    }
}
