package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectMetaValidationTest {

    static ObjectMeta meta(Consumer<ObjectMeta> edit) {
        ObjectMeta m = new ObjectMeta();
        m.setName("app");
        m.setNamespace("default");
        edit.accept(m);
        return m;
    }

    static Stream<Arguments> createCases() {
        return Stream.of(
                Arguments.of("valid", meta(m -> m.setLabels(Map.of("app.kubernetes.io/name", "web", "empty", ""))), true,
                        List.of()),
                Arguments.of("no name", meta(m -> m.setName(null)), true,
                        List.of("metadata.name: Required value: name or generateName is required")),
                Arguments.of("bad name", meta(m -> m.setName("Bad")), true,
                        List.of("metadata.name: Invalid value: \"Bad\": " + NameValidationTest.SUBDOMAIN_MSG)),
                Arguments.of("no namespace", meta(m -> m.setNamespace(null)), true,
                        List.of("metadata.namespace: Required value")),
                Arguments.of("cluster-scoped ignores namespace", meta(m -> m.setNamespace(null)), false, List.of()),
                Arguments.of("bad label key", meta(m -> m.setLabels(Map.of("-x", "v"))), true,
                        List.of("metadata.labels: Invalid value: \"-x\": " + NameValidationTest.NAME_PART_MSG)),
                Arguments.of("bad label value", meta(m -> m.setLabels(Map.of("app", "a b"))), true,
                        List.of("metadata.labels: Invalid value: \"a b\": " + NameValidationTest.LABEL_VALUE_MSG)),
                Arguments.of("annotation key case does not matter", meta(m -> m.setAnnotations(Map.of("Example.com/Key", "v"))),
                        true, List.of()),
                Arguments.of("bad annotation key", meta(m -> m.setAnnotations(Map.of("a/b/c", "v"))), true,
                        List.of("metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of "
                                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                                + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
                                + "and '/' (e.g. 'example.com/MyName')")),
                Arguments.of("annotations too large", meta(m -> m.setAnnotations(Map.of("big", "x".repeat(262142)))), true,
                        List.of("metadata.annotations: Too long: must have at most 262144 bytes")),
                Arguments.of("bad finalizer", meta(m -> m.setFinalizers(List.of("a b"))), true,
                        List.of("metadata.finalizers: Invalid value: \"a b\": " + NameValidationTest.NAME_PART_MSG)),
                Arguments.of("conflicting finalizers", meta(m -> m.setFinalizers(List.of("orphan", "foregroundDeletion"))),
                        true, List.of("metadata.finalizers: Invalid value: \"[]string{\"orphan\", \"foregroundDeletion\"}\": "
                                + "finalizer orphan and foregroundDeletion cannot be both set")),
                Arguments.of("owner reference fields", meta(m -> m.setOwnerReferences(List.of(new OwnerReference(null, null, null, null, null, null)))), true,
                        List.of("metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
                                "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
                                "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
                                "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("createCases")
    void create(String name, ObjectMeta meta, boolean namespaced, List<String> expected) {
        List<FieldError> errs = ObjectMetaValidation.validateCreate(meta, namespaced, NameValidation::dns1123Subdomain);
        assertThat(errs).map(FieldError::toString).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> updateCases() {
        ObjectMeta old = meta(m -> {
            m.setUid("u1");
            m.setCreationTimestamp("2024-01-01T00:00:00Z");
        });
        return Stream.of(
                Arguments.of("labels may change", old, meta(m -> {
                    m.setUid("u1");
                    m.setCreationTimestamp("2024-01-01T00:00:00Z");
                    m.setLabels(Map.of("a", "b"));
                }), List.of()),
                Arguments.of("immutables", old, meta(m -> {
                    m.setName("other");
                    m.setNamespace("ns2");
                    m.setUid("u2");
                    m.setCreationTimestamp("2025-01-01T00:00:00Z");
                }), List.of("metadata.name: Invalid value: \"other\": field is immutable",
                        "metadata.namespace: Invalid value: \"ns2\": field is immutable",
                        "metadata.uid: Invalid value: \"u2\": field is immutable",
                        "metadata.creationTimestamp: Invalid value: \"2025-01-01T00:00:00Z\": field is immutable")),
                Arguments.of("no new finalizers while deleting", meta(m -> {
                    m.setUid("u1");
                    m.setDeletionTimestamp("2024-02-01T00:00:00Z");
                    m.setFinalizers(List.of("a.io/x"));
                }), meta(m -> {
                    m.setUid("u1");
                    m.setDeletionTimestamp("2024-02-01T00:00:00Z");
                    m.setFinalizers(List.of("a.io/x", "b.io/y"));
                }), List.of("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
                        + "deleted, found new finalizers []string{\"b.io/y\"}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updateCases")
    void update(String name, ObjectMeta old, ObjectMeta updated, List<String> expected) {
        assertThat(ObjectMetaValidation.validateUpdate(updated, old)).map(FieldError::toString)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void unqualifiedFinalizersWarn() {
        assertThat(ObjectMetaValidation.warnings(meta(m -> m.setFinalizers(List.of("kubernetes", "example.com/x", "mine")))))
                .containsExactly("metadata.finalizers: \"mine\": prefer a domain-qualified finalizer name including a "
                        + "path (/) to avoid accidental conflicts with other finalizer writers");
    }
}
