package dev.kapi.admissionwebhooks.review;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Reads AdmissionReview v1 requests and writes the responses (fabric8's {@code admission.v1} model). A body
 * that is not a decidable review is a {@link BadReviewException} whose message says what is wrong; its answer
 * is a 400 with a {@code Status} body.
 */
public final class ReviewCodec {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    /** Kubernetes objects: unknown fields are kept, never an error. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ReviewCodec() {
    }

    /** The request of an AdmissionReview v1 body. */
    public static Review parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw bad("the request body is empty: expected an AdmissionReview (" + API_VERSION + ") JSON object");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw bad("the request body is not JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode review)) {
            throw bad("the request body must be a JSON object (an AdmissionReview), not " + tree.getNodeType());
        }
        String apiVersion = Review.text(review.get("apiVersion"));
        String kind = Review.text(review.get("kind"));
        if (!KIND.equals(kind)) {
            throw bad("kind must be \"" + KIND + "\", not \"" + kind + "\"");
        }
        if (!API_VERSION.equals(apiVersion)) {
            throw bad("apiVersion \"" + apiVersion + "\" is not supported: this webhook speaks " + API_VERSION
                    + " (list \"v1\" in the webhook's admissionReviewVersions)");
        }
        JsonNode request = review.get("request");
        if (request == null || request.isNull()) {
            throw bad("the AdmissionReview has no request");
        }
        if (!(request instanceof ObjectNode req)) {
            throw bad("request must be an object, not " + request.getNodeType());
        }
        if (Review.text(req.get("uid")).isEmpty()) {
            throw bad("request.uid is missing: the response must echo it");
        }
        String operation = Review.text(req.get("operation"));
        if (!OPERATIONS.contains(operation)) {
            throw bad("request.operation \"" + operation + "\" is not one of CREATE, UPDATE, DELETE, CONNECT");
        }
        ObjectNode object = objectField(req, "object");
        ObjectNode oldObject = objectField(req, "oldObject");
        ObjectNode rest = req.deepCopy();
        rest.remove(List.of("object", "oldObject", "options"));
        try {
            return new Review(MAPPER.treeToValue(rest, AdmissionRequest.class), object, oldObject);
        } catch (JacksonException e) {
            throw bad("request is not an AdmissionRequest: " + e.getOriginalMessage());
        }
    }

    /** The AdmissionReview answering request {@code uid} with the verdict. */
    public static byte[] response(String uid, Verdict verdict) {
        AdmissionResponse response = new AdmissionResponse();
        response.setUid(uid);
        response.setAllowed(verdict.allowed());
        if (!verdict.allowed()) {
            response.setStatus(status(verdict.code(), verdict.message()));
        }
        if (verdict.patch() != null) {
            response.setPatchType("JSONPatch");
            response.setPatch(Base64.getEncoder().encodeToString(MAPPER.writeValueAsBytes(verdict.patch())));
        }
        if (!verdict.warnings().isEmpty()) {
            response.setWarnings(verdict.warnings());
        }
        if (!verdict.auditAnnotations().isEmpty()) {
            response.setAuditAnnotations(verdict.auditAnnotations());
        }
        AdmissionReview review = new AdmissionReview();
        review.setApiVersion(API_VERSION);
        review.setKind(KIND);
        review.setResponse(response);
        return MAPPER.writeValueAsBytes(review);
    }

    /** A {@code Status} body for an HTTP error (400 for a bad review, 404 for a webhook not enabled). */
    public static byte[] error(int code, String message) {
        return MAPPER.writeValueAsString(status(code, message)).getBytes(StandardCharsets.UTF_8);
    }

    private static Status status(int code, String message) {
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure")
                .withMessage(message).withReason(reason(code)).withCode(code).build();
    }

    private static String reason(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 413 -> "RequestEntityTooLarge";
            case 422 -> "Invalid";
            default -> "";
        };
    }

    private static ObjectNode objectField(ObjectNode request, String field) {
        JsonNode n = request.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!(n instanceof ObjectNode o)) {
            throw bad("request." + field + " must be an object, not " + n.getNodeType());
        }
        return o;
    }

    private static BadReviewException bad(String message) {
        return new BadReviewException(message);
    }
}
