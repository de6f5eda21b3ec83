package dev.kapi.apiserver.registry.groups.admissionregistration;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;

import java.util.List;

/**
 * kube's defaulting of admissionregistration.k8s.io/v1 ({@code pkg/apis/admissionregistration/v1/defaults.go}):
 * a webhook's failurePolicy Fail, matchPolicy Equivalent, namespaceSelector and objectSelector {@code {}},
 * timeoutSeconds 10 (a mutating one's reinvocationPolicy Never), its rules' scope {@code *} and its service's
 * port 443; a policy's failurePolicy Fail; match resources' matchPolicy Equivalent and selectors {@code {}}
 * with their rules' scope {@code *}. Nothing else (sideEffects and admissionReviewVersions have no default in v1).
 */
final class AdmissionDefaults {

    private AdmissionDefaults() {
    }

    static void validatingWebhook(ValidatingWebhook w) {
        w.setFailurePolicy(or(w.getFailurePolicy(), "Fail"));
        w.setMatchPolicy(or(w.getMatchPolicy(), "Equivalent"));
        w.setNamespaceSelector(or(w.getNamespaceSelector()));
        w.setObjectSelector(or(w.getObjectSelector()));
        if (w.getTimeoutSeconds() == null) {
            w.setTimeoutSeconds(10);
        }
        servicePort(w.getClientConfig());
        rules(w.getRules());
    }

    static void mutatingWebhook(MutatingWebhook w) {
        w.setFailurePolicy(or(w.getFailurePolicy(), "Fail"));
        w.setMatchPolicy(or(w.getMatchPolicy(), "Equivalent"));
        w.setNamespaceSelector(or(w.getNamespaceSelector()));
        w.setObjectSelector(or(w.getObjectSelector()));
        if (w.getTimeoutSeconds() == null) {
            w.setTimeoutSeconds(10);
        }
        w.setReinvocationPolicy(or(w.getReinvocationPolicy(), "Never"));
        servicePort(w.getClientConfig());
        rules(w.getRules());
    }

    /** {@code SetDefaults_MatchResources} and the scope of its rules; nothing when absent. */
    static void matchResources(MatchResources m) {
        if (m == null) {
            return;
        }
        m.setMatchPolicy(or(m.getMatchPolicy(), "Equivalent"));
        m.setNamespaceSelector(or(m.getNamespaceSelector()));
        m.setObjectSelector(or(m.getObjectSelector()));
        namedRules(m.getResourceRules());
        namedRules(m.getExcludeResourceRules());
    }

    private static void rules(List<RuleWithOperations> rules) {
        for (RuleWithOperations r : rules == null ? List.<RuleWithOperations>of() : rules) {
            if (r != null && r.getScope() == null) {
                r.setScope("*");
            }
        }
    }

    private static void namedRules(List<NamedRuleWithOperations> rules) {
        for (NamedRuleWithOperations r : rules == null ? List.<NamedRuleWithOperations>of() : rules) {
            if (r != null && r.getScope() == null) {
                r.setScope("*");
            }
        }
    }

    private static void servicePort(WebhookClientConfig cc) {
        if (cc != null && cc.getService() != null && cc.getService().getPort() == null) {
            cc.getService().setPort(443);
        }
    }

    static String or(String value, String dflt) {
        return value == null ? dflt : value;
    }

    private static LabelSelector or(LabelSelector s) {
        return s == null ? new LabelSelector() : s;
    }
}
