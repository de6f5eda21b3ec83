package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The service rules of kube's {@code ValidateService} users most often meet: ports required (except
 * ExternalName and headless services), port numbers and names, protocols, supported types and policies,
 * selector syntax, cluster IP syntax, node ports only for NodePort/LoadBalancer, external name for ExternalName.
 */
final class ServiceValidation {

    static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    static final List<String> AFFINITIES = List.of("ClientIP", "None");
    static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
    static final List<String> FAMILY_POLICIES = List.of("PreferDualStack", "RequireDualStack", "SingleStack");

    private ServiceValidation() {
    }

    static List<FieldError> validate(Service svc) {
        List<FieldError> errs = new ArrayList<>();
        ServiceSpec spec = svc.getSpec();
        String type = ServiceTypes.type(svc);
        if (!TYPES.contains(type)) {
            errs.add(FieldError.notSupported("spec.type", type, TYPES));
        }
        PodSpecValidation.enumValue(errs, "spec.sessionAffinity", spec.getSessionAffinity(), AFFINITIES, true);
        List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
        boolean externalName = ServiceTypes.EXTERNAL_NAME.equals(type);
        if (externalName) {
            if (ServiceSpecs.notEmpty(spec.getClusterIP())) {
                errs.add(FieldError.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
            }
            String name = spec.getExternalName();
            if (name == null || name.isEmpty()) {
                errs.add(FieldError.required("spec.externalName", ""));
            } else {
                String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
                NameValidation.dns1123Subdomain(n).forEach(m -> errs.add(FieldError.invalid("spec.externalName", n, m)));
            }
        } else if (ports.isEmpty() && !headless(spec)) {
            errs.add(FieldError.required("spec.ports", ""));
        }
        Set<String> names = new HashSet<>();
        Set<String> portProtocols = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            port(ports.get(i), i, ports.size() > 1, type, names, portProtocols, errs);
        }
        errs.addAll(ObjectMetaValidation.validateLabels(spec.getSelector(), "spec.selector"));
        String ip = spec.getClusterIP();
        if (!externalName && ServiceSpecs.notEmpty(ip) && !"None".equals(ip)
                && ServiceIpRange.parseIpv4(ip) == null && !ServiceIpRange.looksIpv6(ip)) {
            errs.add(FieldError.invalid("spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
        if ("None".equals(ip) && (ServiceTypes.NODE_PORT.equals(type) || ServiceTypes.LOAD_BALANCER.equals(type))) {
            errs.add(FieldError.invalid("spec.clusterIPs[0]", ip, "may not be set to 'None' for " + type + " services"));
        }
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() && ServiceSpecs.notEmpty(ip)
                && !ip.equals(spec.getClusterIPs().get(0))) {
            errs.add(FieldError.invalid("spec.clusterIPs", GoValues.strings(spec.getClusterIPs()),
                    "first value must match `clusterIP`"));
        }
        if (spec.getIpFamilies() != null) {
            for (int i = 0; i < spec.getIpFamilies().size(); i++) {
                String f = spec.getIpFamilies().get(i);
                if (!"IPv4".equals(f)) {
                    errs.add("IPv6".equals(f)
                            ? FieldError.invalid("spec.ipFamilies[" + i + "]", f, "not configured on this cluster")
                            : FieldError.notSupported("spec.ipFamilies[" + i + "]", f, List.of("IPv4", "IPv6")));
                }
            }
        }
        PodSpecValidation.enumValue(errs, "spec.ipFamilyPolicy", spec.getIpFamilyPolicy(), FAMILY_POLICIES, true);
        if (ServiceSpecs.notEmpty(spec.getExternalTrafficPolicy())) {
            if (!ServiceTypes.hasNodePorts(svc)) {
                errs.add(FieldError.invalid("spec.externalTrafficPolicy", spec.getExternalTrafficPolicy(),
                        "may only be set for externally-accessible services"));
            } else {
                PodSpecValidation.enumValue(errs, "spec.externalTrafficPolicy", spec.getExternalTrafficPolicy(),
                        TRAFFIC_POLICIES, true);
            }
        }
        PodSpecValidation.enumValue(errs, "spec.internalTrafficPolicy", spec.getInternalTrafficPolicy(), TRAFFIC_POLICIES, true);
        return errs;
    }

    /**
     * kube's {@code validateUpgradeDowngradeClusterIPs}: cluster IPs may be added or the secondary one released,
     * but a set one never changes (except to or from ExternalName, or between headless services).
     */
    static List<FieldError> validateClusterIpsUpdate(Service svc, Service old) {
        List<FieldError> errs = new ArrayList<>();
        if (ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(svc)) || ServiceTypes.EXTERNAL_NAME.equals(ServiceTypes.type(old))
                || (headless(svc.getSpec()) && headless(old.getSpec()))) {
            return errs;
        }
        List<String> ips = svc.getSpec().getClusterIPs() == null ? List.of() : svc.getSpec().getClusterIPs();
        List<String> oldIps = old.getSpec().getClusterIPs() == null ? List.of() : old.getSpec().getClusterIPs();
        GoValues.Printed value = GoValues.strings(svc.getSpec().getClusterIPs());
        if (oldIps.size() == ips.size()) {
            for (int i = 0; i < oldIps.size(); i++) {
                if (!oldIps.get(i).equals(ips.get(i))) {
                    errs.add(FieldError.invalid("spec.clusterIPs[" + i + "]", value, "may not change once set"));
                }
            }
        } else if (oldIps.size() > ips.size()) {
            if (ips.isEmpty()) {
                errs.add(FieldError.invalid("spec.clusterIPs[0]", value, "primary clusterIP can not be unset"));
            } else if (!ips.get(0).equals(oldIps.get(0))) {
                errs.add(FieldError.invalid("spec.clusterIPs[0]", value, "may not change once set"));
            }
            if (ips.size() == 1 && !"SingleStack".equals(svc.getSpec().getIpFamilyPolicy())) {
                errs.add(FieldError.invalid("spec.clusterIPs[0]", value,
                        "`ipFamilyPolicy` must be set to 'SingleStack' when releasing the secondary clusterIP"));
            }
        } else if (!oldIps.isEmpty() && !ips.get(0).equals(oldIps.get(0))) {
            errs.add(FieldError.invalid("spec.clusterIPs[0]", value, "may not change once set"));
        }
        return errs;
    }

    /** kube's {@code isHeadlessService}: the only cluster IP is "None" (clusterIP when clusterIPs is unset). */
    static boolean headless(ServiceSpec spec) {
        List<String> ips = spec.getClusterIPs();
        if (ips == null || ips.isEmpty()) {
            return "None".equals(spec.getClusterIP());
        }
        return ips.size() == 1 && "None".equals(ips.get(0));
    }

    private static void port(ServicePort p, int i, boolean multiple, String type, Set<String> names,
                             Set<String> portProtocols, List<FieldError> errs) {
        String path = "spec.ports[" + i + "]";
        if (p.getName() == null || p.getName().isEmpty()) {
            if (multiple) {
                errs.add(FieldError.required(path + ".name", ""));
            }
        } else {
            NameValidation.dns1123Label(p.getName()).forEach(m -> errs.add(FieldError.invalid(path + ".name", p.getName(), m)));
            if (!names.add(p.getName())) {
                errs.add(FieldError.duplicate(path + ".name", p.getName()));
            }
        }
        int port = p.getPort() == null ? 0 : p.getPort();
        NameValidation.portNumber(port).forEach(m -> errs.add(FieldError.invalid(path + ".port", port, m)));
        PodSpecValidation.enumValue(errs, path + ".protocol", p.getProtocol(), PodSpecValidation.PROTOCOLS, false);
        IntOrString t = p.getTargetPort();
        if (t != null && t.getStrVal() != null) {
            NameValidation.portName(t.getStrVal()).forEach(m -> errs.add(FieldError.invalid(path + ".targetPort", t.getStrVal(), m)));
        } else if (t != null && t.getIntVal() != null) {
            NameValidation.portNumber(t.getIntVal()).forEach(m -> errs.add(FieldError.invalid(path + ".targetPort", t.getIntVal(), m)));
        }
        Integer np = p.getNodePort();
        if (np != null && np != 0) {
            if (!ServiceTypes.NODE_PORT.equals(type) && !ServiceTypes.LOAD_BALANCER.equals(type)) {
                errs.add(FieldError.forbidden(path + ".nodePort", "may not be used when `type` is '" + type + "'"));
            } else {
                NameValidation.portNumber(np).forEach(m -> errs.add(FieldError.invalid(path + ".nodePort", np, m)));
            }
        }
        if (!portProtocols.add(port + "/" + p.getProtocol())) {
            errs.add(FieldError.duplicate(path, "{Port:" + port + ", Protocol:" + p.getProtocol() + "}"));
        }
    }
}
