package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Unknown fields are reported by their path and removed from the decoded object. */
class UnknownFieldsTest {

    record Case(String name, Class<? extends HasMetadata> type, String json, List<String> unknown) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("none", ConfigMap.class,
                        "{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"}},\"data\":{\"k\":\"v\"}}", List.of()),
                new Case("top level and metadata", ConfigMap.class,
                        "{\"foo\":1,\"metadata\":{\"name\":\"a\",\"bar\":2},\"data\":{\"k\":\"v\"}}",
                        List.of("foo", "metadata.bar")),
                new Case("in a list item", Deployment.class,
                        "{\"spec\":{\"foo\":1,\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\"},"
                                + "{\"name\":\"b\",\"bar\":true}]}}}}",
                        List.of("spec.foo", "spec.template.spec.containers[1].bar")),
                new Case("in metadata's lists", ConfigMap.class,
                        "{\"metadata\":{\"name\":\"a\",\"ownerReferences\":[{\"name\":\"o\",\"baz\":1}],"
                                + "\"managedFields\":[{\"manager\":\"m\"},{\"manager\":\"n\",\"foo\":{}}]}}",
                        List.of("metadata.managedFields[1].foo", "metadata.ownerReferences[0].baz")),
                new Case("in a CRD's nested schema", CustomResourceDefinition.class,
                        "{\"spec\":{\"group\":\"g\",\"versions\":[{\"name\":\"v1\",\"bar\":1,"
                                + "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}],\"names\":{\"baz\":2}}}",
                        List.of("spec.names.baz", "spec.versions[0].bar")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void reportsAndRemoves(Case c) {
        HasMetadata obj = Json.read(c.json().getBytes(), c.type());

        Schema schema = BuiltInSchemas.of(c.type());

        assertThat(UnknownFields.prune(obj, schema)).containsExactlyInAnyOrderElementsOf(c.unknown());
        assertThat(UnknownFields.prune(obj, schema)).as("pruned").isEmpty();
        assertThat(Json.string(obj)).doesNotContain("\"foo\"", "\"bar\"", "\"baz\"");
    }
}
