package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.admission.plugin.webhook.errors.CallingWebhook;
import dev.kapi.apiserver.admission.plugin.webhook.errors.WebhookErrors;
import dev.kapi.apiserver.admission.plugin.webhook.request.AdmissionResponse;
import dev.kapi.apiserver.admission.plugin.webhook.request.AdmissionReviews;
import dev.kapi.apiserver.admission.plugin.webhook.request.ReviewAnswers;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.webhook.ServiceUrls;
import dev.kapi.apiserver.webhook.WebhookClient;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One call of one webhook, as both of kube's dispatchers make it ({@code callHook}): the dry-run check, the
 * AdmissionReview, the POST to {@code clientConfig.url} or the service's URL with {@code ?timeout=<n>s} and
 * {@code timeoutSeconds} as the deadline, the answer's checks; then the answer's audit annotations
 * ({@code <webhook>/<key>}) and warnings go to the request's recorder. What the answer decides (allowed, patch)
 * is the dispatcher's.
 */
public final class WebhookCaller {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookCaller.class);
    /** kube's check of an audit annotation key: a qualified name. */
    private static final Pattern QUALIFIED_NAME = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    private final WebhookClient client;
    private final ServiceUrls services;

    public WebhookCaller(WebhookClient client, ServiceUrls services) {
        this.client = client;
        this.services = services;
    }

    /**
     * Calls {@code hook} for the versioned request and returns its verified answer.
     *
     * @throws CallingWebhook when no usable answer came (the webhook's failurePolicy decides)
     * @throws StatusError    400 when the request is a dry run and the webhook may have side effects
     */
    public AdmissionResponse call(Hook hook, VersionedAttributes v, boolean mutating) throws CallingWebhook {
        if (v.request().dryRun()) {
            if (hook.sideEffects() == null) {
                throw new CallingWebhook(hook.name(), "Webhook SideEffects is nil");
            }
            if (!hook.sideEffects().equals("None") && !hook.sideEffects().equals("NoneOnDryRun")) {
                throw WebhookErrors.dryRunUnsupported(hook.name());
            }
        }
        AdmissionReviews.Review review = AdmissionReviews.create(hook.admissionReviewVersions(), v);
        if (review == null) {
            throw new CallingWebhook(hook.name(), "could not create admission objects: "
                    + "webhook does not accept known AdmissionReview versions (v1, v1beta1)");
        }
        WebhookClient.Endpoint endpoint = endpoint(hook);
        byte[] body;
        try {
            body = client.post(endpoint, review.body(), Duration.ofSeconds(hook.timeoutSeconds()),
                    WebhookClient.CONTEXT_DEADLINE);
        } catch (WebhookClient.CallFailed e) {
            throw new CallingWebhook(hook.name(), (e.setup() ? "could not get REST client: " : "failed to call webhook: ")
                    + e.getMessage(), e.code());
        }
        AdmissionResponse response;
        try {
            response = ReviewAnswers.verify(review, mutating, body);
        } catch (ReviewAnswers.Undecodable e) {
            throw new CallingWebhook(hook.name(), "failed to call webhook: " + e.getMessage());
        } catch (ReviewAnswers.Invalid e) {
            throw new CallingWebhook(hook.name(), "received invalid webhook response: " + e.getMessage());
        }
        record(hook, response, v.request().recorder());
        return response;
    }

    private WebhookClient.Endpoint endpoint(Hook hook) throws CallingWebhook {
        WebhookClientConfig cc = hook.clientConfig();
        String query = "timeout=" + hook.timeoutSeconds() + "s";
        try {
            if (cc != null && cc.getUrl() != null) {
                String url = cc.getUrl();
                return WebhookClient.Endpoint.of(URI.create(url + (url.contains("?") ? "&" : "?") + query),
                        cc.getCaBundle());
            }
            if (cc != null && cc.getService() != null) {
                ServiceReference s = cc.getService();
                URI base = services.resolve(s.getNamespace(), s.getName(), s.getPort(), s.getPath());
                return new WebhookClient.Endpoint(URI.create(base + "?" + query), cc.getCaBundle(),
                        ServiceUrls.serverName(s.getNamespace(), s.getName()));
            }
        } catch (IllegalArgumentException e) {
            throw new CallingWebhook(hook.name(), "could not get REST client: " + e.getMessage());
        }
        throw new CallingWebhook(hook.name(), "could not get REST client: webhook has no url or service");
    }

    /** The answer's audit annotations (kube drops keys that are not qualified names) and warnings. */
    private static void record(Hook hook, AdmissionResponse response, AdmissionRecorder recorder) {
        for (Map.Entry<String, String> e : response.auditAnnotations().entrySet()) {
            String key = hook.name() + "/" + e.getKey();
            if (key.length() > 316 || !QUALIFIED_NAME.matcher(key).matches() || e.getKey().length() > 63) {
                LOG.warn("Failed to set admission audit annotation {} to {} for webhook {}: invalid key", key,
                        e.getValue(), hook.name());
                continue;
            }
            recorder.annotate(key, e.getValue());
        }
        for (String warning : response.warnings()) {
            if (!warning.isEmpty()) {
                recorder.warn(warning);
            }
        }
    }
}
