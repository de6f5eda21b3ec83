package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What both webhook plugins share (kube's {@code generic.Webhook}): the configured webhooks from a
 * {@link WebhookSource} (rebuilt only when the source hands out new lists), kube's exemption of the admission
 * configuration resources themselves (so a broken webhook can always be removed), the wait for the source's
 * first sync (10 s, then kube's 403 {@code not yet ready to handle request}), the {@link HookMatcher} and the
 * {@link WebhookCaller}.
 */
public final class Webhooks {

    /** How long a request waits for the webhook configurations to be known, as kube's {@code WaitForReady}. */
    static final Duration READY_WAIT = Duration.ofSeconds(10);
    private static final Set<String> EXEMPT_KINDS = Set.of("ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding");

    private record Derived<C>(List<C> configurations, List<Hook> hooks) {
    }

    private final WebhookSource source;
    private final HookMatcher matcher;
    private final WebhookCaller caller;
    private final ObjectVersions versions;
    private final WebhookMetrics metrics;
    private volatile Derived<MutatingWebhookConfiguration> mutating = new Derived<>(null, List.of());
    private volatile Derived<ValidatingWebhookConfiguration> validating = new Derived<>(null, List.of());

    public Webhooks(WebhookSource source, HookMatcher matcher, WebhookCaller caller, ObjectVersions versions) {
        this(source, matcher, caller, versions, WebhookMetrics.NONE);
    }

    public Webhooks(WebhookSource source, HookMatcher matcher, WebhookCaller caller, ObjectVersions versions,
                    WebhookMetrics metrics) {
        this.source = source;
        this.matcher = matcher;
        this.caller = caller;
        this.versions = versions;
        this.metrics = metrics;
    }

    /** Whether webhooks never see this request: kube exempts writes of admission configurations. */
    public static boolean exempt(AdmissionAttributes a) {
        return a.kind().group().equals("admissionregistration.k8s.io") && EXEMPT_KINDS.contains(a.kind().kind());
    }

    /** The mutating webhooks in kube's order; kube's 403 when the configurations are not known yet. */
    public List<Hook> mutating(AdmissionAttributes a) {
        ready(a);
        Derived<MutatingWebhookConfiguration> d = mutating;
        List<MutatingWebhookConfiguration> now = source.mutating();
        if (d.configurations() != now) {
            d = new Derived<>(now, Hook.ofMutating(now));
            mutating = d;
        }
        return d.hooks();
    }

    /** The validating webhooks in kube's order; kube's 403 when the configurations are not known yet. */
    public List<Hook> validating(AdmissionAttributes a) {
        ready(a);
        Derived<ValidatingWebhookConfiguration> d = validating;
        List<ValidatingWebhookConfiguration> now = source.validating();
        if (d.configurations() != now) {
            d = new Derived<>(now, Hook.ofValidating(now));
            validating = d;
        }
        return d.hooks();
    }

    private void ready(AdmissionAttributes a) {
        if (!source.awaitSynced(READY_WAIT)) {
            throw StatusError.forbidden(a.resource().groupResource(), a.name(), "not yet ready to handle request");
        }
    }

    public HookMatcher matcher() {
        return matcher;
    }

    public WebhookCaller caller() {
        return caller;
    }

    public ObjectVersions versions() {
        return versions;
    }

    /** Where the dispatchers tell each call's outcome. */
    public WebhookMetrics metrics() {
        return metrics;
    }
}
