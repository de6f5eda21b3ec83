package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Small readings of a service for printing: external IPs, ports, selector (kube's printer helpers). */
final class ServiceSpecs {

    private ServiceSpecs() {
    }

    static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    static String externalIp(Service svc) {
        String type = ServiceTypes.type(svc);
        List<String> external = svc.getSpec().getExternalIPs() == null ? List.of() : svc.getSpec().getExternalIPs();
        switch (type) {
            case ServiceTypes.CLUSTER_IP, ServiceTypes.NODE_PORT -> {
                return external.isEmpty() ? "<none>" : String.join(",", external);
            }
            case ServiceTypes.LOAD_BALANCER -> {
                List<String> ips = new ArrayList<>();
                if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                        && svc.getStatus().getLoadBalancer().getIngress() != null) {
                    for (LoadBalancerIngress in : svc.getStatus().getLoadBalancer().getIngress()) {
                        ips.add(notEmpty(in.getIp()) ? in.getIp() : in.getHostname());
                    }
                }
                ips.addAll(external);
                return ips.isEmpty() ? "<pending>" : String.join(",", ips);
            }
            case ServiceTypes.EXTERNAL_NAME -> {
                return svc.getSpec().getExternalName();
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    static String ports(Service svc) {
        List<ServicePort> ports = svc.getSpec().getPorts();
        if (ports == null || ports.isEmpty()) {
            return "<none>";
        }
        return ports.stream().map(p -> p.getNodePort() != null && p.getNodePort() > 0
                        ? p.getPort() + ":" + p.getNodePort() + "/" + p.getProtocol()
                        : p.getPort() + "/" + p.getProtocol())
                .collect(Collectors.joining(","));
    }

    /** {@code labels.FormatLabels}: sorted k=v joined by ',', "&lt;none&gt;" when empty. */
    static String selector(Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return "<none>";
        }
        return new TreeMap<>(selector).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
