package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube's rules for a pod's ephemeral containers ({@code pkg/apis/core/validation}: {@code validateEphemeralContainers}
 * for every pod spec, {@code ValidatePodEphemeralContainersUpdate} for a write of {@code pods/ephemeralcontainers}).
 * Each is checked as a container (name, image, enums), its name unique among all the pod's containers, its
 * {@code targetContainerName} one of the pod's (init) containers; what an ephemeral container may not have (kube
 * allows a list of fields, and these are the ones its list leaves out) and subPath mounts are forbidden. An
 * update may add ephemeral containers, never remove or change one, and none of a static (mirror) pod.
 */
final class EphemeralContainerValidation {

    static final String NOT_FOR_EPHEMERAL = "cannot be set for an Ephemeral Container";
    /** The annotation of a kubelet's mirror of a static pod. */
    static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
    /** What kube's allow-list leaves out, in the order of the fields of its {@code EphemeralContainerCommon}. */
    private static final List<String> FORBIDDEN_FIELDS = List.of("ports", "resources", "resizePolicy",
            "restartPolicy", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle");

    private EphemeralContainerValidation() {
    }

    /** The ephemeral containers of {@code spec}, at {@code path.ephemeralContainers}. */
    static void validate(PodSpec spec, String path, List<FieldError> errs) {
        List<EphemeralContainer> list = spec.getEphemeralContainers();
        if (list == null || list.isEmpty()) {
            return;
        }
        Set<String> others = new HashSet<>();
        for (List<Container> containers : PodSpecDefaults.containerLists(spec)) {
            containers.forEach(c -> others.add(c.getName()));
        }
        Set<String> all = new HashSet<>(others);
        for (int i = 0; i < list.size(); i++) {
            EphemeralContainer ec = list.get(i);
            String ep = path + ".ephemeralContainers[" + i + "]";
            ObjectNode tree = (ObjectNode) Json.tree(ec);
            tree.remove("targetContainerName");
            PodSpecValidation.container(Json.convert(tree, Container.class), ep, all, errs);
            String target = ec.getTargetContainerName();
            if (target != null && !target.isEmpty() && !others.contains(target)) {
                errs.add(FieldError.notFound(ep + ".targetContainerName", target));
            }
            for (String field : FORBIDDEN_FIELDS) {
                if (isSet(tree.get(field))) {
                    errs.add(FieldError.forbidden(ep + "." + field, NOT_FOR_EPHEMERAL));
                }
            }
            JsonNode mounts = tree.path("volumeMounts");
            for (int m = 0; m < mounts.size(); m++) {
                for (String sub : List.of("subPath", "subPathExpr")) {
                    if (isSet(mounts.get(m).get(sub))) {
                        errs.add(FieldError.forbidden(ep + ".volumeMounts[" + m + "]." + sub, NOT_FOR_EPHEMERAL));
                    }
                }
            }
        }
    }

    /** Whether the pod is a kubelet's mirror of a static pod, which takes no ephemeral containers. */
    static boolean staticPod(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(MIRROR_POD_ANNOTATION);
    }

    /**
     * The update rule of {@code pods/ephemeralcontainers} (besides the spec's validation): each ephemeral
     * container of {@code old} is still there, by name, and the same.
     */
    static List<FieldError> validateUpdate(Pod pod, Pod old) {
        Map<String, JsonNode> now = new LinkedHashMap<>();
        for (EphemeralContainer c : list(pod)) {
            now.put(c.getName(), Json.tree(c));
        }
        List<FieldError> errs = new ArrayList<>();
        for (EphemeralContainer c : list(old)) {
            JsonNode before = Json.tree(c);
            JsonNode after = now.get(c.getName());
            if (after == null) {
                errs.add(FieldError.forbidden("spec.ephemeralContainers",
                        "existing ephemeral containers \"" + c.getName() + "\" may not be removed\n"));
            } else if (!before.equals(after)) {
                errs.add(FieldError.forbidden("spec.ephemeralContainers", "existing ephemeral containers \""
                        + c.getName() + "\" may not be changed\n" + diff(before, after)));
            }
        }
        return errs;
    }

    /**
     * The fields that differ, one line each ({@code -field: old} then {@code +field: new}); kube prints its own
     * diff of the Go structs here, which no client reads.
     */
    private static String diff(JsonNode before, JsonNode after) {
        Set<String> fields = new TreeSet<>();
        before.propertyNames().forEach(fields::add);
        after.propertyNames().forEach(fields::add);
        StringBuilder d = new StringBuilder();
        for (String f : fields) {
            JsonNode a = before.get(f);
            JsonNode b = after.get(f);
            if (a == null ? b != null : !a.equals(b)) {
                d.append("  -").append(f).append(": ").append(a == null ? "" : a).append('\n');
                d.append("  +").append(f).append(": ").append(b == null ? "" : b).append('\n');
            }
        }
        return d.toString();
    }

    /** Whether a field holds more than Go's zero value (absent, null, "", false, 0, an empty list or object). */
    private static boolean isSet(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return false;
        }
        if (n.isContainer()) {
            return !n.isEmpty();
        }
        if (n.isString()) {
            return !n.stringValue().isEmpty();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return !n.isNumber() || n.doubleValue() != 0;
    }

    private static List<EphemeralContainer> list(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getEphemeralContainers() == null ? List.of()
                : pod.getSpec().getEphemeralContainers();
    }
}
