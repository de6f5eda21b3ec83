package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CustomResourceValidatorTest {

    /** A root schema whose spec has the one property {@code field} of schema {@code fieldSchema}. */
    private static String spec(String field, String fieldSchema) {
        return "{type: 'object', properties: {spec: {type: 'object', properties: {" + field + ": " + fieldSchema + "}}}}";
    }

    private static Arguments c(String name, String field, String fieldSchema, String value, String... expected) {
        return arguments(name, spec(field, fieldSchema), "{spec: {" + field + ": " + value + "}}", List.of(expected));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("maximum", "replicas", "{type: 'integer', maximum: 10}", "20",
                        "spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10"),
                c("maximum ok", "replicas", "{type: 'integer', maximum: 10}", "10"),
                c("exclusive maximum", "replicas", "{type: 'integer', maximum: 10, exclusiveMaximum: true}", "10",
                        "spec.replicas: Invalid value: 10: spec.replicas in body should be less than 10"),
                c("minimum float", "x", "{type: 'number', minimum: 1.5}", "1.0",
                        "spec.x: Invalid value: 1: spec.x in body should be greater than or equal to 1.5"),
                c("exclusive minimum", "x", "{type: 'integer', minimum: 0, exclusiveMinimum: true}", "0",
                        "spec.x: Invalid value: 0: spec.x in body should be greater than 0"),
                c("float rendered as Go", "n", "{type: 'integer', maximum: 10}", "1000000.5",
                        "spec.n: Invalid value: \"number\": spec.n in body must be of type integer: \"number\"",
                        "spec.n: Invalid value: 1.0000005e+06: spec.n in body should be less than or equal to 10"),
                c("integral float is an integer", "n", "{type: 'integer'}", "5.0"),
                c("enum", "size", "{type: 'string', enum: ['a', 'b']}", "'x'",
                        "spec.size: Unsupported value: \"x\": supported values: \"a\", \"b\""),
                c("enum of numbers", "n", "{type: 'integer', enum: [1, 2]}", "3",
                        "spec.n: Unsupported value: 3: supported values: \"1\", \"2\""),
                c("enum ok", "size", "{type: 'string', enum: ['a', 'b']}", "'b'"),
                c("type", "replicas", "{type: 'integer'}", "'string'",
                        "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""),
                c("type object", "o", "{type: 'object'}", "[1]",
                        "spec.o: Invalid value: \"array\": spec.o in body must be of type object: \"array\""),
                c("null not nullable", "name", "{type: 'string'}", "null",
                        "spec.name: Invalid value: \"null\": spec.name in body must be of type string: \"null\""),
                c("null nullable", "name", "{type: 'string', nullable: true}", "null"),
                c("pattern", "name", "{type: 'string', pattern: '^[a-z]+$'}", "'AB'",
                        "spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"),
                c("pattern unanchored as Go", "name", "{type: 'string', pattern: '[a-z]'}", "'AbC'"),
                c("maxLength in runes", "name", "{type: 'string', maxLength: 3}", "'äöüß'",
                        "spec.name: Too long: may not be more than 3 bytes"),
                c("maxLength runes ok", "name", "{type: 'string', maxLength: 3}", "'äöü'"),
                c("minLength", "name", "{type: 'string', minLength: 2}", "'a'",
                        "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long"),
                c("minItems", "list", "{type: 'array', items: {type: 'string'}, minItems: 2}", "['a']",
                        "spec.list: Invalid value: 1: spec.list in body should have at least 2 items"),
                c("uniqueItems", "list", "{type: 'array', items: {type: 'integer'}, uniqueItems: true}", "[1, 2, 1]",
                        "spec.list: Invalid value: \"\": spec.list in body shouldn't contain duplicates"),
                c("items", "list", "{type: 'array', items: {type: 'integer'}}", "[1, 'a']",
                        "spec.list[1]: Invalid value: \"string\": spec.list[1] in body must be of type integer: \"string\""),
                c("minProperties", "m", "{type: 'object', minProperties: 2, additionalProperties: {type: 'string'}}", "{a: 'x'}",
                        "spec.m: Invalid value: 1: spec.m in body should have at least 2 properties"),
                c("multipleOf integer", "n", "{type: 'integer', multipleOf: 3}", "7",
                        "spec.n: Invalid value: 7: spec.n in body should be a multiple of 3"),
                c("multipleOf number", "n", "{type: 'number', multipleOf: 0.5}", "0.7",
                        "spec.n: Invalid value: 0.7: spec.n in body should be a multiple of 0.5"),
                c("multipleOf ok", "n", "{type: 'number', multipleOf: 0.1}", "0.3"),
                c("format", "d", "{type: 'string', format: 'date'}", "'2020-13-01'",
                        "spec.d: Invalid value: \"2020-13-01\": spec.d in body must be of type date: \"2020-13-01\""),
                c("format ok", "d", "{type: 'string', format: 'date-time'}", "'2020-12-01T10:00:00Z'"),
                c("unknown format ignored", "d", "{type: 'string', format: 'foo'}", "'x'"),
                c("int32 is not checked, as kube strips it", "n", "{type: 'integer', format: 'int32'}", "99999999999"),
                c("int-or-string int", "port", "{x-kubernetes-int-or-string: true}", "80"),
                c("int-or-string string", "port", "{x-kubernetes-int-or-string: true}", "'http'"),
                c("int-or-string bool", "port", "{x-kubernetes-int-or-string: true}", "true",
                        "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\""),
                c("additionalProperties", "m", "{type: 'object', additionalProperties: {type: 'integer'}}", "{a: 'x'}",
                        "spec.m.a: Invalid value: \"string\": spec.m.a in body must be of type integer: \"string\""),
                c("additionalProperties false", "m", "{type: 'object', additionalProperties: false}", "{a: 1}",
                        "spec.m: Invalid value: \"a\": spec.m.a in body is a forbidden property"),
                c("required", "o", "{type: 'object', required: ['name'], properties: {name: {type: 'string'}}}", "{}",
                        "spec.o.name: Required value"),
                c("anyOf", "s", "{type: 'string', anyOf: [{pattern: '^a'}, {pattern: '^b'}]}", "'c'",
                        "<nil>: Invalid value: \"\": \"spec.s\" must validate at least one schema (anyOf)",
                        "spec.s: Invalid value: \"c\": spec.s in body should match '^a'"),
                c("anyOf ok", "s", "{type: 'string', anyOf: [{pattern: '^a'}, {pattern: '^b'}]}", "'b'"),
                c("oneOf none", "s", "{type: 'string', oneOf: [{maxLength: 1}, {maxLength: 2}]}", "'abc'",
                        "<nil>: Invalid value: \"\": \"spec.s\" must validate one and only one schema (oneOf). Found none valid",
                        "spec.s: Too long: may not be more than 1 bytes"),
                c("oneOf two", "s", "{type: 'string', oneOf: [{maxLength: 1}, {maxLength: 2}]}", "'a'",
                        "<nil>: Invalid value: \"\": \"spec.s\" must validate one and only one schema (oneOf). Found 2 valid alternatives"),
                c("allOf", "s", "{type: 'string', allOf: [{minLength: 2}, {maxLength: 3}]}", "'abcd'",
                        "spec.s: Too long: may not be more than 3 bytes",
                        "<nil>: Invalid value: \"\": \"spec.s\" must validate all the schemas (allOf)"),
                c("not", "s", "{type: 'string', not: {enum: ['x']}}", "'x'",
                        "<nil>: Invalid value: \"\": \"spec.s\" must not validate the schema (not)"),
                c("list-type set", "tags", "{type: 'array', x-kubernetes-list-type: 'set', items: {type: 'string'}}", "['a', 'b', 'a', 'a']",
                        "spec.tags[2]: Duplicate value: \"a\""),
                c("list-type map", "ports", "{type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['name'],"
                                + " items: {type: 'object', required: ['name'], properties: {name: {type: 'string'}, v: {type: 'integer'}}}}",
                        "[{name: 'a', v: 1}, {name: 'b'}, {name: 'a', v: 2}]",
                        "spec.ports[2]: Duplicate value: map[string]interface {}{\"name\":\"a\"}"),
                c("list-type map not objects", "ports", "{type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['name'],"
                                + " items: {x-kubernetes-preserve-unknown-fields: true}}", "[1]",
                        "spec.ports[0]: Invalid value: 1: must be an object for an array of list-type map"),
                c("embedded resource", "template", "{type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}", "{}",
                        "spec.template.apiVersion: Required value: must not be empty",
                        "spec.template.kind: Required value: must not be empty"),
                c("embedded resource ok", "template", "{type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}",
                        "{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'x'}}"),
                c("embedded bad kind", "template", "{type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}",
                        "{apiVersion: 'a/b/c', kind: 5}",
                        "spec.template.apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion string: a/b/c",
                        "spec.template.kind: Invalid value: 5: must be a string"),
                c("embedded metadata", "template", "{type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}",
                        "{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a/b', namespace: 'Bad_NS', labels: {'bad key!': 'x'}}}",
                        "spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'",
                        "spec.template.metadata.namespace: Invalid value: \"Bad_NS\": a lowercase RFC 1123 label must "
                                + "consist of lower case alphanumeric characters or '-', and must start and end with an "
                                + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                        "spec.template.metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric "
                                + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                                + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
                c("embedded metadata without a name", "template", "{type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}",
                        "{apiVersion: 'v1', kind: 'Pod', metadata: {labels: {app: 'x'}}}"),
                c("map-type accepted", "o", "{type: 'object', x-kubernetes-map-type: 'atomic', properties: {a: {type: 'string'}}}", "{a: 'x'}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validatesLikeKube(String name, String schema, String object, List<String> expected) {
        List<FieldError> errors = new CustomResourceValidator(J.json(schema)).validate(J.json(object));
        assertThat(J.lines(errors)).containsExactlyElementsOf(expected);
    }

    @Test
    void rootRequiredHasNoLeadingDot() {
        var v = new CustomResourceValidator(J.json("{type: 'object', required: ['spec'], properties: {spec: {type: 'object'}}}"));
        assertThat(J.lines(v.validate(J.json("{}")))).containsExactly("spec: Required value");
    }

    @Test
    void tooManyItemsAndPropertiesAreKubesTooMany() {
        var v = new CustomResourceValidator(J.json(spec("l", "{type: 'array', items: {type: 'string'}, maxItems: 1}")));
        FieldError e = v.validate(J.json("{spec: {l: ['a', 'b']}}")).getFirst();
        assertThat(e.type()).isEqualTo(FieldError.Type.TOO_MANY);
        assertThat(e.field()).isEqualTo("spec.l");
        assertThat(e.badValue()).isEqualTo(2L);
        assertThat(e.detail()).isEqualTo("must have at most 1 item");

        var m = new CustomResourceValidator(J.json(spec("m", "{type: 'object', maxProperties: 2, additionalProperties: {type: 'string'}}")));
        FieldError p = m.validate(J.json("{spec: {m: {a: 'x', b: 'y', c: 'z'}}}")).getFirst();
        assertThat(p.type()).isEqualTo(FieldError.Type.TOO_MANY);
        assertThat(p.badValue()).isEqualTo(3L);
        assertThat(p.detail()).isEqualTo("must have at most 2 items");
    }

    @Test
    void anInvalidPatternIsReportedNotThrown() {
        var v = new CustomResourceValidator(J.json(spec("s", "{type: 'string', pattern: '('}")));
        assertThat(J.lines(v.validate(J.json("{spec: {s: 'x'}}")))).singleElement().asString()
                .startsWith("spec.s: Invalid value: \"x\": spec.s in body should match '(, but pattern is invalid: ");
    }

    @Test
    void aCatastrophicPatternEndsAsNoMatch() {
        var v = new CustomResourceValidator(J.json(spec("s", "{type: 'string', pattern: '^(a+)+$'}")));
        long start = System.nanoTime();
        List<FieldError> errors = v.validate(J.json("{spec: {s: '" + "a".repeat(40) + "!'}}"));
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        assertThat(errors).hasSize(1);
    }

    /**
     * Patterns run on RE2's engine, as Go's regexp (linear time): 2,000 strings against {@code (.*a){12}$}, which
     * a backtracking engine took 72 s of CPU for (and then counted as not matching however they ended), are
     * judged at once, and RE2's answers are exact.
     */
    @Test
    void patternsTakeLinearTimeOverManyValues() {
        var v = new CustomResourceValidator(J.json(spec("l",
                "{type: 'array', items: {type: 'string', pattern: '(.*a){12}$'}}")));
        String items = ("'" + "a".repeat(30) + "!',").repeat(2_000) + "'" + "ba".repeat(15) + "'";
        long start = System.nanoTime();
        List<FieldError> errors = v.validate(J.json("{spec: {l: [" + items + "]}}"));
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        assertThat(errors).hasSize(2_000); // every item but the last, which ends in its twelfth 'a'
    }

    @Test
    void patternsHaveRe2sSyntax() {
        var possessive = new CustomResourceValidator(J.json(spec("s", "{type: 'string', pattern: 'a*+'}")));
        assertThat(J.lines(possessive.validate(J.json("{spec: {s: 'x'}}")))).singleElement().asString()
                .contains("but pattern is invalid: error parsing regexp: invalid nested repetition operator: `*+`");
        var digits = new CustomResourceValidator(J.json(spec("s", "{type: 'string', pattern: '^\\\\d+$'}")));
        assertThat(digits.validate(J.json("{spec: {s: '123'}}"))).isEmpty();
        assertThat(digits.validate(J.json("{spec: {s: '12a'}}"))).hasSize(1);
    }
}
