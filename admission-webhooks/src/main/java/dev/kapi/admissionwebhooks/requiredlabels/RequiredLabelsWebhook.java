package dev.kapi.admissionwebhooks.requiredlabels;

import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.review.Labels;
import dev.kapi.admissionwebhooks.review.Registrations;
import dev.kapi.admissionwebhooks.review.Review;
import dev.kapi.admissionwebhooks.review.Verdict;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validating: objects created or updated in a configured namespace must carry that namespace's labels (any
 * value, also empty). It is registered for the configured resources in those namespaces only. Objects being
 * deleted (with a deletion timestamp) are allowed, so that finalizers can still be removed.
 */
public final class RequiredLabelsWebhook implements AdmissionWebhook {

    /**
     * {@code webhooks.required-labels}.
     *
     * @param namespaces namespace name → the label keys objects there must carry
     * @param resources  the resources checked (plural names, in any API group), e.g. {@code pods, deployments}
     */
    public record Settings(boolean enabled, Map<String, List<String>> namespaces, List<String> resources,
                           String failurePolicy) {
        public Settings {
            namespaces = namespaces == null ? Map.of() : Map.copyOf(namespaces);
            resources = resources == null ? List.of() : List.copyOf(resources);
        }
    }

    private final Map<String, List<String>> required = new TreeMap<>();
    private final List<String> resources;
    private final String failurePolicy;

    public RequiredLabelsWebhook(Settings settings) {
        settings.namespaces().forEach((namespace, labels) -> {
            List<String> keys = labels == null ? List.of() : labels.stream().map(String::trim).toList();
            for (String key : keys) {
                if (!Labels.validKey(key)) {
                    throw new IllegalArgumentException("webhooks.required-labels.namespaces." + namespace + ": \""
                            + key + "\" is not a valid label key");
                }
            }
            if (!keys.isEmpty()) {
                required.put(namespace, keys.stream().sorted().distinct().toList());
            }
        });
        if (required.isEmpty()) {
            throw new IllegalArgumentException("webhooks.required-labels.namespaces is empty: map namespaces to the "
                    + "labels their objects need (team-a: [team, cost-center]), or disable the webhook");
        }
        if (settings.resources().isEmpty()) {
            throw new IllegalArgumentException("webhooks.required-labels.resources is empty: list the resources to "
                    + "check (e.g. pods, deployments)");
        }
        this.resources = settings.resources();
        this.failurePolicy = Registrations.failurePolicy(name(), settings.failurePolicy());
    }

    @Override
    public String name() {
        return "required-labels";
    }

    @Override
    public Type type() {
        return Type.VALIDATING;
    }

    @Override
    public Verdict review(Review review) {
        List<String> labels = required.get(review.namespace());
        boolean write = review.operation().equals("CREATE") || review.operation().equals("UPDATE");
        if (labels == null || !write || review.object() == null
                || !Review.text(review.object().path("metadata").path("deletionTimestamp")).isEmpty()) {
            return Verdict.allow();
        }
        JsonNode now = Review.labels(review.object());
        JsonNode before = Review.labels(review.oldObject());
        boolean update = review.operation().equals("UPDATE");
        List<String> missing = new ArrayList<>();
        List<String> stillMissing = new ArrayList<>();
        for (String key : labels) {
            if (!now.has(key)) {
                (update && !before.has(key) ? stillMissing : missing).add(key);
            }
        }
        List<String> warnings = stillMissing.isEmpty() ? List.of()
                : List.of(review.describeObject() + " is missing labels required in namespace \"" + review.namespace()
                + "\": " + String.join(", ", stillMissing) + " (allowed: it lacked them before this update)");
        if (missing.isEmpty()) {
            return Verdict.allow(warnings);
        }
        return Verdict.deny(review.describeObject() + " is missing labels required in namespace \""
                + review.namespace() + "\": " + String.join(", ", missing), warnings);
    }

    @Override
    public Registration registration() {
        LabelSelector inNamespaces = new LabelSelectorBuilder().addNewMatchExpression()
                .withKey("kubernetes.io/metadata.name").withOperator("In")
                .withValues(List.copyOf(required.keySet())).endMatchExpression().build();
        return new Registration(List.of(Registrations.rule(List.of("*"), resources, List.of("CREATE", "UPDATE"))),
                inNamespaces, failurePolicy);
    }
}
