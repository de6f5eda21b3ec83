package dev.kapi.apiserver.admission.plugin.webhook.request;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.Status;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a webhook's 2xx answer and checks it as kube does ({@code VerifyAdmissionResponse}). Two kinds of
 * failure, both failures to call the webhook: {@link Undecodable} when the body is not an AdmissionReview that
 * decodes (client-go's decoding error, which kube reports after {@code failed to call webhook: }) and
 * {@link Invalid} when it decodes but kube refuses it (reported after
 * {@code received invalid webhook response: }): no response, for v1 another uid or another apiVersion/kind,
 * a patch without a patchType or the reverse, a validating webhook's patch. v1beta1 answers are not checked for
 * uid or kind, and their patch type is always JSONPatch, as in kube.
 */
public final class ReviewAnswers {

    /** The body did not decode as an AdmissionReview. */
    public static final class Undecodable extends Exception {
        Undecodable(String message) {
            super(message, null, false, false);
        }
    }

    /** The review decoded, but kube does not accept it. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private ReviewAnswers() {
    }

    public static AdmissionResponse verify(AdmissionReviews.Review sent, boolean mutating, byte[] body)
            throws Undecodable, Invalid {
        JsonNode review = decode(body);
        JsonNode response = review.get("response");
        if (response == null || response.isNull()) {
            throw new Invalid("webhook response was absent");
        }
        if (!response.isObject()) {
            throw new Undecodable(unmarshal(response, "AdmissionReview.response", "v1.AdmissionResponse"));
        }
        String patchTypeField = string(response, "patchType");
        byte[] patch = patch(response);
        boolean hasPatchType = response.hasNonNull("patchType");
        String patchType = "";
        if (sent.version().equals("v1")) {
            String uid = string(response, "uid");
            if (!uid.equals(sent.uid())) {
                throw new Invalid("expected response.uid=" + GoQuote.quote(sent.uid()) + ", got " + GoQuote.quote(uid));
            }
            String apiVersion = string(review, "apiVersion");
            String kind = string(review, "kind");
            if (!apiVersion.equals(AdmissionReviews.GROUP + "/v1") || !kind.equals("AdmissionReview")) {
                throw new Invalid("expected webhook response of " + AdmissionReviews.GROUP
                        + "/v1, Kind=AdmissionReview, got " + apiVersion + ", Kind=" + kind);
            }
            if (mutating) {
                if (patch.length > 0 && !hasPatchType) {
                    throw new Invalid("webhook returned response.patch but not response.patchType");
                }
                if (patch.length == 0 && hasPatchType) {
                    throw new Invalid("webhook returned response.patchType but not response.patch");
                }
                if (hasPatchType && patchTypeField.isEmpty()) {
                    throw new Invalid("webhook returned invalid response.patchType of \"\"");
                }
                patchType = patchTypeField;
            } else {
                if (patch.length > 0) {
                    throw new Invalid("validating webhook may not return response.patch");
                }
                if (hasPatchType) {
                    throw new Invalid("validating webhook may not return response.patchType");
                }
            }
        } else if (mutating && patch.length > 0) {
            patchType = "JSONPatch";
        }
        return new AdmissionResponse(bool(response, "allowed"), mutating ? patch : new byte[0], patchType,
                status(response), strings(response), annotations(response));
    }

    private static JsonNode decode(byte[] body) throws Undecodable {
        JsonNode review;
        try {
            review = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new Undecodable("couldn't get version/kind; json parse error: " + e.getOriginalMessage());
        }
        if (review == null || !review.isObject()) {
            throw new Undecodable("couldn't get version/kind; json parse error: json: cannot unmarshal "
                    + jsonType(review) + " into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; "
                    + "Kind string \"json:\\\"kind,omitempty\\\"\" }");
        }
        if (string(review, "kind").isEmpty()) {
            throw new Undecodable("Object 'Kind' is missing in '" + new String(body, StandardCharsets.UTF_8).strip() + "'");
        }
        return review;
    }

    private static byte[] patch(JsonNode response) throws Undecodable {
        JsonNode p = response.get("patch");
        if (p == null || p.isNull()) {
            return new byte[0];
        }
        if (!p.isString()) {
            throw new Undecodable(unmarshal(p, "AdmissionResponse.response.patch", "[]uint8"));
        }
        String text = p.asString();
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Undecodable("illegal base64 data at input byte " + badBase64Index(text));
        }
    }

    private static int badBase64Index(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || (c == '=' && i >= s.length() - 2);
            if (!ok) {
                return i;
            }
        }
        return s.length() - s.length() % 4;
    }

    private static boolean bool(JsonNode response, String field) throws Undecodable {
        JsonNode v = response.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new Undecodable(unmarshal(v, "AdmissionResponse.response." + field, "bool"));
        }
        return v.asBoolean();
    }

    private static Status status(JsonNode response) throws Undecodable {
        JsonNode s = response.get("status");
        if (s == null || s.isNull()) {
            return null;
        }
        if (!s.isObject()) {
            throw new Undecodable(unmarshal(s, "AdmissionResponse.response.status", "v1.Status"));
        }
        try {
            return Json.convert(s, Status.class);
        } catch (JacksonException e) {
            throw new Undecodable("json: cannot unmarshal response.status: " + e.getOriginalMessage());
        }
    }

    private static List<String> strings(JsonNode response) throws Undecodable {
        JsonNode w = response.get("warnings");
        List<String> out = new ArrayList<>();
        if (w == null || w.isNull()) {
            return out;
        }
        if (!w.isArray()) {
            throw new Undecodable(unmarshal(w, "AdmissionResponse.response.warnings", "[]string"));
        }
        for (JsonNode item : w) {
            if (!item.isString()) {
                throw new Undecodable(unmarshal(item, "AdmissionResponse.response.warnings", "string"));
            }
            out.add(item.asString());
        }
        return out;
    }

    private static Map<String, String> annotations(JsonNode response) throws Undecodable {
        JsonNode a = response.get("auditAnnotations");
        Map<String, String> out = new LinkedHashMap<>();
        if (a == null || a.isNull()) {
            return out;
        }
        if (!a.isObject()) {
            throw new Undecodable(unmarshal(a, "AdmissionResponse.response.auditAnnotations", "map[string]string"));
        }
        for (Map.Entry<String, JsonNode> e : a.properties()) {
            if (!e.getValue().isString()) {
                throw new Undecodable(unmarshal(e.getValue(), "AdmissionResponse.response.auditAnnotations", "string"));
            }
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    private static String string(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.asString() : "";
    }

    /** Go's {@code json: cannot unmarshal <type> into Go struct field <field> of type <goType>}. */
    private static String unmarshal(JsonNode value, String field, String goType) {
        return "json: cannot unmarshal " + jsonType(value) + " into Go struct field " + field + " of type " + goType;
    }

    private static String jsonType(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "object";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isString()) {
            return "string";
        }
        return n.isBoolean() ? "bool" : "number";
    }
}
