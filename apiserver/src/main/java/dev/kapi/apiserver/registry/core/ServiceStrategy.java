package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Services: kube's defaults, DNS-1035 names, {@link ServiceValidation}, cluster IP and node port allocation
 * through {@link ServiceAllocations} (kept across type changes, released on delete), field selectors
 * {@code spec.clusterIP} and {@code spec.type}, and the {@code kubectl get services} columns.
 */
public final class ServiceStrategy implements ResourceStrategy<Service> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    private final ServiceAllocations allocations;

    public ServiceStrategy(ServiceAllocations allocations) {
        this.allocations = allocations;
    }

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(Service svc) {
        if (svc.getSpec() == null) {
            svc.setSpec(new ServiceSpec());
        }
        ServiceSpec spec = svc.getSpec();
        if (empty(spec.getSessionAffinity())) {
            spec.setSessionAffinity("None");
        }
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            if (spec.getSessionAffinityConfig() == null) {
                spec.setSessionAffinityConfig(new SessionAffinityConfig());
            }
            if (spec.getSessionAffinityConfig().getClientIP() == null) {
                spec.getSessionAffinityConfig().setClientIP(new ClientIPConfig());
            }
            if (spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() == null) {
                spec.getSessionAffinityConfig().getClientIP().setTimeoutSeconds(10800);
            }
        }
        if (empty(spec.getType())) {
            spec.setType(ServiceTypes.CLUSTER_IP);
        }
        if (spec.getPorts() != null) {
            for (ServicePort p : spec.getPorts()) {
                if (empty(p.getProtocol())) {
                    p.setProtocol("TCP");
                }
                IntOrString t = p.getTargetPort();
                if (t == null || (t.getStrVal() == null && (t.getIntVal() == null || t.getIntVal() == 0))
                        || (t.getStrVal() != null && t.getStrVal().isEmpty())) {
                    p.setTargetPort(new IntOrString(p.getPort()));
                }
            }
        }
        String type = spec.getType();
        if ((ServiceTypes.NODE_PORT.equals(type) || ServiceTypes.LOAD_BALANCER.equals(type))
                && empty(spec.getExternalTrafficPolicy())) {
            spec.setExternalTrafficPolicy("Cluster");
        }
        if (!ServiceTypes.EXTERNAL_NAME.equals(type) && empty(spec.getInternalTrafficPolicy())) {
            spec.setInternalTrafficPolicy("Cluster");
        }
        if (ServiceTypes.LOAD_BALANCER.equals(type) && spec.getAllocateLoadBalancerNodePorts() == null) {
            spec.setAllocateLoadBalancerNodePorts(true);
        }
        if (!empty(spec.getClusterIP()) && (spec.getClusterIPs() == null || spec.getClusterIPs().isEmpty())) {
            spec.setClusterIPs(new ArrayList<>(List.of(spec.getClusterIP())));
        } else if (empty(spec.getClusterIP()) && spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            spec.setClusterIP(spec.getClusterIPs().get(0));
        }
    }

    @Override
    public void prepareForCreate(Service svc) {
        ipFamilies(svc);
    }

    /** Keeps allocated values the update left out and drops those the new type no longer uses. */
    @Override
    public void prepareForUpdate(Service svc, Service old) {
        ServiceSpec spec = svc.getSpec();
        ServiceSpec oldSpec = old.getSpec();
        if (!ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(old)) && !ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(svc))) {
            if (empty(spec.getClusterIP())) {
                spec.setClusterIP(oldSpec.getClusterIP());
            }
            if (emptyList(spec.getClusterIPs()) && !emptyList(oldSpec.getClusterIPs())) {
                spec.setClusterIPs(oldSpec.getClusterIPs());
            }
        }
        normalizeClusterIps(spec, oldSpec);
        if (ServiceTypes.hasNodePorts(old) && ServiceTypes.hasNodePorts(svc) && spec.getPorts() != null) {
            for (ServicePort p : spec.getPorts()) {
                if (p.getNodePort() == null || p.getNodePort() == 0) {
                    oldPorts(old).stream().filter(o -> Objects.equals(o.getPort(), p.getPort())
                                    && Objects.equals(o.getProtocol(), p.getProtocol()) && o.getNodePort() != null)
                            .findFirst().ifPresent(o -> p.setNodePort(o.getNodePort()));
                }
            }
        }
        if (ServiceTypes.needsHealthCheckNodePort(old) && ServiceTypes.needsHealthCheckNodePort(svc)
                && (spec.getHealthCheckNodePort() == null || spec.getHealthCheckNodePort() == 0)) {
            spec.setHealthCheckNodePort(oldSpec.getHealthCheckNodePort());
        }
        if (ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(svc)) && !ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(old))
                && Objects.equals(spec.getClusterIP(), oldSpec.getClusterIP())) {
            spec.setClusterIP(null);
            spec.setClusterIPs(null);
            spec.setIpFamilies(null);
            spec.setIpFamilyPolicy(null);
            spec.setInternalTrafficPolicy(null);
        }
        if (ServiceTypes.hasNodePorts(old) && !ServiceTypes.hasNodePorts(svc) && spec.getPorts() != null) {
            for (ServicePort p : spec.getPorts()) {
                boolean unchanged = oldPorts(old).stream().anyMatch(o -> Objects.equals(o.getNodePort(), p.getNodePort()));
                if (unchanged) {
                    p.setNodePort(null);
                }
            }
            if (Objects.equals(spec.getExternalTrafficPolicy(), oldSpec.getExternalTrafficPolicy())) {
                spec.setExternalTrafficPolicy(null);
            }
        }
        if (!ServiceTypes.needsHealthCheckNodePort(svc)
                && Objects.equals(spec.getHealthCheckNodePort(), oldSpec.getHealthCheckNodePort())) {
            spec.setHealthCheckNodePort(null);
        }
        if (!ServiceTypes.LOAD_BALANCER.equals(ServiceTypes.type(svc))
                && Objects.equals(spec.getAllocateLoadBalancerNodePorts(), oldSpec.getAllocateLoadBalancerNodePorts())) {
            spec.setAllocateLoadBalancerNodePorts(null);
        }
        ipFamilies(svc);
    }

    /**
     * kube's {@code normalizeClusterIPs} on update: a client that sent only the singular field gets clusterIPs
     * kept (same clusterIP), cleared (clusterIP cleared) or set to [clusterIP] (clusterIP changed), so that
     * validation reports the one change instead of a mismatch between the two fields.
     */
    static void normalizeClusterIps(ServiceSpec spec, ServiceSpec oldSpec) {
        if (!emptyList(oldSpec.getClusterIPs()) && emptyList(spec.getClusterIPs())
                && nz(oldSpec.getClusterIP()).equals(nz(spec.getClusterIP()))) {
            spec.setClusterIPs(oldSpec.getClusterIPs());
        }
        if (nz(oldSpec.getClusterIP()).equals(nz(spec.getClusterIP()))) {
            return;
        }
        boolean sameIps = Objects.equals(orEmpty(oldSpec.getClusterIPs()), orEmpty(spec.getClusterIPs()));
        if (!empty(oldSpec.getClusterIP()) && empty(spec.getClusterIP())) {
            if (sameIps) {
                spec.setClusterIPs(null);
            }
        } else if (sameIps) {
            spec.setClusterIPs(new ArrayList<>(List.of(spec.getClusterIP())));
        }
    }

    private static boolean emptyList(List<String> l) {
        return l == null || l.isEmpty();
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static List<ServicePort> oldPorts(Service old) {
        return old.getSpec().getPorts() == null ? List.of() : old.getSpec().getPorts();
    }

    /** Single-stack IPv4: every service but ExternalName is SingleStack with family IPv4 unless it says otherwise. */
    private static void ipFamilies(Service svc) {
        ServiceSpec spec = svc.getSpec();
        if (ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(svc))) {
            return;
        }
        if (empty(spec.getIpFamilyPolicy())) {
            spec.setIpFamilyPolicy("SingleStack");
        }
        if (spec.getIpFamilies() == null || spec.getIpFamilies().isEmpty()) {
            spec.setIpFamilies(new ArrayList<>(List.of("IPv4")));
        }
    }

    @Override
    public List<String> validateName(String name) {
        return NameValidation.dns1035Label(name);
    }

    @Override
    public List<FieldError> validate(Service svc) {
        return ServiceValidation.validate(svc);
    }

    @Override
    public List<FieldError> validateUpdate(Service svc, Service old) {
        List<FieldError> errs = ServiceValidation.validate(svc);
        errs.addAll(ServiceValidation.validateClusterIpsUpdate(svc, old));
        return errs;
    }

    @Override
    public void beforeCreate(Service svc, boolean dryRun) {
        allocations.allocate(svc, dryRun);
    }

    @Override
    public void releaseAfterFailedCreate(Service svc) {
        allocations.releaseAll(svc);
    }

    @Override
    public void beforeUpdate(Service svc, Service old, boolean dryRun) {
        allocations.allocate(svc, old, dryRun);
    }

    @Override
    public void releaseAfterFailedUpdate(Service svc, Service old) {
        allocations.releaseDifference(svc, old);
    }

    @Override
    public void afterUpdate(Service svc, Service old) {
        allocations.releaseDifference(old, svc);
    }

    @Override
    public void afterDelete(Service old) {
        allocations.releaseAll(old);
    }

    @Override
    public Map<String, String> selectableFields(Service svc) {
        ServiceSpec spec = svc.getSpec() == null ? new ServiceSpec() : svc.getSpec();
        return Map.of("spec.clusterIP", nz(spec.getClusterIP()), "spec.type", nz(spec.getType()));
    }

    @Override
    public List<TableColumn<Service>> tableColumns() {
        return ServicePrinter.columns();
    }

    static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
