package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code default/kubernetes} Service, as kube's kubernetesservice controller keeps it: created when missing
 * (also after someone deleted it) with the first IP of {@code --service-cluster-ip-range}, type ClusterIP, one
 * port {@code https} 443/TCP to target port {@code --secure-port}, labels {@code component=apiserver},
 * {@code provider=kubernetes}, no selector (its endpoints are the replicas', {@link KubernetesEndpoints}); a Service
 * whose port no longer matches is updated. Several replicas may race to create it: the loser finds it there.
 */
final class KubernetesService {

    private final WriteScope<Service> services;
    private final WritePipeline writes;
    private final String clusterIp;
    private final int securePort;

    KubernetesService(StoreRegistry stores, WritePipeline writes, String clusterIp, int securePort) {
        this.services = WriteScope.of(stores.find("", "v1", "services", Service.class).orElseThrow(),
                KubernetesEndpoints.NAMESPACE, SystemUsers.API_SERVER);
        this.writes = writes;
        this.clusterIp = clusterIp;
        this.securePort = securePort;
    }

    void ensure() {
        Service current = read();
        if (current == null) {
            try {
                writes.create(services, desired(), OperationOptions.create());
                return;
            } catch (StatusError e) {
                current = awaitOther(e);
            }
        }
        if (current != null && !portsMatch(current)) {
            writes.update(services, KubernetesEndpoints.NAME, svc -> {
                svc.getSpec().setPorts(new ArrayList<>(List.of(port())));
                return svc;
            }, OperationOptions.update());
        }
    }

    /**
     * After a failed create: another replica that allocated the cluster IP first (422 "already allocated") or
     * created the Service (409) is about to store it or just did; wait a moment for it before reporting {@code e}.
     */
    private Service awaitOther(StatusError e) {
        if (e.code() != 409 && e.code() != 422) {
            throw e;
        }
        for (int i = 0; i < 10; i++) {
            Service other = read();
            if (other != null) {
                return other;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw e;
    }

    private Service read() {
        try {
            return services.store().get(KubernetesEndpoints.NAMESPACE, KubernetesEndpoints.NAME);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private boolean portsMatch(Service svc) {
        List<ServicePort> ports = svc.getSpec() == null ? null : svc.getSpec().getPorts();
        if (ports == null || ports.size() != 1) {
            return false;
        }
        ServicePort p = ports.getFirst();
        return KubernetesEndpoints.PORT_NAME.equals(p.getName()) && Integer.valueOf(443).equals(p.getPort())
                && p.getTargetPort() != null && Integer.valueOf(securePort).equals(p.getTargetPort().getIntVal());
    }

    private ServicePort port() {
        ServicePort p = new ServicePort();
        p.setName(KubernetesEndpoints.PORT_NAME);
        p.setPort(443);
        p.setProtocol("TCP");
        p.setTargetPort(new IntOrString(securePort));
        return p;
    }

    private Service desired() {
        Service svc = new Service();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(KubernetesEndpoints.NAME);
        meta.setNamespace(KubernetesEndpoints.NAMESPACE);
        meta.setLabels(Map.of("component", "apiserver", "provider", "kubernetes"));
        svc.setMetadata(meta);
        ServiceSpec spec = new ServiceSpec();
        spec.setType("ClusterIP");
        spec.setClusterIP(clusterIp);
        spec.setClusterIPs(new ArrayList<>(List.of(clusterIp)));
        spec.setSessionAffinity("None");
        spec.setPorts(new ArrayList<>(List.of(port())));
        svc.setSpec(spec);
        return svc;
    }
}
