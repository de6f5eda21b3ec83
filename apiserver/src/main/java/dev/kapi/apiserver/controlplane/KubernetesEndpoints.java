package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes {@code default/endpoints/kubernetes} and the discovery.k8s.io/v1 EndpointSlice {@code default/kubernetes}
 * to a set of replica IPs, as kube's endpoints adapter does: one subset (slice) with the IPs in order and the one
 * port {@code https} (the {@code --secure-port}, which every replica must share), the Endpoints labelled
 * {@code endpointslice.kubernetes.io/skip-mirror=true}, the slice {@code kubernetes.io/service-name=kubernetes}.
 * Writes go through the {@link WritePipeline} as the API server, and only when something differs.
 */
final class KubernetesEndpoints {

    static final String NAMESPACE = "default";
    static final String NAME = "kubernetes";
    static final String PORT_NAME = "https";

    private final WriteScope<Endpoints> endpoints;
    private final WriteScope<EndpointSlice> slices;
    private final WritePipeline writes;
    private final int port;

    KubernetesEndpoints(StoreRegistry stores, WritePipeline writes, int port) {
        this.endpoints = scope(stores.find("", "v1", "endpoints", Endpoints.class).orElseThrow());
        this.slices = scope(stores.find("discovery.k8s.io", "v1", "endpointslices", EndpointSlice.class).orElseThrow());
        this.writes = writes;
        this.port = port;
    }

    private static <T extends HasMetadata> WriteScope<T> scope(Store<T> store) {
        return WriteScope.of(store, NAMESPACE, SystemUsers.API_SERVER);
    }

    /** Makes both objects list exactly {@code ips} (sorted by the caller), creating them when missing. */
    void write(List<String> ips) {
        writeEndpoints(ips);
        writeSlice(ips);
    }

    private void writeEndpoints(List<String> ips) {
        Endpoints current = read(endpoints);
        if (current != null && ips.equals(endpointIps(current)) && portsMatch(current)
                && "true".equals(label(current, "endpointslice.kubernetes.io/skip-mirror"))) {
            return;
        }
        upsert(endpoints, current, new Endpoints(), ep -> {
            label(ep, "endpointslice.kubernetes.io/skip-mirror", "true");
            List<EndpointSubset> subsets = new ArrayList<>();
            if (!ips.isEmpty()) {
                EndpointSubset subset = new EndpointSubset();
                subset.setAddresses(new ArrayList<>(ips.stream().map(ip -> {
                    EndpointAddress a = new EndpointAddress();
                    a.setIp(ip);
                    return a;
                }).toList()));
                EndpointPort p = new EndpointPort();
                p.setName(PORT_NAME);
                p.setPort(port);
                p.setProtocol("TCP");
                subset.setPorts(new ArrayList<>(List.of(p)));
                subsets.add(subset);
            }
            ep.setSubsets(subsets);
            return ep;
        });
    }

    private void writeSlice(List<String> ips) {
        EndpointSlice current = read(slices);
        String family = ips.stream().anyMatch(ip -> ip.contains(":")) ? "IPv6" : "IPv4";
        if (current != null && ips.equals(sliceIps(current)) && slicePortsMatch(current)
                && NAME.equals(label(current, "kubernetes.io/service-name"))) {
            return;
        }
        upsert(slices, current, new EndpointSlice(), slice -> {
            label(slice, "kubernetes.io/service-name", NAME);
            if (slice.getAddressType() == null) {
                slice.setAddressType(family);
            }
            slice.setEndpoints(new ArrayList<>(ips.stream().map(ip -> {
                Endpoint e = new Endpoint();
                e.setAddresses(new ArrayList<>(List.of(ip)));
                EndpointConditions c = new EndpointConditions();
                c.setReady(true);
                e.setConditions(c);
                return e;
            }).toList()));
            io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort p =
                    new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort();
            p.setName(PORT_NAME);
            p.setPort(port);
            p.setProtocol("TCP");
            slice.setPorts(new ArrayList<>(List.of(p)));
            return slice;
        });
    }

    private <T extends HasMetadata> void upsert(WriteScope<T> scope, T current, T fresh, UnaryOperator<T> change) {
        if (current == null) {
            fresh.setMetadata(new ObjectMeta());
            fresh.getMetadata().setName(NAME);
            fresh.getMetadata().setNamespace(NAMESPACE);
            try {
                writes.create(scope, change.apply(fresh), OperationOptions.create());
                return;
            } catch (StatusError e) {
                if (e.code() != 409) {
                    throw e;
                }
            }
        }
        writes.update(scope, NAME, change::apply, OperationOptions.update());
    }

    private static <T extends HasMetadata> T read(WriteScope<T> scope) {
        try {
            return scope.store().get(NAMESPACE, NAME);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    static List<String> endpointIps(Endpoints ep) {
        List<String> ips = new ArrayList<>();
        if (ep.getSubsets() != null) {
            ep.getSubsets().forEach(s -> {
                if (s.getAddresses() != null) {
                    s.getAddresses().forEach(a -> ips.add(a.getIp()));
                }
            });
        }
        return ips;
    }

    private boolean portsMatch(Endpoints ep) {
        return ep.getSubsets() == null || ep.getSubsets().stream().allMatch(s -> s.getPorts() != null
                && s.getPorts().size() == 1 && PORT_NAME.equals(s.getPorts().getFirst().getName())
                && s.getPorts().getFirst().getPort() == port);
    }

    private static List<String> sliceIps(EndpointSlice slice) {
        List<String> ips = new ArrayList<>();
        if (slice.getEndpoints() != null) {
            slice.getEndpoints().forEach(e -> ips.addAll(e.getAddresses()));
        }
        return ips;
    }

    private boolean slicePortsMatch(EndpointSlice slice) {
        return slice.getPorts() != null && slice.getPorts().size() == 1
                && PORT_NAME.equals(slice.getPorts().getFirst().getName())
                && Integer.valueOf(port).equals(slice.getPorts().getFirst().getPort());
    }

    private static String label(HasMetadata obj, String key) {
        Map<String, String> labels = obj.getMetadata() == null ? null : obj.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    private static void label(HasMetadata obj, String key, String value) {
        Map<String, String> labels = obj.getMetadata().getLabels() == null
                ? new HashMap<>() : new HashMap<>(obj.getMetadata().getLabels());
        labels.put(key, value);
        obj.getMetadata().setLabels(labels);
    }
}
