package dev.kapi.admissionwebhooks.review;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.kapi.admissionwebhooks.testing.Reviews.body;
import static dev.kapi.admissionwebhooks.testing.Reviews.bytes;
import static dev.kapi.admissionwebhooks.testing.Reviews.json;
import static dev.kapi.admissionwebhooks.testing.Reviews.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReviewCodecTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "''                                                            | the request body is empty: expected an AdmissionReview (admission.k8s.io/v1) JSON object",
            "not json                                                      | the request body is not JSON: ",
            "[1,2]                                                         | the request body must be a JSON object (an AdmissionReview), not ARRAY",
            "{\"apiVersion\":\"admission.k8s.io/v1\"}                      | kind must be \"AdmissionReview\", not \"\"",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{}} | apiVersion \"admission.k8s.io/v1beta1\" is not supported: this webhook speaks admission.k8s.io/v1 (list \"v1\" in the webhook's admissionReviewVersions)",
            "{\"apiVersion\":\"v1\",\"kind\":\"AdmissionReview\"}          | apiVersion \"v1\" is not supported",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"} | the AdmissionReview has no request",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":null} | the AdmissionReview has no request",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":\"x\"} | request must be an object, not STRING",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}} | request.uid is missing: the response must echo it",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"PATCH\"}} | request.operation \"PATCH\" is not one of CREATE, UPDATE, DELETE, CONNECT",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"object\":[]}} | request.object must be an object, not ARRAY",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":\"Pod\"}} | request is not an AdmissionRequest: ",
    })
    void aBodyThatIsNoAdmissionReviewV1RequestSaysWhy(String body, String message) {
        assertThatThrownBy(() -> ReviewCodec.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BadReviewException.class).hasMessageStartingWith(message);
    }

    @Test
    void readsTheRequestAndItsObjects() {
        ObjectNode old = pod("nginx:1");
        Review review = ReviewCodec.parse(bytes(body("UPDATE", "team-a", pod("nginx:2"), old)));
        assertThat(review.request().getUid()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(review.operation()).isEqualTo("UPDATE");
        assertThat(review.kind()).isEqualTo("Pod");
        assertThat(review.namespace()).isEqualTo("team-a");
        assertThat(review.request().getUserInfo().getUsername()).isEqualTo("alice");
        assertThat(review.object().at("/spec/containers/0/image").asString()).isEqualTo("nginx:2");
        assertThat(review.oldObject()).isEqualTo(old);
        assertThat(review.describeObject()).isEqualTo("Pod \"web\"");
    }

    @Test
    void aDenialEchoesTheUidWithAStatus() {
        JsonNode review = ReviewCodec.MAPPER.readTree(ReviewCodec.response("uid-7",
                Verdict.deny("Pod \"web\": no", List.of("careful"))));
        assertThat(review).isEqualTo(json("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
                 "response":{"uid":"uid-7","allowed":false,"warnings":["careful"],
                             "status":{"apiVersion":"v1","kind":"Status","status":"Failure","message":"Pod \\"web\\": no",
                                       "reason":"Forbidden","code":403}}}"""));
    }

    @Test
    void anAllowedAnswerCarriesOnlyWhatItHas() {
        assertThat(ReviewCodec.MAPPER.readTree(ReviewCodec.response("u", Verdict.allow()))).isEqualTo(json("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true}}"""));
        JsonNode patch = json("""
                {"p":[{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]}""").get("p");
        JsonNode patched = ReviewCodec.MAPPER.readTree(ReviewCodec.response("u",
                Verdict.patch(patch, List.of(), Map.of("defaulted", "labels a")))).get("response");
        assertThat(patched.get("patchType").asString()).isEqualTo("JSONPatch");
        assertThat(ReviewCodec.MAPPER.readTree(Base64.getDecoder().decode(patched.get("patch").asString())))
                .isEqualTo(patch);
        assertThat(patched.get("auditAnnotations")).isEqualTo(json("{\"defaulted\":\"labels a\"}"));
    }
}
