package dev.kapi.admissionwebhooks.poddefaults;

import dev.kapi.admissionwebhooks.review.ReviewCodec;
import dev.kapi.admissionwebhooks.review.Verdict;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.admissionwebhooks.testing.Reviews.create;
import static dev.kapi.admissionwebhooks.testing.Reviews.json;
import static dev.kapi.admissionwebhooks.testing.Reviews.review;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodDefaultsWebhookTest {

    private final PodDefaultsWebhook webhook = new PodDefaultsWebhook(new PodDefaultsWebhook.Settings(true,
            List.of("platform.example.com/managed=true", "tier=app"), List.of("cpu=100m", "memory=128Mi"), "Fail"));

    static Stream<Arguments> pods() {
        return Stream.of(
                Arguments.of("a bare pod gets the labels and both requests",
                        """
                        {"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"nginx:1"}]}}""",
                        """
                        {"metadata":{"name":"web","labels":{"platform.example.com/managed":"true","tier":"app"}},
                         "spec":{"containers":[{"name":"app","image":"nginx:1",
                                                "resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}]}}"""),
                Arguments.of("labels already set keep their values; only the missing ones are added",
                        """
                        {"metadata":{"name":"web","labels":{"tier":"db","app":"web"}},
                         "spec":{"containers":[{"name":"app","image":"nginx:1","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}]}}""",
                        """
                        {"metadata":{"name":"web","labels":{"tier":"db","app":"web","platform.example.com/managed":"true"}},
                         "spec":{"containers":[{"name":"app","image":"nginx:1","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}]}}"""),
                Arguments.of("a container with one request gets the other; a limit without a request is left to the API server",
                        """
                        {"metadata":{"name":"web","labels":{"platform.example.com/managed":"false","tier":"app"}},
                         "spec":{"initContainers":[{"name":"init","image":"busybox:1"}],
                                 "containers":[{"name":"a","image":"nginx:1","resources":{"requests":{"cpu":"2"}}},
                                               {"name":"b","image":"nginx:1","resources":{"limits":{"memory":"64Mi"}}}]}}""",
                        """
                        {"metadata":{"name":"web","labels":{"platform.example.com/managed":"false","tier":"app"}},
                         "spec":{"initContainers":[{"name":"init","image":"busybox:1",
                                                    "resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}],
                                 "containers":[{"name":"a","image":"nginx:1","resources":{"requests":{"cpu":"2","memory":"128Mi"}}},
                                               {"name":"b","image":"nginx:1","resources":{"limits":{"memory":"64Mi"},
                                                                                        "requests":{"cpu":"100m"}}}]}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void thePatchAppliedToThePodGivesTheDefaultedPod(String name, String pod, String expected) {
        ObjectNode before = pod(pod);
        Verdict verdict = webhook.review(create(before));

        assertThat(verdict.allowed()).isTrue();
        // what the API server does with the answer: decode the base64 JSONPatch and apply it
        JsonNode answer = ReviewCodec.MAPPER.readTree(ReviewCodec.response("uid-1", verdict)).get("response");
        assertThat(answer.get("patchType").asString()).isEqualTo("JSONPatch");
        JsonNode patch = ReviewCodec.MAPPER.readTree(Base64.getDecoder().decode(answer.get("patch").asString()));
        assertThat(patch.valueStream().map(op -> op.get("op").asString())).containsOnly("add");
        JsonNode after = JsonPatch.apply(patch, before);

        assertThat(after).isEqualTo(pod(expected));
        // and it is still a pod the model reads, with the defaults where a client looks for them
        Pod typed = ReviewCodec.MAPPER.treeToValue(after, Pod.class);
        assertThat(typed.getMetadata().getLabels()).containsKeys("platform.example.com/managed", "tier");
        assertThat(typed.getSpec().getContainers()).allSatisfy(c ->
                assertThat(c.getResources().getRequests()).containsKey("cpu"));
    }

    @Test
    void aPodWithEverythingSetGetsNoPatch() {
        Verdict verdict = webhook.review(create(pod("""
                {"metadata":{"name":"web","labels":{"platform.example.com/managed":"true","tier":"app"}},
                 "spec":{"containers":[{"name":"app","image":"nginx:1","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}]}}""")));
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.patch()).isNull();
        assertThat(ReviewCodec.MAPPER.readTree(ReviewCodec.response("u", verdict)).get("response").has("patchType"))
                .isFalse();
    }

    @Test
    void saysWhatItDefaultedInAnAuditAnnotation() {
        Verdict verdict = webhook.review(create(pod("""
                {"metadata":{"name":"web","labels":{"tier":"x"}},"spec":{"containers":[{"name":"app","image":"nginx:1"}]}}""")));
        assertThat(verdict.auditAnnotations()).containsExactly(java.util.Map.entry("defaulted",
                "labels platform.example.com/managed; container app requests cpu=100m, memory=128Mi"));
    }

    @Test
    void onlyPodsOnCreateAreChanged() {
        ObjectNode pod = pod("""
                {"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"nginx:1"}]}}""");
        assertThat(webhook.review(review("UPDATE", "default", pod, pod)).patch()).isNull();
        assertThat(webhook.review(create(json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1"}]}}}}"""))).patch())
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"novalue", "=x", "bad key!=x", "tier=not a value"})
    void aMalformedLabelIsASettingsError(String label) {
        assertThatThrownBy(() -> new PodDefaultsWebhook(new PodDefaultsWebhook.Settings(true, List.of(label),
                List.of(), "Fail"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("webhooks.pod-defaults.labels: \"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cpu=", "cpu=lots", "memory=128MB", "=1"})
    void aMalformedRequestIsASettingsError(String request) {
        assertThatThrownBy(() -> new PodDefaultsWebhook(new PodDefaultsWebhook.Settings(true, List.of(),
                List.of(request), "Fail"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("webhooks.pod-defaults.requests: \"");
    }

    @Test
    void extendedResourcesAndExponentQuantitiesAreAccepted() {
        new PodDefaultsWebhook(new PodDefaultsWebhook.Settings(true, List.of(),
                List.of("example.com/foo=1", "ephemeral-storage=1e9", "cpu=.5", "hugepages-2Mi=2Mi"), "Ignore"));
    }

    private static ObjectNode pod(String json) {
        ObjectNode pod = json(json);
        ObjectNode out = ReviewCodec.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        out.setAll(pod);
        return out;
    }
}
