package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.WebhookUrls;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube's validation of the webhooks of a Validating- or MutatingWebhookConfiguration
 * ({@code validateValidatingWebhook}, {@code validateMutatingWebhook}, {@code validateAdmissionReviewVersions}
 * and the unique-name rule), in kube's order, field paths and messages.
 */
final class WebhookChecks {

    static final List<String> FAILURE_POLICIES = List.of("Fail", "Ignore");
    static final List<String> MATCH_POLICIES = List.of("Equivalent", "Exact");
    static final List<String> SIDE_EFFECTS = List.of("None", "NoneOnDryRun", "Some", "Unknown");
    static final List<String> NO_SIDE_EFFECTS = List.of("None", "NoneOnDryRun");
    static final List<String> REINVOCATION_POLICIES = List.of("IfNeeded", "Never");
    static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");

    private WebhookChecks() {
    }

    /** The errors of a configuration's webhooks, under {@code webhooks[i]}. */
    static List<FieldError> webhooks(List<Hook> hooks, WebhookOptions opts) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < hooks.size(); i++) {
            Hook hook = hooks.get(i);
            String path = "webhooks[" + i + "]";
            hook(hook, opts, path, errs);
            reviewVersions(hook.admissionReviewVersions(), opts.requireRecognizedAdmissionReviewVersion(),
                    path + ".admissionReviewVersions", errs);
            String name = hook.name() == null ? "" : hook.name();
            if (opts.requireUniqueWebhookNames() && !name.isEmpty() && !names.add(name)) {
                errs.add(FieldError.duplicate(path + ".name", name));
            }
        }
        return errs;
    }

    private static void hook(Hook hook, WebhookOptions opts, String path, List<FieldError> errs) {
        fullyQualifiedName(hook.name(), path + ".name", errs);
        for (int i = 0; i < hook.rules().size(); i++) {
            RuleChecks.ruleWithOperations(hook.rules().get(i), path + ".rules[" + i + "]", errs);
        }
        if (hook.failurePolicy() != null && !FAILURE_POLICIES.contains(hook.failurePolicy())) {
            errs.add(FieldError.notSupported(path + ".failurePolicy", hook.failurePolicy(), FAILURE_POLICIES));
        }
        if (hook.matchPolicy() != null && !MATCH_POLICIES.contains(hook.matchPolicy())) {
            errs.add(FieldError.notSupported(path + ".matchPolicy", hook.matchPolicy(), MATCH_POLICIES));
        }
        List<String> allowedSideEffects = opts.requireNoSideEffects() ? NO_SIDE_EFFECTS : SIDE_EFFECTS;
        if (hook.sideEffects() == null) {
            errs.add(FieldError.required(path + ".sideEffects",
                    "must specify one of " + String.join(", ", allowedSideEffects)));
        } else if (!allowedSideEffects.contains(hook.sideEffects())) {
            errs.add(FieldError.notSupported(path + ".sideEffects", hook.sideEffects(), allowedSideEffects));
        }
        Integer timeout = hook.timeoutSeconds();
        if (timeout != null && (timeout > 30 || timeout < 1)) {
            errs.add(FieldError.invalid(path + ".timeoutSeconds", timeout,
                    "the timeout value must be between 1 and 30 seconds"));
        }
        SelectorChecks.validate(hook.namespaceSelector(), opts.allowInvalidLabelValueInSelector(),
                path + ".namespaceSelector", errs);
        SelectorChecks.validate(hook.objectSelector(), opts.allowInvalidLabelValueInSelector(),
                path + ".objectSelector", errs);
        if (hook.mutating() && hook.reinvocationPolicy() != null
                && !REINVOCATION_POLICIES.contains(hook.reinvocationPolicy())) {
            errs.add(FieldError.notSupported(path + ".reinvocationPolicy", hook.reinvocationPolicy(),
                    REINVOCATION_POLICIES));
        }
        clientConfig(hook.clientConfig(), path + ".clientConfig", errs);
        if (!opts.ignoreMatchConditions()) {
            MatchConditionChecks.validate(hook.matchConditions(), false, path + ".matchConditions", errs);
        }
    }

    /** apimachinery's {@code IsFullyQualifiedName}: a DNS subdomain of at least three segments. */
    static void fullyQualifiedName(String name, String path, List<FieldError> errs) {
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        List<String> msgs = NameValidation.dns1123Subdomain(name);
        if (!msgs.isEmpty()) {
            errs.add(FieldError.invalid(path, name, String.join(",", msgs)));
        } else if (name.split("\\.", -1).length < 3) {
            errs.add(FieldError.invalid(path, name, "should be a domain with at least three segments separated by dots"));
        }
    }

    /** Exactly one of url and service; the URL or the service reference valid. */
    private static void clientConfig(WebhookClientConfig cc, String path, List<FieldError> errs) {
        String url = cc == null ? null : cc.getUrl();
        ServiceReference service = cc == null ? null : cc.getService();
        if ((url == null) == (service == null)) {
            errs.add(FieldError.required(path, "exactly one of url or service is required"));
        } else if (url != null) {
            errs.addAll(WebhookUrls.validateUrl(path + ".url", url));
        } else {
            service(service, path + ".service", errs);
        }
    }

    /**
     * apiserver's {@code ValidateWebhookService}. kube 1.3x passes name and namespace to it swapped (so a
     * missing namespace is reported on {@code .name}, kubernetes/kubernetes#141353, fix pending); this follows
     * the intended, fixed labelling, as the CRD conversion webhook checks here do.
     */
    private static void service(ServiceReference s, String path, List<FieldError> errs) {
        errs.addAll(WebhookUrls.validateService(path, s.getName(), s.getNamespace(), s.getPort(), s.getPath()));
    }

    /** {@code validateAdmissionReviewVersions}: required, unique DNS-1035 labels, one of v1/v1beta1 among them. */
    private static void reviewVersions(List<String> versions, boolean requireRecognized, String path,
                                       List<FieldError> errs) {
        if (versions.isEmpty()) {
            errs.add(FieldError.required(path, "must specify one of " + String.join(", ", REVIEW_VERSIONS)));
            return;
        }
        Set<String> seen = new HashSet<>();
        boolean recognized = false;
        for (int i = 0; i < versions.size(); i++) {
            String v = versions.get(i) == null ? "" : versions.get(i);
            if (!seen.add(v)) {
                errs.add(FieldError.invalid(path + "[" + i + "]", v, "duplicate version"));
                continue;
            }
            for (String msg : NameValidation.dns1035Label(v)) {
                errs.add(FieldError.invalid(path + "[" + i + "]", v, msg));
            }
            recognized |= REVIEW_VERSIONS.contains(v);
        }
        if (requireRecognized && !recognized) {
            errs.add(FieldError.invalid(path, GoText.strings(versions),
                    "must include at least one of " + String.join(", ", REVIEW_VERSIONS)));
        }
    }
}
