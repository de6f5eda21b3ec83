package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube's service evaluator: a service uses 1 of {@code services} and {@code count/services}, a LoadBalancer 1
 * of {@code services.loadbalancers}, and a NodePort or LoadBalancer service one {@code services.nodeports} per
 * port (only the ports naming a nodePort when a LoadBalancer does not allocate them). Creates and updates are
 * charged (the type may change); services have no scopes.
 */
final class ServiceEvaluator implements Evaluator {

    static final GroupResource SERVICES = new GroupResource("", "services");
    private static final List<String> NAMES = List.of("count/services", "services", "services.nodeports",
            "services.loadbalancers");

    @Override
    public GroupResource groupResource() {
        return SERVICES;
    }

    @Override
    public boolean handles(AdmissionAttributes a) {
        return a.operation() == Operation.CREATE || a.operation() == Operation.UPDATE;
    }

    @Override
    public List<String> matchingResources(Collection<String> input) {
        return input.stream().filter(NAMES::contains).toList();
    }

    @Override
    public boolean matchesScope(ScopedResourceSelectorRequirement scope, HasMetadata obj) {
        return false;
    }

    @Override
    public Map<String, Amount> usage(HasMetadata obj) {
        ServiceSpec spec = obj instanceof Service s && s.getSpec() != null ? s.getSpec() : new ServiceSpec();
        List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
        Map<String, Amount> out = new TreeMap<>();
        out.put("count/services", Amount.ONE);
        out.put("services", Amount.ONE);
        out.put("services.loadbalancers", Amount.ZERO);
        out.put("services.nodeports", Amount.ZERO);
        if ("NodePort".equals(spec.getType())) {
            out.put("services.nodeports", Amount.of(ports.size()));
        } else if ("LoadBalancer".equals(spec.getType())) {
            long nodePorts = Boolean.FALSE.equals(spec.getAllocateLoadBalancerNodePorts())
                    ? ports.stream().filter(p -> p.getNodePort() != null && p.getNodePort() != 0).count()
                    : ports.size();
            out.put("services.nodeports", Amount.of(nodePorts));
            out.put("services.loadbalancers", Amount.ONE);
        }
        return out;
    }
}
