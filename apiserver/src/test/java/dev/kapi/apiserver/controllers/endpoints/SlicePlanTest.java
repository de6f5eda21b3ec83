package dev.kapi.apiserver.controllers.endpoints;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.kapi.apiserver.controllers.endpoints.Fixtures.pod;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.port;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

/** The slice plan alone: address types by the Service's IP families, and a pod on an unknown node. */
class SlicePlanTest {

    private static final Node NODE = new NodeBuilder().withNewMetadata().withName("n").endMetadata().build();

    @ParameterizedTest(name = "families {0}, pod IPs {1}")
    @CsvSource(delimiter = ';', value = {
            "IPv4; 10.0.0.1; IPv4=10.0.0.1",
            "IPv6; fd00::1; IPv6=fd00::1",
            "IPv4; fd00::1; IPv4=",
            "IPv4,IPv6; 10.0.0.1,fd00::1; IPv4=10.0.0.1 IPv6=fd00::1",
            "IPv6,IPv4; fd00::1,10.0.0.1; IPv6=fd00::1 IPv4=10.0.0.1",
    })
    void oneSliceOrPlaceholderPerAddressType(String families, String ips, String expected) {
        Service svc = service("s", Map.of("a", "b"), port("http", 80, new IntOrString(80)));
        svc.getMetadata().setUid(UUID.randomUUID().toString());
        svc.getMetadata().setNamespace("ns");
        svc.getSpec().setIpFamilies(List.of(families.split(",")));
        Pod p = pod("p", Map.of("a", "b"), null, true, "n");
        p.getMetadata().setNamespace("ns");
        p.getStatus().setPodIPs(new ArrayList<>(List.of(ips.split(",")).stream()
                .map(ip -> new PodIPBuilder().withIp(ip).build()).toList()));

        SlicePlan plan = SlicePlan.of(svc, List.of(p), n -> NODE, List.of(), 100);

        List<String> got = plan.create.stream().map(s -> s.getAddressType() + "="
                + String.join(",", s.getEndpoints().stream().flatMap(e -> e.getAddresses().stream()).toList())).toList();
        assertThat(String.join(" ", got)).isEqualTo(expected);
        assertThat(plan.update).isEmpty();
        assertThat(plan.delete).isEmpty();
    }

    @ParameterizedTest(name = "no families, cluster IP {0}")
    @CsvSource(delimiter = ';', value = {"10.96.0.9; IPv4", "fd00::9; IPv6", "None; IPv4 IPv6"})
    void withoutFamiliesTheClusterIpDecidesOrBothForAHeadlessService(String clusterIp, String types) {
        Service svc = service("s", Map.of("a", "b"), port("http", 80, new IntOrString(80)));
        svc.getSpec().setClusterIP(clusterIp);

        SlicePlan plan = SlicePlan.of(svc, List.of(), n -> NODE, List.of(), 100);

        assertThat(plan.create).extracting(EndpointSlice::getAddressType).containsExactly(types.split(" "));
    }

    @ParameterizedTest(name = "publishNotReadyAddresses={0}")
    @CsvSource({"false, 0, true", "true, 1, false"})
    void aPodOnAnUnknownNodeWaitsUnlessNotReadyAddressesArePublished(boolean publish, int endpoints, boolean retry) {
        Service svc = service("s", Map.of("a", "b"), port("http", 80, new IntOrString(80)));
        svc.getMetadata().setUid("u");
        svc.getSpec().setPublishNotReadyAddresses(publish);
        svc.getSpec().setIpFamilies(List.of("IPv4"));
        Pod p = pod("p", Map.of("a", "b"), "10.0.0.1", true, "gone");

        SlicePlan plan = SlicePlan.of(svc, List.of(p), n -> null, List.of(), 100);

        assertThat(plan.create).hasSize(1);
        EndpointSlice slice = plan.create.getFirst();
        assertThat(slice.getEndpoints()).hasSize(endpoints);
        assertThat(plan.missingNodes).isEqualTo(retry);
    }
}
