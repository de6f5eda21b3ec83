package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.registry.ResourceDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GroupResourcesTest {

    private final List<ResourceDefinition<?>> all = GroupResources.all(null);

    private ResourceDefinition<?> get(String resource) {
        return all.stream().filter(d -> d.resource().equals(resource)).findFirst().orElseThrow();
    }

    @Test
    void servesTheGroupsInDiscoveryOrder() {
        assertThat(all).extracting(d -> d.apiVersion() + "/" + d.resource()).containsExactly(
                "apps/v1/deployments", "apps/v1/replicasets", "apps/v1/statefulsets", "apps/v1/daemonsets",
                "apps/v1/controllerrevisions", "batch/v1/jobs", "batch/v1/cronjobs",
                "coordination.k8s.io/v1/leases", "networking.k8s.io/v1/ingresses",
                "networking.k8s.io/v1/ingressclasses", "networking.k8s.io/v1/networkpolicies",
                "storage.k8s.io/v1/storageclasses", "policy/v1/poddisruptionbudgets",
                "discovery.k8s.io/v1/endpointslices", "scheduling.k8s.io/v1/priorityclasses",
                "admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
                "admissionregistration.k8s.io/v1/validatingadmissionpolicies",
                "admissionregistration.k8s.io/v1/validatingadmissionpolicybindings",
                "admissionregistration.k8s.io/v1/validatingwebhookconfigurations");
    }

    @Test
    void namesScopesAndSubresources() {
        assertThat(get("deployments").shortNames()).containsExactly("deploy");
        assertThat(get("deployments").categories()).containsExactly("all");
        assertThat(get("deployments").subresources()).containsExactlyInAnyOrder("status", "scale");
        assertThat(get("replicasets").subresources()).containsExactlyInAnyOrder("status", "scale");
        assertThat(get("statefulsets").subresources()).containsExactlyInAnyOrder("status", "scale");
        assertThat(get("daemonsets").subresources()).containsExactly("status");
        assertThat(get("daemonsets").scale()).isNull();
        assertThat(get("controllerrevisions").shortNames()).isEmpty();
        assertThat(get("jobs").categories()).containsExactly("all");
        assertThat(get("jobs").shortNames()).isEmpty();
        assertThat(get("cronjobs").shortNames()).containsExactly("cj");
        assertThat(get("ingresses").shortNames()).containsExactly("ing");
        assertThat(get("networkpolicies").shortNames()).containsExactly("netpol");
        assertThat(get("poddisruptionbudgets").shortNames()).containsExactly("pdb");
        assertThat(get("priorityclasses").shortNames()).containsExactly("pc");
        assertThat(get("storageclasses").shortNames()).containsExactly("sc");
        assertThat(all).filteredOn(d -> !d.namespaced()).extracting(ResourceDefinition::resource)
                .containsExactly("ingressclasses", "storageclasses", "priorityclasses", "mutatingwebhookconfigurations",
                        "validatingadmissionpolicies", "validatingadmissionpolicybindings",
                        "validatingwebhookconfigurations");
        assertThat(all).filteredOn(d -> d.group().equals(GroupResources.ADMISSION)).allSatisfy(d -> {
            assertThat(d.categories()).containsExactly("api-extensions");
            assertThat(d.shortNames()).isEmpty();
            assertThat(d.tracksGeneration()).isTrue();
        });
        assertThat(get("validatingadmissionpolicies").subresources()).containsExactly("status");
        assertThat(get("validatingadmissionpolicybindings").subresources()).isEmpty();
        assertThat(get("validatingwebhookconfigurations").kind()).isEqualTo("ValidatingWebhookConfiguration");
        assertThat(get("endpointslices").kind()).isEqualTo("EndpointSlice");
        assertThat(get("poddisruptionbudgets").singular()).isEqualTo("poddisruptionbudget");
    }
}
