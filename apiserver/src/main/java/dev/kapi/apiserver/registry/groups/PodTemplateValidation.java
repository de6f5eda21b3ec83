package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of a workload's pod template users most often trip over, with kube-apiserver's messages:
 * template present, containers required, container name (DNS-1123 label, unique) and image required, port
 * numbers and protocols, template label syntax. The full pod spec validation lives with core.
 */
public final class PodTemplateValidation {

    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private PodTemplateValidation() {
    }

    /** Validates {@code template} found at {@code path} (e.g. {@code spec.template}). */
    public static List<FieldError> validate(PodTemplateSpec template, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (template == null) {
            errs.add(FieldError.required(path, ""));
            return errs;
        }
        if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
            errs.addAll(LabelSyntax.validateLabels(template.getMetadata().getLabels(), path + ".metadata.labels"));
        }
        PodSpec spec = template.getSpec();
        if (spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()) {
            errs.add(FieldError.required(path + ".spec.containers", ""));
            return errs;
        }
        Set<String> names = new HashSet<>();
        containers(spec.getInitContainers(), path + ".spec.initContainers", names, errs);
        containers(spec.getContainers(), path + ".spec.containers", names, errs);
        return errs;
    }

    private static void containers(List<Container> containers, String path, Set<String> names,
                                   List<FieldError> errs) {
        if (containers == null) {
            return;
        }
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            String p = path + "[" + i + "]";
            String name = c.getName();
            if (name == null || name.isEmpty()) {
                errs.add(FieldError.required(p + ".name", ""));
            } else {
                for (String m : NameValidation.dns1123Label(name)) {
                    errs.add(FieldError.invalid(p + ".name", name, m));
                }
                if (!names.add(name)) {
                    errs.add(FieldError.duplicate(p + ".name", name));
                }
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                errs.add(FieldError.required(p + ".image", ""));
            }
            ports(c.getPorts(), p + ".ports", errs);
        }
    }

    private static void ports(List<ContainerPort> ports, String path, List<FieldError> errs) {
        if (ports == null) {
            return;
        }
        for (int i = 0; i < ports.size(); i++) {
            ContainerPort port = ports.get(i);
            String p = path + "[" + i + "]";
            Integer n = port.getContainerPort();
            if (n == null || n == 0) {
                errs.add(FieldError.required(p + ".containerPort", ""));
            } else if (n < 1 || n > 65535) {
                errs.add(FieldError.invalid(p + ".containerPort", n, "must be between 1 and 65535, inclusive"));
            }
            if (port.getProtocol() != null && !PROTOCOLS.contains(port.getProtocol())) {
                errs.add(FieldError.notSupported(p + ".protocol", port.getProtocol(), PROTOCOLS));
            }
        }
    }

    /** For controllers whose pods must always restart (apps/v1 workloads). */
    public static List<FieldError> restartPolicyAlways(PodTemplateSpec template, String path) {
        if (template == null || template.getSpec() == null) {
            return List.of();
        }
        String policy = template.getSpec().getRestartPolicy();
        if (policy != null && !"Always".equals(policy)) {
            return List.of(FieldError.notSupported(path + ".spec.restartPolicy", policy, List.of("Always")));
        }
        return List.of();
    }
}
