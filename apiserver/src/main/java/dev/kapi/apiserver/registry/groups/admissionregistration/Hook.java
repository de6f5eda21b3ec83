package dev.kapi.apiserver.registry.groups.admissionregistration;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;

import java.util.List;

/**
 * The fields a validating and a mutating webhook share (fabric8 gives them two unrelated classes), so that
 * one set of checks serves both; {@code reinvocationPolicy} is null and {@code mutating} false for a
 * validating webhook.
 */
record Hook(String name, List<RuleWithOperations> rules, String failurePolicy, String matchPolicy,
            String sideEffects, Integer timeoutSeconds, LabelSelector namespaceSelector,
            LabelSelector objectSelector, boolean mutating, String reinvocationPolicy,
            WebhookClientConfig clientConfig, List<MatchCondition> matchConditions,
            List<String> admissionReviewVersions) {

    static Hook of(ValidatingWebhook w) {
        return new Hook(w.getName(), orEmpty(w.getRules()), w.getFailurePolicy(), w.getMatchPolicy(),
                w.getSideEffects(), w.getTimeoutSeconds(), w.getNamespaceSelector(), w.getObjectSelector(), false,
                null, w.getClientConfig(), orEmpty(w.getMatchConditions()), orEmpty(w.getAdmissionReviewVersions()));
    }

    static Hook of(MutatingWebhook w) {
        return new Hook(w.getName(), orEmpty(w.getRules()), w.getFailurePolicy(), w.getMatchPolicy(),
                w.getSideEffects(), w.getTimeoutSeconds(), w.getNamespaceSelector(), w.getObjectSelector(), true,
                w.getReinvocationPolicy(), w.getClientConfig(), orEmpty(w.getMatchConditions()),
                orEmpty(w.getAdmissionReviewVersions()));
    }

    static List<Hook> ofValidating(List<ValidatingWebhook> hooks) {
        return orEmpty(hooks).stream().map(Hook::of).toList();
    }

    static List<Hook> ofMutating(List<MutatingWebhook> hooks) {
        return orEmpty(hooks).stream().map(Hook::of).toList();
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
