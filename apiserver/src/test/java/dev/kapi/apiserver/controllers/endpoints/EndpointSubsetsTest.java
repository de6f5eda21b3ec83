package dev.kapi.apiserver.controllers.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.kapi.apiserver.controllers.endpoints.Fixtures.containerPort;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.pod;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.port;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subsets alone: kube's truncation to 1000 addresses (ready ones first, each subset its share, rounded
 * up), and the repacking of addresses by the ports they offer.
 */
class EndpointSubsetsTest {

    @ParameterizedTest(name = "{0} ready + {1} not ready, then {2} + {3} in a second subset")
    @CsvSource({
            // ready, notReady, ready2, notReady2 -> kept ready, kept not ready (both subsets), truncated
            "10, 10, 0, 0, 10, 10, false",
            "1000, 0, 0, 0, 1000, 0, false",
            "1000, 1, 0, 0, 1000, 0, true",
            "600, 300, 300, 100, 900, 100, true",
            "800, 0, 400, 50, 1000, 0, true",
            "700, 200, 0, 300, 700, 300, true",
    })
    void truncatesAsKube(int ready, int notReady, int ready2, int notReady2, int keptReady, int keptNotReady,
                         boolean truncated) {
        List<EndpointSubset> subsets = new ArrayList<>(List.of(subset(ready, notReady), subset(ready2, notReady2)));
        assertThat(EndpointSubsets.truncate(subsets)).isEqualTo(truncated);
        assertThat(subsets.stream().mapToInt(s -> s.getAddresses().size()).sum()).isEqualTo(keptReady);
        assertThat(subsets.stream().mapToInt(s -> s.getNotReadyAddresses().size()).sum()).isEqualTo(keptNotReady);
    }

    @ParameterizedTest(name = "ready={0}, publishNotReady={1}, terminating={2}, phase={3}")
    @CsvSource({
            "true, false, false, Running, ready",
            "false, false, false, Running, notReady",
            "false, true, false, Running, ready",
            "true, false, true, Running, absent",
            "true, true, true, Running, ready",
            "true, false, false, Succeeded, absent",
            "true, false, false, Failed, absent",
    })
    void whereAPodGoes(boolean ready, boolean publishNotReady, boolean terminating, String phase, String where) {
        Pod p = pod("p", Map.of("a", "b"), "10.1.0.1", ready, "n", containerPort("web", 8080));
        p.getMetadata().setUid(UUID.randomUUID().toString());
        p.getStatus().setPhase(phase);
        if (terminating) {
            p.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        }
        Service svc = service("s", Map.of("a", "b"), port("http", 80, new IntOrString("web")));
        svc.getSpec().setPublishNotReadyAddresses(publishNotReady);

        List<EndpointSubset> subsets = EndpointSubsets.of(svc, List.of(p));

        String got = subsets.isEmpty() ? "absent" : subsets.getFirst().getAddresses().isEmpty() ? "notReady" : "ready";
        assertThat(got).isEqualTo(where);
    }

    @ParameterizedTest(name = "clusterIP {0}")
    @CsvSource({"None, 1", "10.96.0.10, 0"})
    void aHeadlessServiceWithoutPortsListsTheAddressesAlone(String clusterIp, int subsets) {
        Pod p = pod("p", Map.of("a", "b"), "10.1.0.1", true, "n");
        p.getMetadata().setUid("uid-p");
        Service svc = service("s", Map.of("a", "b"));
        svc.getSpec().setClusterIP(clusterIp);

        List<EndpointSubset> got = EndpointSubsets.of(svc, List.of(p));

        assertThat(got).hasSize(subsets);
        got.forEach(s -> {
            assertThat(s.getPorts()).isEmpty();
            assertThat(s.getAddresses()).extracting(EndpointAddress::getIp).containsExactly("10.1.0.1");
        });
    }

    @ParameterizedTest(name = "{0} addresses")
    @CsvSource({"1000, 1000, false", "1001, 1000, true", "1500, 1000, true"})
    void anEndpointsOverCapacityIsTruncatedAndSaysSo(int addresses, int kept, boolean annotated) {
        Endpoints ep = new Endpoints();
        ep.setMetadata(new ObjectMeta());
        ep.getMetadata().setAnnotations(Map.of(EndpointsController.OVER_CAPACITY, "truncated", "mine", "kept"));
        List<EndpointSubset> computed = List.of(subset(addresses, 0));

        Endpoints filled = EndpointsController.fill(ep, computed, Map.of("l", "v"), Instant.parse("2026-01-02T03:04:05.120Z"));

        assertThat(EndpointSubsets.count(filled.getSubsets())).isEqualTo(kept);
        assertThat(computed.getFirst().getAddresses()).as("the computed subsets are left whole").hasSize(addresses);
        assertThat(filled.getMetadata().getAnnotations().containsKey(EndpointsController.OVER_CAPACITY)).isEqualTo(annotated);
        assertThat(filled.getMetadata().getAnnotations()).containsEntry("mine", "kept")
                .containsEntry("endpoints.kubernetes.io/last-change-trigger-time", "2026-01-02T03:04:05.12Z");
        assertThat(filled.getMetadata().getLabels()).isEqualTo(Map.of("l", "v"));
    }

    private static EndpointSubset subset(int ready, int notReady) {
        EndpointSubset s = new EndpointSubset();
        s.setAddresses(new ArrayList<>(IntStream.range(0, ready).mapToObj(i -> address("r", i)).toList()));
        s.setNotReadyAddresses(new ArrayList<>(IntStream.range(0, notReady).mapToObj(i -> address("n", i)).toList()));
        return s;
    }

    private static EndpointAddress address(String kind, int i) {
        EndpointAddress a = new EndpointAddress();
        a.setIp(kind + i);
        return a;
    }
}
