package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Service;

/** What a service's type and settings imply: whether it gets a cluster IP, node ports, a health check port. */
final class ServiceTypes {

    static final String CLUSTER_IP = "ClusterIP";
    static final String NODE_PORT = "NodePort";
    static final String LOAD_BALANCER = "LoadBalancer";
    static final String EXTERNAL_NAME = "ExternalName";

    private ServiceTypes() {
    }

    static String type(Service svc) {
        String t = svc.getSpec() == null ? null : svc.getSpec().getType();
        return t == null || t.isEmpty() ? CLUSTER_IP : t;
    }

    /** Not ExternalName and not headless ("None"). */
    static boolean needsClusterIp(Service svc) {
        return svc.getSpec() != null && !EXTERNAL_NAME.equals(type(svc)) && !"None".equals(svc.getSpec().getClusterIP());
    }

    /** NodePort or LoadBalancer: node ports are allowed (and kept when given). */
    static boolean hasNodePorts(Service svc) {
        String t = type(svc);
        return NODE_PORT.equals(t) || LOAD_BALANCER.equals(t);
    }

    /** Whether missing node ports are allocated: NodePort, or LoadBalancer unless allocateLoadBalancerNodePorts=false. */
    static boolean allocatesNodePorts(Service svc) {
        String t = type(svc);
        return NODE_PORT.equals(t)
                || (LOAD_BALANCER.equals(t) && !Boolean.FALSE.equals(svc.getSpec().getAllocateLoadBalancerNodePorts()));
    }

    /** A LoadBalancer with externalTrafficPolicy Local gets a health check node port. */
    static boolean needsHealthCheckNodePort(Service svc) {
        return LOAD_BALANCER.equals(type(svc)) && "Local".equals(svc.getSpec().getExternalTrafficPolicy());
    }
}
