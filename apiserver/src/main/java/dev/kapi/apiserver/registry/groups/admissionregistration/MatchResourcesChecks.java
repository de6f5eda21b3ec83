package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;

import java.util.List;

/**
 * kube's {@code validateMatchResources} (a policy's matchConstraints, a binding's matchResources) and
 * {@code validateParamKind}.
 */
final class MatchResourcesChecks {

    private MatchResourcesChecks() {
    }

    /** matchPolicy and both selectors required (defaulting sets them), selectors strict, rules as kube's. */
    static void matchResources(MatchResources m, String path, List<FieldError> errs) {
        if (m == null) {
            return;
        }
        if (m.getMatchPolicy() == null) {
            errs.add(FieldError.required(path + ".matchPolicy", ""));
        } else if (!WebhookChecks.MATCH_POLICIES.contains(m.getMatchPolicy())) {
            errs.add(FieldError.notSupported(path + ".matchPolicy", m.getMatchPolicy(), WebhookChecks.MATCH_POLICIES));
        }
        if (m.getNamespaceSelector() == null) {
            errs.add(FieldError.required(path + ".namespaceSelector", ""));
        } else {
            SelectorChecks.validate(m.getNamespaceSelector(), false, path + ".namespaceSelector", errs);
        }
        if (m.getObjectSelector() == null) {
            errs.add(FieldError.required(path + ".objectSelector", ""));
        } else {
            SelectorChecks.validate(m.getObjectSelector(), false, path + ".objectSelector", errs);
        }
        rules(m.getResourceRules(), path + ".resourceRules", errs);
        rules(m.getExcludeResourceRules(), path + ".excludeResourceRules", errs);
    }

    private static void rules(List<NamedRuleWithOperations> rules, String path, List<FieldError> errs) {
        for (int i = 0; rules != null && i < rules.size(); i++) {
            RuleChecks.namedRule(rules.get(i) == null ? new NamedRuleWithOperations() : rules.get(i),
                    path + "[" + i + "]", errs);
        }
    }

    /** apiVersion a group/version (group a DNS subdomain, version a DNS-1035 label), kind a DNS-1035 label in any case. */
    static void paramKind(ParamKind pk, String path, List<FieldError> errs) {
        String apiVersion = pk.getApiVersion() == null ? "" : pk.getApiVersion();
        String avPath = path + ".apiVersion";
        if (apiVersion.isEmpty()) {
            errs.add(FieldError.required(avPath, ""));
        } else if (apiVersion.chars().filter(c -> c == '/').count() > 1) {
            errs.add(FieldError.invalid(avPath, apiVersion, "unexpected GroupVersion string: " + apiVersion));
        } else {
            int slash = apiVersion.indexOf('/');
            String group = apiVersion.equals("/") || slash < 0 ? "" : apiVersion.substring(0, slash);
            String version = apiVersion.equals("/") ? "" : apiVersion.substring(slash + 1);
            if (!group.isEmpty()) {
                List<String> msgs = NameValidation.dns1123Subdomain(group);
                if (!msgs.isEmpty()) {
                    errs.add(FieldError.invalid(avPath, group, String.join(",", msgs)));
                }
            }
            if (version.isEmpty()) {
                errs.add(FieldError.invalid(avPath, apiVersion, "version must be specified"));
            } else {
                List<String> msgs = NameValidation.dns1035Label(version);
                if (!msgs.isEmpty()) {
                    errs.add(FieldError.invalid(avPath, version, String.join(",", msgs)));
                }
            }
        }
        String kind = pk.getKind() == null ? "" : pk.getKind();
        if (kind.isEmpty()) {
            errs.add(FieldError.required(path + ".kind", ""));
        } else {
            List<String> msgs = NameValidation.dns1035Label(kind.toLowerCase(java.util.Locale.ROOT));
            if (!msgs.isEmpty()) {
                errs.add(FieldError.invalid(path + ".kind", kind,
                        "may have mixed case, but should otherwise match: " + String.join(",", msgs)));
            }
        }
    }
}
