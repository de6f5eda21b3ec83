package dev.kapi.apiserver.registry.apiextensions.conversion;

import io.fabric8.kubernetes.api.model.apiextensions.v1.WebhookConversion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Strategy {@code Webhook} (kube's webhookConverter): one ConversionReview per call, in the first of the
 * CRD's {@code conversionReviewVersions} this server speaks, with a fresh uid; the answer is checked by
 * {@link ReviewCodec} and {@link ConvertedObjects}. Every failure names the objects' source kind and version:
 * {@code conversion webhook for example.com/v1, Kind=Widget failed: ...}.
 */
final class WebhookConverter implements VersionConverter {

    private final WebhookClient client;
    private final String reviewVersion;

    WebhookConverter(WebhookConversion webhook, Duration timeout) {
        this.client = new WebhookClient(webhook.getClientConfig(), timeout);
        this.reviewVersion = ReviewCodec.reviewVersion(webhook.getConversionReviewVersions());
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
            WebhookClient.Answer answer = client.post(
                    ReviewCodec.request(reviewVersion, uid, desiredApiVersion, objects));
            converted = ReviewCodec.convertedObjects(reviewVersion, uid, answer.body());
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
