package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.compile;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.lines;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.specSchema;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules evaluated against custom objects: failures, messages, reasons, field paths, transition rules. */
class CelRulesTest {

    private static final String SPEC = """
            type: object
            properties:
              replicas: {type: integer}
              min: {type: integer}
              name: {type: string}
              ratio: {type: number}
              port: {x-kubernetes-int-or-string: true}
              labels: {type: object, additionalProperties: {type: string}}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
              nested: {type: object, properties: {inner: {type: object, properties: {v: {type: integer}}}}}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties: {name: {type: string}, port: {type: integer}}
                  x-kubernetes-validations:
                  - {rule: self.port > 0, message: port must be positive}
                  - {rule: self.port == oldSelf.port, message: port is immutable}
            x-kubernetes-validations:
            """;

    static Stream<Arguments> cases() {
        return Stream.of(
                // rule, object spec, old spec (or null), expected errors
                row("- rule: self.replicas >= self.min", "{replicas: 3, min: 1}", null),
                row("- rule: self.replicas >= self.min", "{replicas: 0, min: 1}", null,
                        "spec: Invalid value: \"object\": failed rule: self.replicas >= self.min"),
                row("- {rule: self.replicas >= self.min, message: too few}", "{replicas: 0, min: 1}", null,
                        "spec: Invalid value: \"object\": too few"),
                row("- {rule: self.replicas >= self.min, messageExpression: \"'replicas ' + string(self.replicas) + ' below ' + string(self.min)\"}",
                        "{replicas: 0, min: 1}", null, "spec: Invalid value: \"object\": replicas 0 below 1"),
                row("- {rule: self.replicas >= self.min, message: fallback, messageExpression: \"''\"}",
                        "{replicas: 0, min: 1}", null, "spec: Invalid value: \"object\": fallback"),
                row("- {rule: has(self.name), reason: FieldValueRequired, fieldPath: .name, message: name is required}",
                        "{replicas: 1}", null, "spec.name: Required value: name is required"),
                row("- {rule: self.replicas < 10, reason: FieldValueForbidden, message: too many}", "{replicas: 11}", null,
                        "spec: Forbidden: too many"),
                row("- {rule: self.replicas < 10, reason: FieldValueDuplicate}", "{replicas: 11}", null,
                        "spec: Duplicate value: \"object\""),
                row("- {rule: \"self.labels.all(k, k != 'x')\", fieldPath: \"['labels']\"}", "{labels: {x: y}}", null,
                        "spec.labels: Invalid value: \"object\": failed rule: self.labels.all(k, k != 'x')"),
                row("- rule: self.replicas > 0", "{name: a}", null,
                        "spec: Invalid value: \"object\": no such key: replicas evaluating rule: self.replicas > 0"),
                row("- rule: self.nested.inner.v == 2", "{nested: {inner: {v: 2}}}", null),
                row("- rule: \"!has(self.nested) || self.nested.inner.v == 2\"", "{name: a}", null),
                row("- rule: self.ratio > 0.5", "{ratio: 1}", null),
                row("- rule: self.port == 80 || self.port == 'http'", "{port: http}", null),
                row("- rule: self.port == 80 || self.port == 'http'", "{port: 81}", null,
                        "spec: Invalid value: \"object\": failed rule: self.port == 80 || self.port == 'http'"),
                row("- rule: self.extra.anything == 1", "{extra: {anything: 1}}", null),
                row("- rule: self.labels.size() < 2 && self.labels['a'] == 'b'", "{labels: {a: b}}", null),
                row("- rule: 'true'", "{ports: [{name: http, port: 0}]}", null,
                        "spec.ports[0]: Invalid value: \"object\": port must be positive"),
                // transition rules
                row("- {rule: self.name == oldSelf.name, message: name is immutable}", "{name: a}", "{name: b}",
                        "spec: Invalid value: \"object\": name is immutable"),
                row("- {rule: self.name == oldSelf.name, message: name is immutable}", "{name: a}", "{name: a}"),
                row("- {rule: self.name == oldSelf.name, message: name is immutable}", "{name: a}", null),
                row("- {rule: self == oldSelf, message: spec is immutable}", "{name: a}", "{name: a, replicas: 1}",
                        "spec: Invalid value: \"object\": spec is immutable"),
                row("- rule: 'true'", "{ports: [{name: http, port: 80}, {name: x, port: 1}]}",
                        "{ports: [{name: x, port: 2}, {name: http, port: 80}]}",
                        "spec.ports[1]: Invalid value: \"object\": port is immutable"),
                row("- {rule: '!oldSelf.hasValue() || self.name == oldSelf.value().name', optionalOldSelf: true, message: immutable}",
                        "{name: a}", "{name: b}", "spec: Invalid value: \"object\": immutable"),
                row("- {rule: 'oldSelf.hasValue() || self.name == \"first\"', optionalOldSelf: true, message: must start as first}",
                        "{name: a}", null, "spec: Invalid value: \"object\": must start as first"));
    }

    private static Arguments row(String rules, String spec, String oldSpec, String... errors) {
        return Arguments.of(rules, spec, oldSpec, List.of(errors));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rules(String rules, String spec, String oldSpec, List<String> errors) {
        CelValidation cel = compile(specSchema(SPEC + rules));
        assertThat(cel.errors()).isEmpty();
        var object = yaml("{apiVersion: v1, kind: K, metadata: {name: n}, spec: " + spec + "}");
        var old = oldSpec == null ? null : yaml("{apiVersion: v1, kind: K, metadata: {name: n}, spec: " + oldSpec + "}");
        assertThat(lines(cel.validate(object, old))).containsExactlyElementsOf(errors);
    }

    @ParameterizedTest
    @MethodSource("rootCases")
    void rootRules(String rule, List<String> errors) {
        CelValidation cel = compile(yaml("""
                type: object
                properties: {spec: {type: object, properties: {n: {type: integer}}}}
                x-kubernetes-validations:
                """ + rule));
        assertThat(cel.errors()).isEmpty();
        assertThat(lines(cel.validate(yaml("{apiVersion: g/v1, kind: K, metadata: {name: abc}, spec: {n: 1}}"), null)))
                .containsExactlyElementsOf(errors);
    }

    static Stream<Arguments> rootCases() {
        return Stream.of(
                Arguments.of("- rule: self.metadata.name.startsWith('a') && self.kind == 'K'", List.of()),
                Arguments.of("- {rule: self.spec.n == 2, fieldPath: .spec.n}",
                        List.of("spec.n: Invalid value: \"object\": failed rule: self.spec.n == 2")),
                Arguments.of("- rule: self.spec.n == 2",
                        List.of("<nil>: Invalid value: \"object\": failed rule: self.spec.n == 2")));
    }
}
