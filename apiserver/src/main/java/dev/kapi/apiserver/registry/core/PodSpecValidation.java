package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pod spec rules users most often trip over ({@code pkg/apis/core/validation}: {@code ValidatePodSpec}):
 * containers present, names DNS-1123 labels and unique, images present, ports in range, supported enum values,
 * volume names, node selector syntax, requests not above limits.
 */
final class PodSpecValidation {

    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");

    private PodSpecValidation() {
    }

    /**
     * @param path         "spec" for pods, "spec.template.spec" for templates
     * @param requireImage images are required in pods, not in templates
     */
    static List<FieldError> validate(PodSpec spec, String path, boolean requireImage) {
        List<FieldError> errs = new ArrayList<>();
        if (spec == null) {
            errs.add(FieldError.required(path + ".containers", ""));
            return errs;
        }
        Set<String> volumes = new HashSet<>();
        if (spec.getVolumes() != null) {
            for (int i = 0; i < spec.getVolumes().size(); i++) {
                Volume v = spec.getVolumes().get(i);
                String vp = path + ".volumes[" + i + "].name";
                if (PodSpecDefaults.empty(v.getName())) {
                    errs.add(FieldError.required(vp, ""));
                } else if (!volumes.add(v.getName())) {
                    errs.add(FieldError.duplicate(vp, v.getName()));
                } else {
                    NameValidation.dns1123Label(v.getName()).forEach(m -> errs.add(FieldError.invalid(vp, v.getName(), m)));
                }
            }
        }
        Set<String> names = new HashSet<>();
        if (spec.getInitContainers() != null) {
            containers(spec.getInitContainers(), path + ".initContainers", requireImage, names, errs);
        }
        if (spec.getContainers() == null || spec.getContainers().isEmpty()) {
            errs.add(FieldError.required(path + ".containers", ""));
        } else {
            containers(spec.getContainers(), path + ".containers", requireImage, names, errs);
        }
        enumValue(errs, path + ".restartPolicy", spec.getRestartPolicy(), RESTART_POLICIES, true);
        enumValue(errs, path + ".dnsPolicy", spec.getDnsPolicy(), DNS_POLICIES, true);
        if ("None".equals(spec.getDnsPolicy()) && spec.getDnsConfig() == null) {
            errs.add(FieldError.required(path + ".dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"));
        }
        if (spec.getActiveDeadlineSeconds() != null
                && (spec.getActiveDeadlineSeconds() < 1 || spec.getActiveDeadlineSeconds() > Integer.MAX_VALUE)) {
            errs.add(FieldError.invalid(path + ".activeDeadlineSeconds", spec.getActiveDeadlineSeconds(),
                    "must be between 1 and 2147483647, inclusive"));
        }
        errs.addAll(ObjectMetaValidation.validateLabels(spec.getNodeSelector(), path + ".nodeSelector"));
        if (!PodSpecDefaults.empty(spec.getServiceAccountName())) {
            NameValidation.dns1123Subdomain(spec.getServiceAccountName()).forEach(m -> errs.add(
                    FieldError.invalid(path + ".serviceAccountName", spec.getServiceAccountName(), m)));
        }
        if (!PodSpecDefaults.empty(spec.getNodeName())) {
            NameValidation.dns1123Subdomain(spec.getNodeName()).forEach(m -> errs.add(
                    FieldError.invalid(path + ".nodeName", spec.getNodeName(), m)));
        }
        return errs;
    }

    private static void containers(List<Container> list, String path, boolean requireImage, Set<String> names,
                                   List<FieldError> errs) {
        for (int i = 0; i < list.size(); i++) {
            Container c = list.get(i);
            String cp = path + "[" + i + "]";
            if (PodSpecDefaults.empty(c.getName())) {
                errs.add(FieldError.required(cp + ".name", ""));
            } else {
                NameValidation.dns1123Label(c.getName()).forEach(m -> errs.add(FieldError.invalid(cp + ".name", c.getName(), m)));
                if (!names.add(c.getName())) {
                    errs.add(FieldError.duplicate(cp + ".name", c.getName()));
                }
            }
            if (requireImage && PodSpecDefaults.empty(c.getImage())) {
                errs.add(FieldError.required(cp + ".image", ""));
            } else if (c.getImage() != null && !c.getImage().equals(c.getImage().strip())) {
                errs.add(FieldError.invalid(cp + ".image", c.getImage(), "must not have leading or trailing whitespace"));
            }
            enumValue(errs, cp + ".imagePullPolicy", c.getImagePullPolicy(), PULL_POLICIES, true);
            enumValue(errs, cp + ".terminationMessagePolicy", c.getTerminationMessagePolicy(), MESSAGE_POLICIES, true);
            ports(c.getPorts(), cp + ".ports", errs);
            resources(c, cp + ".resources", errs);
        }
    }

    private static void ports(List<ContainerPort> ports, String path, List<FieldError> errs) {
        if (ports == null) {
            return;
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ContainerPort p = ports.get(i);
            String pp = path + "[" + i + "]";
            if (!PodSpecDefaults.empty(p.getName())) {
                NameValidation.portName(p.getName()).forEach(m -> errs.add(FieldError.invalid(pp + ".name", p.getName(), m)));
                if (!portNames.add(p.getName())) {
                    errs.add(FieldError.duplicate(pp + ".name", p.getName()));
                }
            }
            if (p.getContainerPort() == null || p.getContainerPort() == 0) {
                errs.add(FieldError.required(pp + ".containerPort", ""));
            } else {
                NameValidation.portNumber(p.getContainerPort()).forEach(m -> errs.add(
                        FieldError.invalid(pp + ".containerPort", p.getContainerPort(), m)));
            }
            if (p.getHostPort() != null && p.getHostPort() != 0) {
                NameValidation.portNumber(p.getHostPort()).forEach(m -> errs.add(
                        FieldError.invalid(pp + ".hostPort", p.getHostPort(), m)));
            }
            enumValue(errs, pp + ".protocol", p.getProtocol(), PROTOCOLS, true);
        }
    }

    private static void resources(Container c, String path, List<FieldError> errs) {
        if (c.getResources() == null || c.getResources().getLimits() == null || c.getResources().getRequests() == null) {
            return;
        }
        Map<String, Quantity> limits = c.getResources().getLimits();
        for (Map.Entry<String, Quantity> e : new TreeMap<>(c.getResources().getRequests()).entrySet()) {
            Quantity limit = limits.get(e.getKey());
            if (limit == null) {
                continue;
            }
            BigDecimal req = amount(e.getValue());
            BigDecimal lim = amount(limit);
            if (req != null && lim != null && req.compareTo(lim) > 0) {
                errs.add(FieldError.invalid(path + ".requests", e.getValue().toString(),
                        "must be less than or equal to " + e.getKey() + " limit of " + limit));
            }
        }
    }

    private static BigDecimal amount(Quantity q) {
        try {
            return Quantity.getAmountInBytes(q);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Unsupported value unless {@code value} is one of {@code supported} (or empty, when that is allowed). */
    static void enumValue(List<FieldError> errs, String path, String value, List<String> supported, boolean allowEmpty) {
        if (value == null || value.isEmpty()) {
            if (!allowEmpty) {
                errs.add(FieldError.required(path, ""));
            }
            return;
        }
        if (!supported.contains(value)) {
            errs.add(FieldError.notSupported(path, value, supported));
        }
    }
}
