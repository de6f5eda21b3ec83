package dev.kapi.apiserver.registry.groups.other;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.groups.coordination.LeaseStrategy;
import dev.kapi.apiserver.registry.groups.discovery.EndpointSliceStrategy;
import dev.kapi.apiserver.registry.groups.networking.IngressClassStrategy;
import dev.kapi.apiserver.registry.groups.networking.IngressStrategy;
import dev.kapi.apiserver.registry.groups.networking.NetworkPolicyStrategy;
import dev.kapi.apiserver.registry.groups.policy.PodDisruptionBudgetStrategy;
import dev.kapi.apiserver.registry.groups.scheduling.PriorityClassStrategy;
import dev.kapi.apiserver.registry.groups.storage.StorageClassStrategy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OtherGroupsStrategiesTest {

    public static <T extends HasMetadata> List<String> created(ResourceStrategy<T> s, T obj) {
        s.applyDefaults(obj);
        s.prepareForCreate(obj);
        return s.validate(obj).stream().map(FieldError::toString).toList();
    }

    static <T extends HasMetadata> List<Object> cells(ResourceStrategy<T> s, T obj) {
        return s.tableColumns().stream().map(c -> c.cell().apply(obj)).toList();
    }

    static <T extends HasMetadata> List<String> headers(ResourceStrategy<T> s) {
        return s.tableColumns().stream().map(c -> c.name()).toList();
    }

    @Test
    void lease() {
        LeaseStrategy s = new LeaseStrategy();
        var lease = new LeaseBuilder().withNewMetadata().withName("l").endMetadata().withNewSpec()
                .withHolderIdentity("node-1").withLeaseDurationSeconds(0).endSpec().build();
        assertThat(created(s, lease)).containsExactly(
                "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
        assertThat(headers(s)).containsExactly("Name", "Holder", "Age");
        assertThat(cells(s, lease)).startsWith("l", "node-1");
    }

    @Test
    void ingress() {
        IngressStrategy s = new IngressStrategy();
        var ing = new IngressBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .withIngressClassName("nginx").addNewRule().withHost("a.example.com").withNewHttp().addNewPath()
                .withPath("/").withNewBackend().withNewService().withName("web").withNewPort().withNumber(80)
                .endPort().endService().endBackend().endPath().endHttp().endRule().addNewTl().endTl().endSpec().build();
        assertThat(created(s, ing)).containsExactly(
                "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified");
        // kube answers the unset non-pointer status structs: {"loadBalancer":{}} (GoZeroValues writes them)
        assertThat(Json.string(ing)).contains("\"status\":{\"loadBalancer\":{}}");
        assertThat(headers(s)).containsExactly("Name", "Class", "Hosts", "Address", "Ports", "Age");
        assertThat(cells(s, ing)).startsWith("web", "nginx", "a.example.com", "", "80, 443");
        ing.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPathType("Exact");
        assertThat(s.validate(ing)).isEmpty();
        ing.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPathType("Prefix");
        ing.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath("api");
        ing.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().setPort(null);
        assertThat(s.validate(ing)).map(FieldError::toString).containsExactly(
                "spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path",
                "spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required");
    }

    @Test
    void ingressClass() {
        IngressClassStrategy s = new IngressClassStrategy();
        var ic = new IngressClassBuilder().withNewMetadata().withName("nginx").endMetadata().withNewSpec()
                .withController("k8s.io/ingress-nginx").withNewParameters().withApiGroup("k8s.example.com")
                .withKind("IngressParameters").withName("external-lb").endParameters().endSpec().build();
        assertThat(created(s, ic)).isEmpty();
        assertThat(ic.getSpec().getParameters().getScope()).isEqualTo("Cluster");
        assertThat(cells(s, ic)).startsWith("nginx", "k8s.io/ingress-nginx",
                "IngressParameters.k8s.example.com/external-lb");
        var changed = new IngressClassBuilder(ic).editSpec().withController("example.com/other").endSpec().build();
        assertThat(s.validateUpdate(changed, ic)).map(FieldError::toString).containsExactly(
                "spec.controller: Invalid value: \"example.com/other\": field is immutable");
        ic.getSpec().setController(null);
        assertThat(s.validate(ic)).map(FieldError::toString).containsExactly("spec.controller: Required value");
    }

    @Test
    void networkPolicy() {
        NetworkPolicyStrategy s = new NetworkPolicyStrategy();
        var np = new NetworkPolicyBuilder().withNewMetadata().withName("deny").endMetadata().withNewSpec()
                .withNewPodSelector().addToMatchLabels("app", "db").endPodSelector()
                .addNewEgress().addNewPort().withPort(new IntOrString(53)).endPort().endEgress().endSpec().build();
        assertThat(created(s, np)).isEmpty();
        assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(np.getSpec().getEgress().get(0).getPorts().get(0).getProtocol()).isEqualTo("TCP");
        assertThat(headers(s)).containsExactly("Name", "Pod-Selector", "Age");
        assertThat(cells(s, np)).startsWith("deny", "app=db");
        np.getSpec().setPolicyTypes(List.of("Sideways"));
        assertThat(s.validate(np)).map(FieldError::toString).containsExactly(
                "spec.policyTypes[0]: Unsupported value: \"Sideways\": supported values: \"Egress\", \"Ingress\"");
    }

    @Test
    void storageClass() {
        StorageClassStrategy s = new StorageClassStrategy();
        StorageClass sc = new StorageClassBuilder().withNewMetadata().withName("standard")
                .addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
                .withProvisioner("rancher.io/local-path").build();
        assertThat(created(s, sc)).isEmpty();
        assertThat(sc.getReclaimPolicy()).isEqualTo("Delete");
        assertThat(sc.getVolumeBindingMode()).isEqualTo("Immediate");
        assertThat(headers(s)).containsExactly("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode",
                "AllowVolumeExpansion", "Age");
        assertThat(cells(s, sc)).startsWith("standard (default)", "rancher.io/local-path", "Delete", "Immediate", false);
        StorageClass changed = new StorageClassBuilder(sc).withReclaimPolicy("Retain")
                .withVolumeBindingMode("WaitForFirstConsumer").addToParameters("type", "ssd").build();
        assertThat(s.validateUpdate(changed, sc)).map(FieldError::toString).containsExactly(
                "parameters: Forbidden: updates to parameters are forbidden.",
                "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
                "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable");
        StorageClass none = new StorageClassBuilder().withNewMetadata().withName("x").endMetadata()
                .withReclaimPolicy("Recycle").build();
        assertThat(created(s, none)).containsExactly("provisioner: Required value",
                "reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"");
    }

    @Test
    void podDisruptionBudget() {
        PodDisruptionBudgetStrategy s = new PodDisruptionBudgetStrategy();
        var pdb = new PodDisruptionBudgetBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .withMinAvailable(new IntOrString("50%")).withNewSelector().addToMatchLabels("app", "web")
                .endSelector().endSpec().build();
        assertThat(created(s, pdb)).isEmpty();
        assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();
        assertThat(pdb.getStatus().getExpectedPods()).isZero();
        assertThat(headers(s)).containsExactly("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age");
        assertThat(cells(s, pdb)).startsWith("web", "50%", "N/A", 0L);
        pdb.getSpec().setMaxUnavailable(new IntOrString(1));
        pdb.getSpec().setMinAvailable(new IntOrString("150%"));
        assertThat(s.validate(pdb)).map(FieldError::toString).containsExactly(
                "spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:150%, MaxUnavailable:1}: "
                        + "minAvailable and maxUnavailable cannot be both set",
                "spec.minAvailable: Invalid value: \"150%\": must not be greater than 100%");
    }

    @Test
    void endpointSlice() {
        EndpointSliceStrategy s = new EndpointSliceStrategy();
        var slice = new EndpointSliceBuilder().withNewMetadata().withName("web-abc").endMetadata()
                .withAddressType("IPv4").addNewPort().withPort(80).endPort().addNewPort().withName("https")
                .withPort(443).endPort()
                .addNewEndpoint().withAddresses("10.0.0.1").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.2").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.3").endEndpoint()
                .addNewEndpoint().withAddresses("10.0.0.4").endEndpoint().build();
        assertThat(created(s, slice)).isEmpty();
        assertThat(slice.getPorts().get(0).getProtocol()).isEqualTo("TCP");
        assertThat(slice.getPorts().get(0).getName()).isEmpty();
        assertThat(headers(s)).containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
        assertThat(cells(s, slice)).startsWith("web-abc", "IPv4", "80,443", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...");
        slice.getEndpoints().get(0).setAddresses(List.of("300.1.1.1"));
        var changed = new EndpointSliceBuilder(slice).withAddressType("IPv6").build();
        slice.setAddressType("IPv4");
        assertThat(s.validate(slice)).map(FieldError::toString).containsExactly(
                "endpoints[0].addresses[0]: Invalid value: \"300.1.1.1\": must be a valid IPv4 address");
        assertThat(s.validateUpdate(changed, slice)).map(FieldError::toString).contains(
                "addressType: Invalid value: \"IPv6\": field is immutable");
        var empty = new EndpointSliceBuilder().withNewMetadata().withName("e").endMetadata().build();
        assertThat(created(s, empty)).containsExactly("addressType: Required value");
        assertThat(cells(s, empty)).startsWith("e", "", "<unset>", "<unset>");
    }

    @Test
    void priorityClass() {
        PriorityClassStrategy s = new PriorityClassStrategy();
        var pc = new PriorityClassBuilder().withNewMetadata().withName("high").endMetadata().withValue(1000).build();
        assertThat(created(s, pc)).isEmpty();
        assertThat(pc.getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");
        assertThat(headers(s)).containsExactly("Name", "Value", "Global-Default", "Age", "PreemptionPolicy");
        List<Object> cells = cells(s, pc);
        assertThat(cells.subList(0, 3)).containsExactly("high", 1000L, false);
        assertThat(cells.get(4)).isEqualTo("PreemptLowerPriority");
        var changed = new PriorityClassBuilder(pc).withValue(2000).build();
        assertThat(s.validateUpdate(changed, pc)).map(FieldError::toString).containsExactly(
                "value: Forbidden: may not be changed in an update.");
        var huge = new PriorityClassBuilder().withNewMetadata().withName("huge").endMetadata()
                .withValue(2_000_000_000).build();
        assertThat(created(s, huge)).containsExactly(
                "value: Forbidden: maximum allowed value of a user defined priority is 1000000000");
        var system = new PriorityClassBuilder().withNewMetadata().withName("system-mine").endMetadata().build();
        assertThat(created(s, system)).containsExactly("metadata.name: Forbidden: priority class names with "
                + "'system-' prefix are reserved for system use only. error: system-mine is not a known system "
                + "priority class");
        assertThat(system.getValue()).isZero();
    }
}
