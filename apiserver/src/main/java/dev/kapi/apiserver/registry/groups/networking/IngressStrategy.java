package dev.kapi.apiserver.registry.groups.networking;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** networking.k8s.io/v1 ingresses: rules, paths (pathType required), backends; kubectl's columns. */
public final class IngressStrategy implements ResourceStrategy<Ingress> {

    private static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");

    @Override
    public List<FieldError> validate(Ingress ing) {
        List<FieldError> errs = new ArrayList<>();
        IngressSpec spec = ing.getSpec() == null ? new IngressSpec() : ing.getSpec();
        boolean noRules = spec.getRules() == null || spec.getRules().isEmpty();
        if (spec.getDefaultBackend() == null && noRules) {
            errs.add(FieldError.invalid("spec", new GoValues.Printed("networking.IngressSpec{...}"),
                    "either `defaultBackend` or `rules` must be specified"));
        }
        if (spec.getDefaultBackend() != null) {
            backend(spec.getDefaultBackend(), "spec.defaultBackend", errs);
        }
        if (spec.getIngressClassName() != null) {
            for (String m : NameValidation.dns1123Subdomain(spec.getIngressClassName())) {
                errs.add(FieldError.invalid("spec.ingressClassName", spec.getIngressClassName(), m));
            }
        }
        for (int i = 0; !noRules && i < spec.getRules().size(); i++) {
            rule(spec.getRules().get(i), "spec.rules[" + i + "]", errs);
        }
        return errs;
    }

    private static void rule(IngressRule rule, String p, List<FieldError> errs) {
        String host = rule.getHost();
        if (host != null && !host.isEmpty()) {
            String checked = host.startsWith("*.") ? host.substring(2) : host;
            if (checked.matches("[0-9.]+") || checked.contains(":")) {
                errs.add(FieldError.invalid(p + ".host", host, "must be a DNS name, not an IP address"));
            }
            for (String m : NameValidation.dns1123Subdomain(checked)) {
                errs.add(FieldError.invalid(p + ".host", host, m));
            }
        }
        if (rule.getHttp() == null) {
            return;
        }
        List<HTTPIngressPath> paths = rule.getHttp().getPaths();
        if (paths == null || paths.isEmpty()) {
            errs.add(FieldError.required(p + ".http.paths", ""));
            return;
        }
        for (int i = 0; i < paths.size(); i++) {
            HTTPIngressPath path = paths.get(i);
            String pp = p + ".http.paths[" + i + "]";
            String type = path.getPathType();
            if (type == null || type.isEmpty()) {
                errs.add(FieldError.required(pp + ".pathType", "pathType must be specified"));
            } else if (!PATH_TYPES.contains(type)) {
                errs.add(FieldError.notSupported(pp + ".pathType", type, PATH_TYPES));
            } else if (!type.equals("ImplementationSpecific")) {
                String v = path.getPath() == null ? "" : path.getPath();
                if (!v.startsWith("/")) {
                    errs.add(FieldError.invalid(pp + ".path", v, "must be an absolute path"));
                } else if (v.contains("//")) {
                    errs.add(FieldError.invalid(pp + ".path", v, "must not contain '//'"));
                }
            } else if (path.getPath() != null && !path.getPath().isEmpty() && !path.getPath().startsWith("/")) {
                errs.add(FieldError.invalid(pp + ".path", path.getPath(), "must be an absolute path"));
            }
            backend(path.getBackend(), pp + ".backend", errs);
        }
    }

    private static void backend(IngressBackend b, String p, List<FieldError> errs) {
        boolean resource = b != null && b.getResource() != null;
        boolean service = b != null && b.getService() != null;
        if (resource && service) {
            errs.add(FieldError.invalid(p, "", "cannot set both resource and service backends"));
        } else if (service) {
            var svc = b.getService();
            if (svc.getName() == null || svc.getName().isEmpty()) {
                errs.add(FieldError.required(p + ".service.name", ""));
            }
            boolean name = svc.getPort() != null && svc.getPort().getName() != null && !svc.getPort().getName().isEmpty();
            boolean number = svc.getPort() != null && svc.getPort().getNumber() != null && svc.getPort().getNumber() != 0;
            if (name && number) {
                errs.add(FieldError.invalid(p, "", "cannot set both port name & port number"));
            } else if (number && (svc.getPort().getNumber() < 1 || svc.getPort().getNumber() > 65535)) {
                errs.add(FieldError.invalid(p + ".service.port.number", svc.getPort().getNumber(),
                        "must be between 1 and 65535, inclusive"));
            } else if (!name && !number) {
                errs.add(FieldError.required(p + ".service.port", "port name or number is required"));
            }
        } else if (!resource) {
            errs.add(FieldError.invalid(p, "", "resource or service backend is required"));
        }
    }

    @Override
    public List<TableColumn<Ingress>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Class", "string",
                        "The name of the IngressClass resource that should be used for additional configuration",
                        i -> i.getSpec() == null || i.getSpec().getIngressClassName() == null ? "<none>"
                                : i.getSpec().getIngressClassName()),
                TableColumn.of("Hosts", "string",
                        "Hosts that incoming requests are matched against before the ingress rule",
                        IngressStrategy::hosts),
                TableColumn.of("Address", "string", "Address is a list containing ingress points for the load-balancer",
                        IngressStrategy::address),
                TableColumn.of("Ports", "string", "Ports of TLS configurations that open",
                        i -> i.getSpec() != null && i.getSpec().getTls() != null && !i.getSpec().getTls().isEmpty()
                                ? "80, 443" : "80"),
                TableColumn.ageColumn());
    }

    /** kube's {@code formatHosts}: up to three hosts, "* " when none, "+ N more..." beyond. */
    static String hosts(Ingress ing) {
        List<IngressRule> rules = ing.getSpec() == null || ing.getSpec().getRules() == null ? List.of()
                : ing.getSpec().getRules();
        List<String> list = new ArrayList<>();
        boolean more = false;
        for (IngressRule r : rules) {
            if (list.size() == 3) {
                more = true;
            }
            if (!more && r.getHost() != null && !r.getHost().isEmpty()) {
                list.add(r.getHost());
            }
        }
        if (list.isEmpty()) {
            return "*";
        }
        String s = String.join(",", list);
        return more ? s + " + " + (rules.size() - 3) + " more..." : s;
    }

    static String address(Ingress ing) {
        Set<String> out = new LinkedHashSet<>();
        if (ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
                && ing.getStatus().getLoadBalancer().getIngress() != null) {
            for (IngressLoadBalancerIngress i : ing.getStatus().getLoadBalancer().getIngress()) {
                if (i.getIp() != null && !i.getIp().isEmpty()) {
                    out.add(i.getIp());
                } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
                    out.add(i.getHostname());
                }
            }
        }
        return String.join(",", out);
    }
}
