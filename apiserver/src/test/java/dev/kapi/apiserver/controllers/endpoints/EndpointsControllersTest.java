package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static dev.kapi.apiserver.controllers.endpoints.Fixtures.pod;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.port;
import static dev.kapi.apiserver.controllers.endpoints.Fixtures.service;
import static org.awaitility.Awaitility.await;

/**
 * The wiring: the ControllerManager runs the endpoints and EndpointSlice controllers on its shared informers,
 * and with the garbage collector a deleted Service takes both its Endpoints and its slices.
 */
@ExtendWith(EtcdExtension.class)
class EndpointsControllersTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void theManagerRunsBothAndADeletedServiceTakesEverything() {
        try (Harness harness = new Harness();
             ControllerManager manager = new ControllerManager(harness.stores, Writes.PIPELINE)) {
            manager.start();
            Store<Pod> pods = harness.store("", "pods");
            Store<Service> services = harness.store("", "services");
            Store<Endpoints> endpoints = harness.store("", "endpoints");
            Store<EndpointSlice> slices = harness.store("discovery.k8s.io", "endpointslices");
            String ns = "wired";
            Fixtures.create(pods, ns, pod("p", Map.of("app", "w"), "10.0.9.2", true, ""));
            Writes.create(services, ns, service("w", Map.of("app", "w"), port("http", 80, new IntOrString(80))));

            await().atMost(WAIT).until(() -> {
                Endpoints ep = Harness.getOrNull(endpoints, ns, "w");
                return ep != null && ep.getSubsets().size() == 1;
            });
            // the pod has no node: kube's EndpointSlice controller leaves it out (a placeholder slice)
            await().atMost(WAIT).until(() -> slices.list(ns, ListParams.<EndpointSlice>all()).items().size() == 1);

            Writes.delete(services, ns, "w");
            await().atMost(WAIT).until(() -> Harness.getOrNull(endpoints, ns, "w") == null
                    && slices.list(ns, ListParams.<EndpointSlice>all()).items().isEmpty());
        }
    }
}
