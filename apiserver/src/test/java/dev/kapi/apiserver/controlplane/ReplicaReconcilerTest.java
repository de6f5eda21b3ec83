package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas' reconcilers on one etcd: the kubernetes Service (first IP of the range, 443 to the secure port),
 * the endpoints and EndpointSlice listing both replicas, a stopped one leaving them at once; an identity lease
 * each, an expired identity lease collected by a replica that starts.
 */
@ExtendWith(EtcdExtension.class)
class ReplicaReconcilerTest {

    @Test
    void twoReplicasAreListedAndAStoppedOneLeavesAtOnce() {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry stores = TestStores.of(storage, prefix);
            for (String ns : List.of("default", "kube-system")) {
                Writes.create(store(stores, "", "namespaces", Namespace.class), null,
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
            }
            Store<Lease> leases = store(stores, "coordination.k8s.io", "leases", Lease.class);
            Writes.create(leases, "kube-system", new LeaseBuilder().withNewMetadata().withName("apiserver-gone")
                    .withLabels(Map.of(IdentityLease.LABEL, IdentityLease.COMPONENT)).endMetadata().withNewSpec()
                    .withHolderIdentity("apiserver-gone_1").withLeaseDurationSeconds(3600)
                    .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC).minusHours(2)).endSpec().build());
            Writes.create(leases, "kube-system", new LeaseBuilder().withNewMetadata().withName("someone-else")
                    .endMetadata().withNewSpec().withLeaseDurationSeconds(1)
                    .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC).minusHours(2)).endSpec().build());

            ReplicaReconciler a = reconciler(storage, prefix, stores, "10.1.0.2");
            ReplicaReconciler b = reconciler(storage, prefix, stores, "10.1.0.1");
            try {
                a.start(6443);
                b.start(6443);
                Store<Endpoints> endpoints = store(stores, "", "endpoints", Endpoints.class);
                Store<EndpointSlice> slices = store(stores, "discovery.k8s.io", "endpointslices", EndpointSlice.class);
                await().atMost(Duration.ofSeconds(15)).until(() -> ips(endpoints).size() == 2);
                assertThat(ips(endpoints)).containsExactly("10.1.0.1", "10.1.0.2");
                Endpoints ep = endpoints.get("default", "kubernetes");
                assertThat(ep.getMetadata().getLabels()).containsEntry("endpointslice.kubernetes.io/skip-mirror", "true");
                assertThat(ep.getSubsets().getFirst().getPorts().getFirst().getName()).isEqualTo("https");
                assertThat(ep.getSubsets().getFirst().getPorts().getFirst().getPort()).isEqualTo(6443);
                await().atMost(Duration.ofSeconds(15)).until(() -> sliceIps(slices).size() == 2);
                EndpointSlice slice = slices.get("default", "kubernetes");
                assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "kubernetes");
                assertThat(slice.getAddressType()).isEqualTo("IPv4");
                assertThat(slice.getPorts().getFirst().getPort()).isEqualTo(6443);

                Service svc = store(stores, "", "services", Service.class).get("default", "kubernetes");
                assertThat(svc.getSpec().getClusterIP()).isEqualTo("10.96.0.1");
                assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
                assertThat(svc.getSpec().getPorts().getFirst().getPort()).isEqualTo(443);
                assertThat(svc.getSpec().getPorts().getFirst().getTargetPort().getIntVal()).isEqualTo(6443);
                assertThat(svc.getMetadata().getLabels()).containsEntry("component", "apiserver")
                        .containsEntry("provider", "kubernetes");

                List<Lease> identities = leases.list("kube-system", dev.kapi.apiserver.registry.ListParams.<Lease>all())
                        .items();
                assertThat(identities).extracting(l -> l.getMetadata().getName())
                        .as("the expired identity lease is collected, a lease of another kind is not")
                        .doesNotContain("apiserver-gone").contains("someone-else");
                assertThat(identities).filteredOn(l -> l.getMetadata().getName().startsWith("apiserver-"))
                        .hasSize(2).allSatisfy(l -> {
                            assertThat(l.getMetadata().getLabels()).containsEntry(IdentityLease.LABEL, "kube-apiserver");
                            assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(3600);
                            assertThat(l.getSpec().getHolderIdentity()).startsWith(l.getMetadata().getName() + "_");
                        });

                a.stop(Duration.ofSeconds(5));
                assertThat(ips(endpoints)).as("right after the stop").containsExactly("10.1.0.1");
                assertThat(sliceIps(slices)).containsExactly("10.1.0.1");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static ReplicaReconciler reconciler(Storage storage, String prefix, StoreRegistry stores, String ip) {
        return new ReplicaReconciler(storage, prefix, stores, Writes.PIPELINE, ip, "10.96.0.1", true, "host");
    }

    private static List<String> ips(Store<Endpoints> endpoints) {
        try {
            return KubernetesEndpoints.endpointIps(endpoints.get("default", "kubernetes"));
        } catch (StatusError e) {
            return List.of();
        }
    }

    private static List<String> sliceIps(Store<EndpointSlice> slices) {
        try {
            return slices.get("default", "kubernetes").getEndpoints().stream()
                    .flatMap(e -> e.getAddresses().stream()).toList();
        } catch (StatusError e) {
            return List.of();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> Store<T> store(StoreRegistry stores, String group, String resource,
                                                          Class<T> type) {
        return stores.find(group, "v1", resource, type).orElseThrow();
    }
}
