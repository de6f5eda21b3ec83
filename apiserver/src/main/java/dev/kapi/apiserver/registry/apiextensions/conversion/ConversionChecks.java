package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.WebhookUrls;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookClientConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CRD-time checks of {@code spec.conversion}, kube's {@code validateCustomResourceConversion} and the
 * preserveUnknownFields rule before it. kube validates its internal CRD type, so the paths are the internal
 * ones: {@code spec.conversion.webhookClientConfig} and {@code spec.conversion.conversionReviewVersions}
 * (v1's {@code webhook.clientConfig} and {@code webhook.conversionReviewVersions}), e.g.
 * {@code spec.conversion.conversionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1}.
 * Not checked: that {@code caBundle} parses (kube allows a bad one until the CRD is established).
 */
public final class ConversionChecks {

    private static final String PATH = "spec.conversion";
    private static final String CLIENT_CONFIG = PATH + ".webhookClientConfig";
    private static final String NOT_WEBHOOK = "should not be set when strategy is not set to Webhook";

    private ConversionChecks() {
    }

    public static List<FieldError> validate(CustomResourceDefinition crd) {
        List<FieldError> errs = new ArrayList<>();
        CustomResourceConversion conversion = crd.getSpec() == null ? null : crd.getSpec().getConversion();
        if (conversion == null) {
            return errs;
        }
        String strategy = conversion.getStrategy() == null ? "" : conversion.getStrategy();
        if (!strategy.equals("None") && Boolean.TRUE.equals(crd.getSpec().getPreserveUnknownFields())) {
            errs.add(FieldError.invalid(PATH + ".strategy", strategy, "must be None if spec.preserveUnknownFields is true"));
        }
        if (strategy.isEmpty()) {
            errs.add(FieldError.required(PATH + ".strategy", ""));
        } else if (!strategy.equals("None") && !strategy.equals("Webhook")) {
            errs.add(FieldError.notSupported(PATH + ".strategy", strategy, List.of("None", "Webhook")));
        }
        WebhookClientConfig cc = conversion.getWebhook() == null ? null : conversion.getWebhook().getClientConfig();
        List<String> versions = conversion.getWebhook() == null ? null
                : conversion.getWebhook().getConversionReviewVersions();
        if (strategy.equals("Webhook")) {
            if (cc == null) {
                errs.add(FieldError.required(CLIENT_CONFIG, "required when strategy is set to Webhook"));
            } else if ((cc.getUrl() == null) == (cc.getService() == null)) {
                errs.add(FieldError.required(CLIENT_CONFIG, "exactly one of url or service is required"));
            } else if (cc.getUrl() != null) {
                errs.addAll(WebhookUrls.validateUrl(CLIENT_CONFIG + ".url", cc.getUrl()));
            } else {
                errs.addAll(validateService(CLIENT_CONFIG + ".service", cc.getService()));
            }
            errs.addAll(validateReviewVersions(versions, PATH + ".conversionReviewVersions"));
        } else {
            if (cc != null) {
                errs.add(FieldError.forbidden(CLIENT_CONFIG, NOT_WEBHOOK));
            }
            if (versions != null && !versions.isEmpty()) {
                errs.add(FieldError.forbidden(PATH + ".conversionReviewVersions", NOT_WEBHOOK));
            }
        }
        return errs;
    }

    /** apiserver's {@code ValidateWebhookService}; the port defaults to 443 as v1's defaulting does. */
    static List<FieldError> validateService(String path, ServiceReference s) {
        return WebhookUrls.validateService(path, s.getName(), s.getNamespace(), s.getPort(), s.getPath());
    }

    /** kube's {@code validateConversionReviewVersions} with a recognized version required. */
    static List<FieldError> validateReviewVersions(List<String> versions, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (versions == null || versions.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return errs;
        }
        Set<String> seen = new HashSet<>();
        boolean accepted = false;
        for (int i = 0; i < versions.size(); i++) {
            String v = versions.get(i) == null ? "" : versions.get(i);
            if (!seen.add(v)) {
                errs.add(FieldError.invalid(path + "[" + i + "]", v, "duplicate version"));
                continue;
            }
            for (String msg : NameValidation.dns1035Label(v)) {
                errs.add(FieldError.invalid(path + "[" + i + "]", v, msg));
            }
            accepted |= v.equals("v1") || v.equals("v1beta1");
        }
        if (!accepted) {
            String go = versions.stream().map(v -> GoQuote.quote(v == null ? "" : v))
                    .collect(Collectors.joining(", ", "[]string{", "}"));
            errs.add(FieldError.invalid(path, new GoValues.Printed(go), "must include at least one of v1, v1beta1"));
        }
        return errs;
    }
}
