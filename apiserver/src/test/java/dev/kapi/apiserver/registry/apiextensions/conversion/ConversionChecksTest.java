package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.kapi.apiserver.api.Json;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** spec.conversion checks in kube-apiserver's words, one case per row: the conversion stanza and the errors. */
class ConversionChecksTest {

    record Case(String conversion, Boolean preserveUnknownFields, List<String> errors) {
        @Override
        public String toString() {
            return conversion;
        }
    }

    static Stream<Case> cases() {
        String ok = "{\"strategy\":\"Webhook\",\"webhook\":{\"conversionReviewVersions\":[\"v1\"],\"clientConfig\":";
        String service = ok + "{\"service\":{\"name\":\"conv\",\"namespace\":\"ns\",\"path\":";
        return Stream.of(
                new Case("{\"strategy\":\"None\"}", null, List.of()),
                new Case(ok + "{\"url\":\"https://conv.example.com/convert\"}}}", null, List.of()),
                new Case(service + "\"/convert\"}}}}", null, List.of()),
                new Case("{\"strategy\":\"Magic\"}", null,
                        List.of("spec.conversion.strategy: Unsupported value: \"Magic\": supported values: \"None\", \"Webhook\"")),
                new Case("{}", null, List.of("spec.conversion.strategy: Required value")),
                new Case(ok + "{\"url\":\"https://conv.example.com/convert\"}}}", true,
                        List.of("spec.conversion.strategy: Invalid value: \"Webhook\": must be None if spec.preserveUnknownFields is true")),
                new Case("{\"strategy\":\"Webhook\",\"webhook\":{\"conversionReviewVersions\":[\"v1\"]}}", null,
                        List.of("spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook")),
                new Case(ok + "{}}}", null,
                        List.of("spec.conversion.webhookClientConfig: Required value: exactly one of url or service is required")),
                new Case(ok + "{\"url\":\"http://u:p@conv.example.com/c?x=1#f\"}}}", null, List.of(
                        "spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
                        "spec.conversion.webhookClientConfig.url: Invalid value: \"u:p\": user information is not permitted in the URL",
                        "spec.conversion.webhookClientConfig.url: Invalid value: \"f\": fragments are not permitted in the URL",
                        "spec.conversion.webhookClientConfig.url: Invalid value: \"x=1\": query parameters are not permitted in the URL")),
                new Case(ok + "{\"service\":{\"port\":0,\"path\":\"convert\"}}}}", null, List.of(
                        "spec.conversion.webhookClientConfig.service.name: Required value: service name is required",
                        "spec.conversion.webhookClientConfig.service.namespace: Required value: service namespace is required",
                        "spec.conversion.webhookClientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive",
                        "spec.conversion.webhookClientConfig.service.path: Invalid value: \"convert\": must start with a '/'")),
                new Case(service + "\"/a//b\"}}}}", null, List.of(
                        "spec.conversion.webhookClientConfig.service.path: Invalid value: \"/a//b\": segment[1] may not be empty")),
                new Case("{\"strategy\":\"Webhook\",\"webhook\":{\"conversionReviewVersions\":[\"v2\",\"v2\"],"
                        + "\"clientConfig\":{\"url\":\"https://conv.example.com\"}}}", null, List.of(
                        "spec.conversion.conversionReviewVersions[1]: Invalid value: \"v2\": duplicate version",
                        "spec.conversion.conversionReviewVersions: Invalid value: []string{\"v2\", \"v2\"}: must include at least one of v1, v1beta1")),
                new Case("{\"strategy\":\"Webhook\",\"webhook\":{\"clientConfig\":{\"url\":\"https://conv.example.com\"}}}", null,
                        List.of("spec.conversion.conversionReviewVersions: Required value")),
                new Case("{\"strategy\":\"None\",\"webhook\":{\"conversionReviewVersions\":[\"v1\"],"
                        + "\"clientConfig\":{\"url\":\"https://conv.example.com\"}}}", null, List.of(
                        "spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
                        "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void checks(Case c) {
        CustomResourceDefinition crd = Json.read(("{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
                + "\"metadata\":{\"name\":\"widgets.example.com\"},\"spec\":{\"group\":\"example.com\",\"conversion\":"
                + c.conversion() + "}}").getBytes(), CustomResourceDefinition.class);
        crd.getSpec().setPreserveUnknownFields(c.preserveUnknownFields());
        assertThat(ConversionChecks.validate(crd)).extracting(FieldError::toString)
                .containsExactlyElementsOf(c.errors());
    }
}
