package dev.kapi.admissionwebhooks.poddefaults;

import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.review.Labels;
import dev.kapi.admissionwebhooks.review.Registrations;
import dev.kapi.admissionwebhooks.review.Review;
import dev.kapi.admissionwebhooks.review.Verdict;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Mutating, pods on CREATE: adds the configured labels a pod lacks (an existing label keeps its value) and
 * gives each container and init container the configured resource requests it lacks. A container with a
 * limit but no request for a resource is left alone: the API server defaults that request to the limit.
 * The answer is a JSON patch (the difference between the pod before and after), and an audit annotation
 * {@code defaulted} says what changed.
 */
public final class PodDefaultsWebhook implements AdmissionWebhook {

    /**
     * {@code webhooks.pod-defaults}.
     *
     * @param labels   {@code key=value} labels to add
     * @param requests {@code resource=quantity} requests to default, e.g. {@code cpu=100m}, {@code memory=128Mi}
     */
    public record Settings(boolean enabled, List<String> labels, List<String> requests, String failurePolicy) {
        public Settings {
            labels = labels == null ? List.of() : List.copyOf(labels);
            requests = requests == null ? List.of() : List.copyOf(requests);
        }
    }

    /** Kubernetes' quantity syntax: a decimal number and an optional suffix (m, Ki, Mi, G, e3, ...). */
    private static final Pattern QUANTITY = Pattern.compile(
            "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");
    private static final Pattern RESOURCE_NAME = Pattern.compile("([a-z0-9.-]+/)?[A-Za-z0-9][-A-Za-z0-9_.]*");

    private final Map<String, String> labels;
    private final Map<String, String> requests;
    private final String failurePolicy;

    public PodDefaultsWebhook(Settings settings) {
        this.labels = pairs("labels", settings.labels());
        this.labels.forEach((key, value) -> {
            if (!Labels.validKey(key) || !Labels.validValue(value)) {
                throw new IllegalArgumentException("webhooks.pod-defaults.labels: \"" + key + "=" + value
                        + "\" is not a valid label");
            }
        });
        this.requests = pairs("requests", settings.requests());
        this.requests.forEach((resource, quantity) -> {
            if (!RESOURCE_NAME.matcher(resource).matches() || !QUANTITY.matcher(quantity).matches()) {
                throw new IllegalArgumentException("webhooks.pod-defaults.requests: \"" + resource + "=" + quantity
                        + "\" is not a resource name and quantity (e.g. cpu=100m, memory=128Mi)");
            }
        });
        this.failurePolicy = Registrations.failurePolicy(name(), settings.failurePolicy());
    }

    @Override
    public String name() {
        return "pod-defaults";
    }

    @Override
    public Type type() {
        return Type.MUTATING;
    }

    @Override
    public Verdict review(Review review) {
        if (!review.operation().equals("CREATE") || !review.kind().equals("Pod") || review.object() == null) {
            return Verdict.allow();
        }
        ObjectNode pod = review.object().deepCopy();
        List<String> changes = new ArrayList<>();
        List<String> added = addLabels(pod);
        if (!added.isEmpty()) {
            changes.add("labels " + String.join(", ", added));
        }
        for (String list : List.of("initContainers", "containers")) {
            JsonNode containers = pod.path("spec").path(list);
            for (int i = 0; containers.isArray() && i < containers.size(); i++) {
                if (containers.get(i) instanceof ObjectNode container) {
                    List<String> defaulted = defaultRequests(container);
                    if (!defaulted.isEmpty()) {
                        changes.add("container " + Review.text(container.path("name")) + " requests "
                                + String.join(", ", defaulted));
                    }
                }
            }
        }
        if (changes.isEmpty()) {
            return Verdict.allow();
        }
        JsonNode patch = JsonDiff.asJson(review.object(), pod, DiffFlags.dontNormalizeOpIntoMoveAndCopy());
        return Verdict.patch(patch, List.of(), Map.of("defaulted", String.join("; ", changes)));
    }

    @Override
    public Registration registration() {
        return new Registration(List.of(Registrations.rule(List.of(""), List.of("pods"), List.of("CREATE"))), null,
                failurePolicy);
    }

    private List<String> addLabels(ObjectNode pod) {
        List<String> added = new ArrayList<>();
        if (labels.isEmpty()) {
            return added;
        }
        ObjectNode podLabels = object(object(pod, "metadata"), "labels");
        labels.forEach((key, value) -> {
            if (!podLabels.has(key)) {
                podLabels.put(key, value);
                added.add(key);
            }
        });
        return added;
    }

    private List<String> defaultRequests(ObjectNode container) {
        List<String> defaulted = new ArrayList<>();
        if (requests.isEmpty()) {
            return defaulted;
        }
        JsonNode limits = container.path("resources").path("limits");
        JsonNode existing = container.path("resources").path("requests");
        Map<String, String> missing = new LinkedHashMap<>();
        requests.forEach((resource, quantity) -> {
            if (!existing.has(resource) && !limits.has(resource)) {
                missing.put(resource, quantity);
            }
        });
        if (!missing.isEmpty()) {
            ObjectNode target = object(object(container, "resources"), "requests");
            missing.forEach((resource, quantity) -> {
                target.put(resource, quantity);
                defaulted.add(resource + "=" + quantity);
            });
        }
        return defaulted;
    }

    /** The object field, made an (empty) object when it is missing or not an object. */
    private static ObjectNode object(ObjectNode parent, String field) {
        if (parent.get(field) instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    private static Map<String, String> pairs(String setting, List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("webhooks.pod-defaults." + setting + ": \"" + entry
                        + "\" is not key=value");
            }
            out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return out;
    }
}
