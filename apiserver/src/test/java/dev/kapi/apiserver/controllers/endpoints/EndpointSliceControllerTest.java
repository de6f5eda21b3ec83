package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.kapi.apiserver.controllers.endpoints.Fixtures.containerPort;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.pod;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.port;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The EndpointSlice controller on real etcd, one namespace per case: the slice's metadata (generateName,
 * labels, owner), endpoints with their conditions, node and zone, ports; readiness changes made in place; a
 * placeholder for a Service without pods; more than 100 endpoints split; a deleted slice made again; nothing
 * for a Service without a selector.
 */
@ExtendWith(EtcdExtension.class)
class EndpointSliceControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> APP = Map.of("app", "web");

    private static Harness harness;
    private static Store<Service> services;
    private static Store<Pod> pods;
    private static Store<EndpointSlice> slices;

    @BeforeAll
    static void start() {
        harness = new Harness();
        services = harness.store("", "services");
        pods = harness.store("", "pods");
        Store<Node> nodes = harness.store("", "nodes");
        slices = harness.store("discovery.k8s.io", "endpointslices");
        Writes.create(nodes, null, new NodeBuilder().withNewMetadata().withName("n1")
                .withLabels(Map.of("topology.kubernetes.io/zone", "zone-a")).endMetadata().build());
        Writes.create(nodes, null, new NodeBuilder().withNewMetadata().withName("n2").endMetadata().build());
        harness.start(new EndpointSliceController(harness.informer(services), harness.informer(pods),
                harness.informer(nodes), harness.informer(slices), slices, Writes.PIPELINE));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aSliceListsTheSelectedPodsWithTheirConditions() {
        String ns = "eps-basic";
        Fixtures.create(pods, ns, pod("a", APP, "10.0.0.2", true, "n1", containerPort("web", 8080)));
        Fixtures.create(pods, ns, pod("b", APP, "10.0.0.3", false, "n2", containerPort("web", 8080)));
        Fixtures.create(pods, ns, pod("c-no-ip", APP, null, true, "n1", containerPort("web", 8080)));
        Fixtures.create(pods, ns, pod("d-other", Map.of("app", "other"), "10.0.0.5", true, "n1"));
        Service svc = Writes.create(services, ns, service("web", APP, port("http", 80, new IntOrString("web"))));

        EndpointSlice slice = awaitSlices(ns, "web", l -> l.size() == 1 && l.getFirst().getEndpoints().size() == 2)
                .getFirst();

        assertThat(slice.getMetadata().getName()).startsWith("web-");
        assertThat(slice.getMetadata().getGenerateName()).isEqualTo("web-");
        assertThat(slice.getAddressType()).isEqualTo("IPv4");
        assertThat(slice.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "a",
                "kubernetes.io/service-name", "web",
                "endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"));
        OwnerReference owner = slice.getMetadata().getOwnerReferences().getFirst();
        assertThat(List.of(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid()))
                .containsExactly("v1", "Service", "web", svc.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();
        assertThat(owner.getBlockOwnerDeletion()).isTrue();
        assertThat(slice.getMetadata().getAnnotations()).containsKey("endpoints.kubernetes.io/last-change-trigger-time");
        assertThat(slice.getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "/" + p.getProtocol())
                .containsExactly("http:8080/TCP");

        Endpoint a = endpoint(slice, "a");
        assertThat(a.getAddresses()).containsExactly("10.0.0.2");
        assertThat(List.of(a.getConditions().getReady(), a.getConditions().getServing(),
                a.getConditions().getTerminating())).containsExactly(true, true, false);
        assertThat(a.getNodeName()).isEqualTo("n1");
        assertThat(a.getZone()).isEqualTo("zone-a");
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        Endpoint b = endpoint(slice, "b");
        assertThat(List.of(b.getConditions().getReady(), b.getConditions().getServing(),
                b.getConditions().getTerminating())).containsExactly(false, false, false);
        assertThat(b.getZone()).isNull();

        // b turns ready: the same slice is updated
        Writes.update(pods, ns, "b", "status", p -> {
            p.getStatus().getConditions().getFirst().setStatus("True");
            return p;
        });
        EndpointSlice after = awaitSlices(ns, "web", l -> l.size() == 1
                && Boolean.TRUE.equals(endpoint(l.getFirst(), "b").getConditions().getReady())).getFirst();
        assertThat(after.getMetadata().getName()).isEqualTo(slice.getMetadata().getName());
        assertThat(after.getMetadata().getUid()).isEqualTo(slice.getMetadata().getUid());

        // a Service change that changes no endpoint writes nothing
        Writes.update(services, ns, "web", s -> {
            s.getMetadata().setAnnotations(Map.of("note", "x"));
            return s;
        });
        Writes.create(services, ns, service("marker", Map.of("app", "none"), port("http", 80, new IntOrString(80))));
        awaitSlices(ns, "marker", l -> l.size() == 1);
        assertThat(list(ns, "web").getFirst().getMetadata().getResourceVersion())
                .isEqualTo(after.getMetadata().getResourceVersion());

        // a pod being deleted (a finalizer holds it) is terminating, not ready, still serving
        Writes.update(pods, ns, "a", p -> {
            p.getMetadata().setFinalizers(List.of("example.com/hold"));
            return p;
        });
        Writes.delete(pods, ns, "a");
        awaitSlices(ns, "web", l -> l.size() == 1 && Boolean.TRUE.equals(endpoint(l.getFirst(), "a")
                .getConditions().getTerminating()) && Boolean.FALSE.equals(endpoint(l.getFirst(), "a")
                .getConditions().getReady()) && Boolean.TRUE.equals(endpoint(l.getFirst(), "a")
                .getConditions().getServing()));
    }

    @Test
    void aServiceWithoutPodsHasAnEmptyPlaceholderAndOneWithoutSelectorNone() {
        String ns = "eps-empty";
        Writes.create(services, ns, service("manual", null, port("http", 80, new IntOrString(80))));
        Writes.create(services, ns, service("empty", APP, port("http", 80, new IntOrString(80))));

        EndpointSlice placeholder = awaitSlices(ns, "empty", l -> l.size() == 1).getFirst();
        assertThat(placeholder.getEndpoints()).isEmpty();
        assertThat(placeholder.getPorts()).isEmpty();
        assertThat(list(ns, "manual")).isEmpty();

        // the pod comes: the placeholder is filled, not replaced
        Fixtures.create(pods, ns, pod("p", APP, "10.0.1.2", true, "n1"));
        EndpointSlice filled = awaitSlices(ns, "empty", l -> l.size() == 1 && l.getFirst().getEndpoints().size() == 1)
                .getFirst();
        assertThat(filled.getMetadata().getName()).isEqualTo(placeholder.getMetadata().getName());
        assertThat(filled.getPorts()).extracting(p -> p.getPort()).containsExactly(80);
    }

    @Test
    void moreThanAHundredEndpointsAreSplitAndADeletedSliceIsMadeAgain() {
        String ns = "eps-many";
        for (int i = 0; i < 130; i++) {
            Fixtures.create(pods, ns, pod(String.format("p-%03d", i), APP, "10.0.2." + (i + 2), true, "n2"));
        }
        Writes.create(services, ns, service("many", APP, port("http", 80, new IntOrString(80))));

        List<EndpointSlice> split = awaitSlices(ns, "many", l -> l.stream().mapToInt(s -> s.getEndpoints().size()).sum() == 130);
        assertThat(split).extracting(s -> s.getEndpoints().size()).containsExactlyInAnyOrder(100, 30);

        EndpointSlice small = split.stream().min(Comparator.comparingInt(s -> s.getEndpoints().size())).orElseThrow();
        Writes.delete(slices, ns, small.getMetadata().getName());
        List<EndpointSlice> again = awaitSlices(ns, "many", l -> l.size() == 2
                && l.stream().mapToInt(s -> s.getEndpoints().size()).sum() == 130);
        assertThat(again).extracting(s -> s.getMetadata().getName()).doesNotContain(small.getMetadata().getName());

        // pods going: their endpoints leave the slices they were in, which are updated, not replaced
        for (int i = 0; i < 130; i += 13) {
            Writes.forceDelete(pods, ns, String.format("p-%03d", i));
        }
        List<EndpointSlice> fewer = awaitSlices(ns, "many", l -> l.stream().mapToInt(s -> s.getEndpoints().size()).sum() == 120);
        assertThat(fewer).extracting(s -> s.getMetadata().getUid())
                .containsExactlyInAnyOrderElementsOf(again.stream().map(s -> s.getMetadata().getUid()).toList());
    }

    private static Endpoint endpoint(EndpointSlice slice, String pod) {
        return slice.getEndpoints().stream().filter(e -> pod.equals(e.getTargetRef().getName())).findFirst()
                .orElseThrow();
    }

    private static List<EndpointSlice> list(String ns, String service) {
        return slices.list(ns, ListParams.<EndpointSlice>all()).items().stream()
                .filter(s -> service.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))).toList();
    }

    private static List<EndpointSlice> awaitSlices(String ns, String service, Predicate<List<EndpointSlice>> ok) {
        return await().atMost(WAIT).until(() -> list(ns, service), l -> {
            try {
                return ok.test(l);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
