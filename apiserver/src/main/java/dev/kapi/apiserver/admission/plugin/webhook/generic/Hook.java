package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.plugin.matching.Rule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One webhook of a configuration, mutating or validating alike (kube's {@code WebhookAccessor}), with v1's
 * defaults for what is unset: failurePolicy {@code Fail}, matchPolicy {@code Equivalent}, timeoutSeconds 10,
 * reinvocationPolicy {@code Never}, empty selectors. {@code uid} tells apart webhooks of the same name in
 * different configurations: {@code <configuration>/<webhook>/<index>}.
 */
public record Hook(String uid, String configurationName, String name, WebhookClientConfig clientConfig,
                   List<Rule> rules, String failurePolicy, String matchPolicy, LabelSelector namespaceSelector,
                   LabelSelector objectSelector, String sideEffects, int timeoutSeconds,
                   List<String> admissionReviewVersions, List<MatchCondition> matchConditions,
                   String reinvocationPolicy) {

    /** v1's default and kube's ceiling for {@code timeoutSeconds}. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;
    public static final int MAX_TIMEOUT_SECONDS = 30;

    /** The webhooks of the configurations, configurations by name, webhooks in their order (as kube orders them). */
    public static List<Hook> ofMutating(List<MutatingWebhookConfiguration> configurations) {
        List<Hook> hooks = new ArrayList<>();
        for (MutatingWebhookConfiguration c : sorted(configurations, x -> x.getMetadata().getName())) {
            List<MutatingWebhook> webhooks = c.getWebhooks() == null ? List.of() : c.getWebhooks();
            for (int i = 0; i < webhooks.size(); i++) {
                MutatingWebhook w = webhooks.get(i);
                hooks.add(new Hook(uid(c.getMetadata().getName(), w.getName(), i), c.getMetadata().getName(),
                        w.getName(), w.getClientConfig(), rules(w.getRules()), w.getFailurePolicy(),
                        w.getMatchPolicy(), w.getNamespaceSelector(), w.getObjectSelector(), w.getSideEffects(),
                        timeout(w.getTimeoutSeconds()), w.getAdmissionReviewVersions(), w.getMatchConditions(),
                        w.getReinvocationPolicy()));
            }
        }
        return List.copyOf(hooks);
    }

    /** Like {@link #ofMutating}; validating webhooks are never reinvoked. */
    public static List<Hook> ofValidating(List<ValidatingWebhookConfiguration> configurations) {
        List<Hook> hooks = new ArrayList<>();
        for (ValidatingWebhookConfiguration c : sorted(configurations, x -> x.getMetadata().getName())) {
            List<ValidatingWebhook> webhooks = c.getWebhooks() == null ? List.of() : c.getWebhooks();
            for (int i = 0; i < webhooks.size(); i++) {
                ValidatingWebhook w = webhooks.get(i);
                hooks.add(new Hook(uid(c.getMetadata().getName(), w.getName(), i), c.getMetadata().getName(),
                        w.getName(), w.getClientConfig(), rules(w.getRules()), w.getFailurePolicy(),
                        w.getMatchPolicy(), w.getNamespaceSelector(), w.getObjectSelector(), w.getSideEffects(),
                        timeout(w.getTimeoutSeconds()), w.getAdmissionReviewVersions(), w.getMatchConditions(),
                        "Never"));
            }
        }
        return List.copyOf(hooks);
    }

    public Hook {
        failurePolicy = failurePolicy == null ? "Fail" : failurePolicy;
        matchPolicy = matchPolicy == null ? "Equivalent" : matchPolicy;
        reinvocationPolicy = reinvocationPolicy == null ? "Never" : reinvocationPolicy;
        admissionReviewVersions = admissionReviewVersions == null ? List.of() : List.copyOf(admissionReviewVersions);
        matchConditions = matchConditions == null ? List.of() : List.copyOf(matchConditions);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** Whether a failure to call this webhook lets the request through ({@code failurePolicy: Ignore}). */
    public boolean ignoresFailures() {
        return "Ignore".equals(failurePolicy);
    }

    /** Whether this webhook is called again when a later webhook changed the object. */
    public boolean reinvokedIfNeeded() {
        return "IfNeeded".equals(reinvocationPolicy);
    }

    private static String uid(String configuration, String webhook, int index) {
        return configuration + "/" + webhook + "/" + index;
    }

    private static int timeout(Integer seconds) {
        if (seconds == null || seconds <= 0) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        return Math.min(seconds, MAX_TIMEOUT_SECONDS);
    }

    private static List<Rule> rules(List<RuleWithOperations> rules) {
        return rules == null ? List.of() : rules.stream().map(Rule::of).toList();
    }

    private static <T> List<T> sorted(List<T> configurations, Function<T, String> name) {
        return configurations.stream().sorted(Comparator.comparing(name)).toList();
    }
}
