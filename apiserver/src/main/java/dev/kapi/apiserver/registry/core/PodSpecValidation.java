package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.ObjectMetaValidation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
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
 * The pod spec rules users most often trip over ({@code pkg/apis/core/validation}: {@code ValidatePodSpec},
 * {@code ValidatePodTemplateSpec}): containers present, names DNS-1123 labels and unique, images present,
 * ports in range, supported enum values, volume names, node selector syntax, requests not above limits, a pod's
 * ephemeral containers ({@link EphemeralContainerValidation}), none in a template. The single copy used by pods, replication controllers and every workload template, each with its field path.
 */
public final class PodSpecValidation {

    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");

    private PodSpecValidation() {
    }

    /** A pod's spec at {@code spec}: {@link #validate} and the pod-only image whitespace rule. */
    static List<FieldError> validatePod(PodSpec spec) {
        List<FieldError> errs = validate(spec, "spec");
        if (spec != null) {
            imageWhitespace(spec.getContainers(), "spec.containers", errs);
            imageWhitespace(spec.getInitContainers(), "spec.initContainers", errs);
            EphemeralContainerValidation.validate(spec, "spec", errs);
        }
        return errs;
    }

    private static void imageWhitespace(List<Container> list, String path, List<FieldError> errs) {
        for (int i = 0; list != null && i < list.size(); i++) {
            String image = list.get(i).getImage();
            if (image != null && !image.equals(image.strip())) {
                errs.add(FieldError.invalid(path + "[" + i + "].image", image,
                        "must not have leading or trailing whitespace"));
            }
        }
    }

    /**
     * {@code ValidatePodTemplateSpec} for a template at {@code path} (e.g. {@code spec.template}): required,
     * its labels (reported at {@code path.labels}, as kube does) and its spec at {@code path.spec}.
     */
    public static List<FieldError> validateTemplate(PodTemplateSpec template, String path) {
        if (template == null) {
            return new ArrayList<>(List.of(FieldError.required(path, "")));
        }
        List<FieldError> errs = new ArrayList<>();
        if (template.getMetadata() != null) {
            errs.addAll(ObjectMetaValidation.validateLabels(template.getMetadata().getLabels(), path + ".labels"));
        }
        errs.addAll(validate(template.getSpec(), path + ".spec"));
        if (template.getSpec() != null && template.getSpec().getEphemeralContainers() != null
                && !template.getSpec().getEphemeralContainers().isEmpty()) {
            errs.add(FieldError.forbidden(path + ".spec.ephemeralContainers",
                    "ephemeral containers not allowed in pod template"));
        }
        return errs;
    }

    /** For controllers whose pods must always restart (replication controllers, apps/v1 workloads). */
    public static List<FieldError> restartPolicyAlways(PodTemplateSpec template, String path) {
        String policy = template == null || template.getSpec() == null ? null : template.getSpec().getRestartPolicy();
        if (policy != null && !"Always".equals(policy)) {
            return List.of(FieldError.notSupported(path + ".spec.restartPolicy", policy, List.of("Always")));
        }
        return List.of();
    }

    /** {@code ValidatePodSpec} for a spec at {@code path} ("spec" for pods, "spec.template.spec" in templates). */
    public static List<FieldError> validate(PodSpec spec, String path) {
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
            containers(spec.getInitContainers(), path + ".initContainers", names, errs);
        }
        if (spec.getContainers() == null || spec.getContainers().isEmpty()) {
            errs.add(FieldError.required(path + ".containers", ""));
        } else {
            containers(spec.getContainers(), path + ".containers", names, errs);
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

    private static void containers(List<Container> list, String path, Set<String> names, List<FieldError> errs) {
        for (int i = 0; i < list.size(); i++) {
            container(list.get(i), path + "[" + i + "]", names, errs);
        }
    }

    /**
     * One container at {@code cp}: name (a DNS-1123 label, not yet in {@code names}, which it joins), image,
     * enum fields, ports and resources.
     */
    static void container(Container c, String cp, Set<String> names, List<FieldError> errs) {
        if (PodSpecDefaults.empty(c.getName())) {
            errs.add(FieldError.required(cp + ".name", ""));
        } else {
            NameValidation.dns1123Label(c.getName()).forEach(m -> errs.add(FieldError.invalid(cp + ".name", c.getName(), m)));
            if (!names.add(c.getName())) {
                errs.add(FieldError.duplicate(cp + ".name", c.getName()));
            }
        }
        if (PodSpecDefaults.empty(c.getImage())) {
            errs.add(FieldError.required(cp + ".image", ""));
        }
        enumValue(errs, cp + ".imagePullPolicy", c.getImagePullPolicy(), PULL_POLICIES, true);
        enumValue(errs, cp + ".terminationMessagePolicy", c.getTerminationMessagePolicy(), MESSAGE_POLICIES, true);
        ports(c.getPorts(), cp + ".ports", errs);
        resources(c, cp + ".resources", errs);
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
