package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A ConversionReview on the wire, in {@code apiextensions.k8s.io/v1} or {@code v1beta1} (the same shape), and
 * the checks kube's webhook converter makes of the answer: a v1 answer must be a v1 ConversionReview with
 * the request's uid (v1beta1 answers are not checked for either, as in kube), {@code result.status} must be
 * {@code Success}. Failures are {@link Refused} with kube's text (without the "conversion webhook for" prefix).
 */
final class ReviewCodec {

    static final String GROUP = "apiextensions.k8s.io";

    /** An answer kube would not accept; the message is the part after {@code failed: }. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private ReviewCodec() {
    }

    /** The first of {@code versions} this server speaks, {@code v1} or {@code v1beta1}; null for none. */
    static String reviewVersion(List<String> versions) {
        if (versions != null) {
            for (String v : versions) {
                if ("v1".equals(v) || "v1beta1".equals(v)) {
                    return v;
                }
            }
        }
        return null;
    }

    /** The request as kube sends it, including its empty {@code response} stanza. */
    static byte[] request(String version, String uid, String desiredApiVersion, List<ObjectNode> objects) {
        ObjectNode review = Json.MAPPER.createObjectNode();
        review.put("kind", "ConversionReview");
        review.put("apiVersion", GROUP + "/" + version);
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        request.put("desiredAPIVersion", desiredApiVersion);
        ArrayNode items = request.putArray("objects");
        objects.forEach(items::add);
        ObjectNode response = review.putObject("response");
        response.put("uid", "");
        response.putNull("convertedObjects");
        response.putObject("result").putObject("metadata");
        return Json.bytes(review);
    }

    /** {@code response.convertedObjects} of a 2xx answer (empty when null). */
    static List<JsonNode> convertedObjects(String version, String expectedUid, byte[] body) throws Refused {
        JsonNode review;
        try {
            review = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new Refused("couldn't get version/kind; json parse error: " + e.getOriginalMessage());
        }
        if (!(review instanceof ObjectNode)) {
            throw new Refused("couldn't get version/kind; json parse error: the answer is not a JSON object");
        }
        String kind = ConvertedObjects.text(review, "kind");
        if (kind.isEmpty()) {
            throw new Refused("Object 'Kind' is missing in '" + new String(body, StandardCharsets.UTF_8).strip() + "'");
        }
        String apiVersion = ConvertedObjects.text(review, "apiVersion");
        if ("v1".equals(version) && !(apiVersion.equals(GROUP + "/v1") && kind.equals("ConversionReview"))) {
            throw new Refused("expected webhook response of " + GROUP + "/v1, Kind=ConversionReview, got "
                    + apiVersion + ", Kind=" + kind);
        }
        JsonNode response = review.get("response");
        if (response == null || !response.isObject()) {
            throw new Refused("no response provided");
        }
        if ("v1".equals(version)) {
            String uid = ConvertedObjects.text(response, "uid");
            if (!expectedUid.equals(uid)) {
                throw new Refused("expected response.uid=" + GoQuote.quote(expectedUid) + ", got " + GoQuote.quote(uid));
            }
        }
        JsonNode result = response.path("result");
        String status = ConvertedObjects.text(result, "status");
        if (!"Success".equals(status)) {
            String message = ConvertedObjects.text(result, "message");
            throw new Refused(!message.isEmpty() ? message
                    : "response.result.status was '" + status + "', not 'Success'");
        }
        JsonNode converted = response.get("convertedObjects");
        List<JsonNode> out = new ArrayList<>();
        if (converted != null && converted.isArray()) {
            converted.forEach(out::add);
        }
        return out;
    }
}
