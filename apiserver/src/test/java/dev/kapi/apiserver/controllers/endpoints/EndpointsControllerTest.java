package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
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
 * The endpoints controller on real etcd, one namespace per case: ready and not-ready addresses, named and
 * numbered target ports, pods without IPs or terminal left out, publishNotReadyAddresses, hostnames, the
 * labels and trigger time, a selector change, the Service deleted, Endpoints of Services without selectors and
 * default/kubernetes left alone.
 */
@ExtendWith(EtcdExtension.class)
class EndpointsControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> APP = Map.of("app", "web");

    private static Harness harness;
    private static Store<Service> services;
    private static Store<Pod> pods;
    private static Store<Endpoints> endpoints;

    @BeforeAll
    static void start() {
        harness = new Harness();
        services = harness.store("", "services");
        pods = harness.store("", "pods");
        endpoints = harness.store("", "endpoints");
        // made before the controller starts, labelled as its own: it must still never be touched
        Writes.create(endpoints, "default", new EndpointsBuilder().withNewMetadata().withName("kubernetes")
                .withLabels(Map.of(EndpointsController.MANAGED_BY, EndpointsController.MANAGER)).endMetadata().build());
        harness.start(new EndpointsController(harness.informer(services), harness.informer(pods),
                harness.informer(endpoints), endpoints, Writes.PIPELINE));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void readyAndNotReadyPodsOnNamedAndNumberedPorts() {
        String ns = "ep-ports";
        Fixtures.create(pods, ns, pod("a-ready", APP, "10.0.0.2", true, "n1", containerPort("web", 8080)));
        Fixtures.create(pods, ns, pod("b-not-ready", APP, "10.0.0.3", false, "n1", containerPort("web", 8080)));
        Fixtures.create(pods, ns, pod("c-no-ip", APP, null, true, "n1", containerPort("web", 8080)));
        Fixtures.create(pods, ns, pod("d-no-named-port", APP, "10.0.0.4", true, "n2"));
        Fixtures.create(pods, ns, pod("e-other-app", Map.of("app", "other"), "10.0.0.5", true, "n1"));
        Pod done = pod("f-succeeded", APP, "10.0.0.6", true, "n1", containerPort("web", 8080));
        done.getStatus().setPhase("Succeeded");
        Fixtures.create(pods, ns, done);
        Service svc = Writes.create(services, ns, service("web", APP,
                port("http", 80, new IntOrString("web")), port("metrics", 9090, new IntOrString(9100))));

        Endpoints ep = awaitEndpoints(ns, "web", e -> e.getSubsets().size() == 2);

        // as kube repacks: the ports offered by the same addresses share a subset; d has no port named "web"
        EndpointSubset http = subsetWithPort(ep, "http");
        assertThat(http.getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "/" + p.getProtocol())
                .containsExactly("http:8080/TCP");
        assertThat(ips(http.getAddresses())).containsExactly("10.0.0.2");
        assertThat(ips(http.getNotReadyAddresses())).containsExactly("10.0.0.3");
        EndpointSubset metrics = subsetWithPort(ep, "metrics");
        assertThat(metrics.getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "/" + p.getProtocol())
                .containsExactly("metrics:9100/TCP");
        assertThat(ips(metrics.getAddresses())).containsExactly("10.0.0.2", "10.0.0.4");
        assertThat(ips(metrics.getNotReadyAddresses())).containsExactly("10.0.0.3");

        EndpointAddress a = http.getAddresses().getFirst();
        assertThat(a.getNodeName()).isEqualTo("n1");
        assertThat(a.getHostname()).isNull();
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(a.getTargetRef().getName()).isEqualTo("a-ready");
        assertThat(a.getTargetRef().getNamespace()).isEqualTo(ns);
        assertThat(a.getTargetRef().getUid()).isNotEmpty();
        assertThat(ep.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "a",
                "endpoints.kubernetes.io/managed-by", "endpoint-controller"));
        assertThat(ep.getMetadata().getAnnotations()).containsEntry("endpoints.kubernetes.io/last-change-trigger-time",
                svc.getMetadata().getCreationTimestamp());
        assertThat(ep.getMetadata().getAnnotations()).doesNotContainKey(EndpointsController.OVER_CAPACITY);

        // the not-ready pod turns ready: it moves over
        Writes.update(pods, ns, "b-not-ready", "status", p -> {
            p.getStatus().getConditions().getFirst().setStatus("True");
            p.getStatus().getConditions().getFirst().setLastTransitionTime("2026-01-02T03:05:00Z");
            return p;
        });
        // now a, b and d are ready on "metrics", a and b on "http"
        Endpoints moved = awaitEndpoints(ns, "web", e -> e.getSubsets().size() == 2
                && ips(subsetWithPort(e, "http").getAddresses()).equals(List.of("10.0.0.2", "10.0.0.3")));
        assertThat(ips(subsetWithPort(moved, "metrics").getAddresses())).containsExactly("10.0.0.2", "10.0.0.3", "10.0.0.4");
        assertThat(moved.getMetadata().getAnnotations())
                .containsEntry("endpoints.kubernetes.io/last-change-trigger-time", "2026-01-02T03:05:00Z");
    }

    @Test
    void publishNotReadyAddressesAndHostnames() {
        String ns = "ep-publish";
        Pod p = pod("p-0", APP, "10.0.1.2", false, "n1");
        p.getSpec().setHostname("p-0");
        p.getSpec().setSubdomain("db");
        Fixtures.create(pods, ns, p);
        Service svc = service("db", APP, port("", 5432, new IntOrString(5432)));
        svc.getSpec().setClusterIP("None");
        svc.getSpec().setPublishNotReadyAddresses(true);
        Writes.create(services, ns, svc);

        Endpoints ep = awaitEndpoints(ns, "db", e -> e.getSubsets().size() == 1);

        EndpointSubset subset = ep.getSubsets().getFirst();
        assertThat(subset.getNotReadyAddresses()).isEmpty();
        assertThat(subset.getAddresses()).extracting(EndpointAddress::getHostname).containsExactly("p-0");
        assertThat(subset.getPorts().getFirst().getName()).isNull();
        assertThat(ep.getMetadata().getLabels()).containsEntry("service.kubernetes.io/headless", "");
    }

    @Test
    void aSelectorChangeMovesTheAddressesAndADeletedServiceTakesItsEndpoints() {
        String ns = "ep-selector";
        Fixtures.create(pods, ns, pod("blue", Map.of("color", "blue"), "10.0.2.2", true, "n1"));
        Fixtures.create(pods, ns, pod("green", Map.of("color", "green"), "10.0.2.3", true, "n1"));
        Writes.create(services, ns, service("app", Map.of("color", "blue"), port("http", 80, new IntOrString(8080))));
        awaitEndpoints(ns, "app", e -> e.getSubsets().size() == 1
                && ips(e.getSubsets().getFirst().getAddresses()).equals(List.of("10.0.2.2")));

        Writes.update(services, ns, "app", s -> {
            s.getSpec().setSelector(Map.of("color", "green"));
            return s;
        });
        awaitEndpoints(ns, "app", e -> e.getSubsets().size() == 1
                && ips(e.getSubsets().getFirst().getAddresses()).equals(List.of("10.0.2.3")));

        Writes.update(pods, ns, "green", p -> {
            p.getMetadata().setLabels(Map.of("color", "none"));
            return p;
        });
        awaitEndpoints(ns, "app", e -> e.getSubsets().isEmpty());

        Writes.delete(services, ns, "app");
        await().atMost(WAIT).until(() -> Harness.getOrNull(endpoints, ns, "app") == null);
    }

    @Test
    void servicesWithoutSelectorsAndTheKubernetesServiceAreLeftAlone() throws Exception {
        String ns = "ep-manual";
        Fixtures.create(pods, ns, pod("x", APP, "10.0.3.2", true, "n1"));
        Writes.create(services, ns, service("manual", null, port("http", 80, new IntOrString(80))));
        Endpoints manual = Writes.create(endpoints, ns, new EndpointsBuilder().withNewMetadata().withName("manual")
                .endMetadata().addNewSubset().addNewAddress().withIp("192.168.1.1").endAddress()
                .addNewPort().withPort(80).withProtocol("TCP").endPort().endSubset().build());
        // a Service with a selector, reconciled after the two above were seen
        Writes.create(services, ns, service("marker", APP, port("http", 80, new IntOrString(80))));
        awaitEndpoints(ns, "marker", e -> e.getSubsets().size() == 1);

        Endpoints after = endpoints.get(ns, "manual");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(manual.getMetadata().getResourceVersion());
        assertThat(Harness.getOrNull(endpoints, "default", "kubernetes")).isNotNull();
    }

    @Test
    void anEndpointsDeletedByHandIsMadeAgain() {
        String ns = "ep-repair";
        Fixtures.create(pods, ns, pod("r", APP, "10.0.4.2", true, "n1"));
        Writes.create(services, ns, service("repair", APP, port("http", 80, new IntOrString(80))));
        Endpoints first = awaitEndpoints(ns, "repair", e -> e.getSubsets().size() == 1);

        // a pod change the endpoints do not show, or a Service change that does not change them, writes nothing
        Writes.update(pods, ns, "r", p -> {
            p.getMetadata().setAnnotations(Map.of("note", "x"));
            return p;
        });
        Writes.update(services, ns, "repair", s -> {
            s.getMetadata().setAnnotations(Map.of("note", "x"));
            return s;
        });
        Writes.create(services, ns, service("marker", APP, port("http", 80, new IntOrString(80))));
        awaitEndpoints(ns, "marker", e -> e.getSubsets().size() == 1);
        assertThat(endpoints.get(ns, "repair").getMetadata().getResourceVersion())
                .isEqualTo(first.getMetadata().getResourceVersion());

        Writes.delete(endpoints, ns, "repair");
        awaitEndpoints(ns, "repair", e -> e.getSubsets().size() == 1);
    }

    private static Endpoints awaitEndpoints(String ns, String name, Predicate<Endpoints> ok) {
        return await().atMost(WAIT).until(() -> Harness.getOrNull(endpoints, ns, name),
                e -> e != null && ok.test(e));
    }

    private static EndpointSubset subsetWithPort(Endpoints ep, String port) {
        return ep.getSubsets().stream().filter(s -> s.getPorts().stream().anyMatch(p -> port.equals(p.getName())))
                .findFirst().orElseThrow();
    }

    private static List<String> ips(List<EndpointAddress> addresses) {
        return addresses.stream().map(EndpointAddress::getIp).toList();
    }
}
