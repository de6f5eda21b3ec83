package dev.kapi.admissionwebhooks.images;

import dev.kapi.admissionwebhooks.review.Registrations;
import dev.kapi.admissionwebhooks.review.Review;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The container images of an object that runs pods: a Pod, a PodTemplate and the workloads with a pod
 * template (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController). Containers,
 * init containers and ephemeral containers all count. Other kinds have none.
 */
public final class ContainerImages {

    /** One container's image. */
    public record ContainerImage(String container, String image) {
    }

    /** Where each kind keeps its pod spec. */
    private static final Map<String, List<String>> POD_SPEC = Map.of(
            "Pod", List.of("spec"),
            "PodTemplate", List.of("template", "spec"),
            "Deployment", List.of("spec", "template", "spec"),
            "ReplicaSet", List.of("spec", "template", "spec"),
            "StatefulSet", List.of("spec", "template", "spec"),
            "DaemonSet", List.of("spec", "template", "spec"),
            "Job", List.of("spec", "template", "spec"),
            "ReplicationController", List.of("spec", "template", "spec"),
            "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"));

    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");

    private ContainerImages() {
    }

    /** Whether objects of this kind run containers (have a pod spec). */
    public static boolean runsContainers(String kind) {
        return POD_SPEC.containsKey(kind);
    }

    /** The images of an object of the given kind (none for a null object or another kind). */
    public static List<ContainerImage> of(String kind, JsonNode object) {
        List<String> path = POD_SPEC.get(kind);
        if (object == null || path == null) {
            return List.of();
        }
        JsonNode spec = object;
        for (String field : path) {
            spec = spec.path(field);
        }
        List<ContainerImage> out = new ArrayList<>();
        for (String list : CONTAINER_LISTS) {
            JsonNode containers = spec.path(list);
            if (!containers.isArray()) {
                continue;
            }
            for (int i = 0; i < containers.size(); i++) {
                JsonNode c = containers.get(i);
                String image = Review.text(c.path("image"));
                if (!image.isBlank()) {
                    out.add(new ContainerImage(Review.text(c.path("name")), image));
                }
            }
        }
        return out;
    }

    /** The set of image strings of an object, to tell which images an update introduces. */
    public static Set<String> imageSet(String kind, JsonNode object) {
        Set<String> out = new HashSet<>();
        of(kind, object).forEach(c -> out.add(c.image()));
        return out;
    }

    /** Registration rules for every resource that runs containers, on CREATE and UPDATE. */
    public static List<RuleWithOperations> rules() {
        List<String> ops = List.of("CREATE", "UPDATE");
        return List.of(
                Registrations.rule(List.of(""), List.of("pods", "pods/ephemeralcontainers", "podtemplates",
                        "replicationcontrollers"), ops),
                Registrations.rule(List.of("apps"), List.of("deployments", "replicasets", "statefulsets",
                        "daemonsets"), ops),
                Registrations.rule(List.of("batch"), List.of("jobs", "cronjobs"), ops));
    }
}
