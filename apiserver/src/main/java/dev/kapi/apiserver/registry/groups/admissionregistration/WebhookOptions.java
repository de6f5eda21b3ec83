package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's {@code validationOptions} for webhook configurations: strict on create; on update each rule is
 * relaxed when the stored object already broke it, so that an object stored by an older server can still be
 * updated (side effects Unknown/Some, unrecognized review versions, duplicate names, invalid selector
 * values), and unchanged match conditions are not compiled again.
 */
record WebhookOptions(boolean ignoreMatchConditions, boolean requireNoSideEffects,
                      boolean requireRecognizedAdmissionReviewVersion, boolean requireUniqueWebhookNames,
                      boolean allowInvalidLabelValueInSelector) {

    static final WebhookOptions CREATE = new WebhookOptions(false, true, true, true, false);

    static WebhookOptions update(List<Hook> hooks, List<Hook> old) {
        return new WebhookOptions(sameMatchConditions(hooks, old), old.stream().allMatch(WebhookOptions::noSideEffects),
                old.stream().allMatch(WebhookOptions::recognizedVersions), uniqueNames(old),
                old.stream().anyMatch(h -> SelectorChecks.invalidWhenStrict(h.namespaceSelector())
                        || SelectorChecks.invalidWhenStrict(h.objectSelector())));
    }

    private static boolean sameMatchConditions(List<Hook> hooks, List<Hook> old) {
        if (hooks.size() != old.size()) {
            return false;
        }
        for (int i = 0; i < old.size(); i++) {
            if (!Json.sameJson(hooks.get(i).matchConditions(), old.get(i).matchConditions())) {
                return false;
            }
        }
        return true;
    }

    private static boolean noSideEffects(Hook h) {
        return WebhookChecks.NO_SIDE_EFFECTS.contains(h.sideEffects());
    }

    /** True unless the hook lists review versions and none is one this server accepts. */
    private static boolean recognizedVersions(Hook h) {
        return h.admissionReviewVersions().isEmpty()
                || h.admissionReviewVersions().stream().anyMatch(WebhookChecks.REVIEW_VERSIONS::contains);
    }

    private static boolean uniqueNames(List<Hook> hooks) {
        Set<String> names = new HashSet<>();
        return hooks.stream().allMatch(h -> names.add(h.name() == null ? "" : h.name()));
    }
}
