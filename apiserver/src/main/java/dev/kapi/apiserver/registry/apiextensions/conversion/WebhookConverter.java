package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.webhook.ServiceUrls;
import dev.kapi.apiserver.webhook.WebhookClient;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookConversion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Strategy {@code Webhook} (kube's webhookConverter): one ConversionReview per call, in the first of the
 * CRD's {@code conversionReviewVersions} this server speaks, with a fresh uid; the answer is checked by
 * {@link ReviewCodec} and {@link ConvertedObjects}. Every failure names the objects' source kind and version:
 * {@code conversion webhook for example.com/v1, Kind=Widget failed: ...}. The call goes through the server's
 * shared {@link WebhookClient} to {@code clientConfig.url}, or for a service where {@link ServiceUrls} maps it
 * ({@code --webhook-service-urls}; by default {@code https://<name>.<namespace>.svc:<port><path>}, resolved by
 * this host's DNS) with a certificate valid for {@code <name>.<namespace>.svc}, plus {@code ?timeout=30s}.
 */
final class WebhookConverter implements VersionConverter {

    /** The text client-go gives a call whose client timeout passed. */
    private static final String CLIENT_TIMEOUT = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";

    private final WebhookClient.Endpoint endpoint;
    private final Duration timeout;
    private final String reviewVersion;

    WebhookConverter(WebhookConversion webhook, Duration timeout, ServiceUrls services) {
        WebhookClientConfig config = webhook.getClientConfig();
        ServiceReference s = config.getService();
        URI uri = endpoint(config, timeout, services);
        this.endpoint = config.getUrl() != null || s == null ? WebhookClient.Endpoint.of(uri, config.getCaBundle())
                : new WebhookClient.Endpoint(uri, config.getCaBundle(),
                ServiceUrls.serverName(s.getNamespace(), s.getName()));
        this.timeout = timeout;
        this.reviewVersion = ReviewCodec.reviewVersion(webhook.getConversionReviewVersions());
    }

    /** The URL a conversion review is posted to, with kube's {@code ?timeout=} parameter. */
    static URI endpoint(WebhookClientConfig config, Duration timeout, ServiceUrls services) {
        String base;
        if (config.getUrl() != null) {
            base = config.getUrl();
        } else {
            ServiceReference s = config.getService();
            base = services.resolve(s.getNamespace(), s.getName(), s.getPort(), s.getPath()).toString();
        }
        return URI.create(base + "?timeout=" + dev.kapi.apiserver.api.GoDuration.format(timeout.toNanos()));
    }

    @Override
    public List<ObjectNode> convert(List<ObjectNode> objects, String desiredApiVersion) {
        if (objects.isEmpty()) {
            return List.of();
        }
        ObjectNode first = objects.getFirst();
        String gvk = ConvertedObjects.text(first, "apiVersion") + ", Kind=" + ConvertedObjects.text(first, "kind");
        if (reviewVersion == null) {
            throw new ConversionException("no supported conversion review versions");
        }
        String uid = UUID.randomUUID().toString();
        List<JsonNode> converted;
        try {
            byte[] answer = WebhookClient.shared().post(endpoint,
                    ReviewCodec.request(reviewVersion, uid, desiredApiVersion, objects), timeout, CLIENT_TIMEOUT);
            converted = ReviewCodec.convertedObjects(reviewVersion, uid, answer);
        } catch (WebhookClient.CallFailed | ReviewCodec.Refused e) {
            throw new ConversionException("conversion webhook for " + gvk + " failed: " + e.getMessage());
        }
        if (converted.size() != objects.size()) {
            throw new ConversionException("conversion webhook for " + gvk + " returned " + converted.size()
                    + " objects, expected " + objects.size());
        }
        return ConvertedObjects.check(objects, converted, desiredApiVersion, gvk);
    }
}
