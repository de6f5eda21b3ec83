package dev.kapi.admissionwebhooks.testing;

import dev.kapi.admissionwebhooks.review.Review;
import dev.kapi.admissionwebhooks.review.ReviewCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** AdmissionReview requests as an API server sends them, and objects to put in them. */
public final class Reviews {

    private static final Map<String, String[]> RESOURCES = Map.of(
            "Pod", new String[] {"", "v1", "pods"},
            "Deployment", new String[] {"apps", "v1", "deployments"},
            "CronJob", new String[] {"batch", "v1", "cronjobs"},
            "Service", new String[] {"", "v1", "services"},
            "ConfigMap", new String[] {"", "v1", "configmaps"});

    private Reviews() {
    }

    /** The JSON body of an AdmissionReview v1 request (object / oldObject may be null). */
    public static ObjectNode body(String operation, String namespace, JsonNode object, JsonNode oldObject) {
        JsonNode any = object != null ? object : oldObject;
        String kind = any.path("kind").asString();
        String[] gvr = RESOURCES.get(kind);
        ObjectNode review = ReviewCodec.MAPPER.createObjectNode()
                .put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request")
                .put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002")
                .put("operation", operation)
                .put("namespace", namespace)
                .put("name", any.path("metadata").path("name").asString(""));
        request.putObject("kind").put("group", gvr[0]).put("version", gvr[1]).put("kind", kind);
        request.putObject("resource").put("group", gvr[0]).put("version", gvr[1]).put("resource", gvr[2]);
        request.putObject("userInfo").put("username", "alice").putArray("groups").add("system:authenticated");
        if (object != null) {
            request.set("object", object);
        }
        if (oldObject != null) {
            request.set("oldObject", oldObject);
        }
        return review;
    }

    /** The review a webhook sees for that request (read through the codec, as the server reads it). */
    public static Review review(String operation, String namespace, JsonNode object, JsonNode oldObject) {
        return ReviewCodec.parse(bytes(body(operation, namespace, object, oldObject)));
    }

    public static Review create(JsonNode object) {
        return review("CREATE", "default", object, null);
    }

    public static Review update(JsonNode object, JsonNode oldObject) {
        return review("UPDATE", "default", object, oldObject);
    }

    /** A pod named web with one container per image (named c0, c1, ...). */
    public static ObjectNode pod(String... images) {
        return json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":%s}}"""
                .formatted(containers(List.of(images))));
    }

    /** A Deployment whose pod template has one container per image. */
    public static ObjectNode deployment(String... images) {
        return json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"template":{"spec":{"containers":%s}}}}""".formatted(containers(List.of(images))));
    }

    /** A CronJob whose job template has one container per image. */
    public static ObjectNode cronJob(String... images) {
        return json("""
                {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"web"},
                 "spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":%s}}}}}}"""
                .formatted(containers(List.of(images))));
    }

    public static ObjectNode json(String text) {
        return (ObjectNode) ReviewCodec.MAPPER.readTree(text);
    }

    public static byte[] bytes(JsonNode json) {
        return ReviewCodec.MAPPER.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
    }

    private static String containers(List<String> images) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < images.size(); i++) {
            out.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"")
                    .append(images.get(i)).append("\"}");
        }
        return out.append(']').toString();
    }
}
