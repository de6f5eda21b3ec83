package dev.kapi.apiserver.registry.apiextensions.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StructuralSchemaCheckTest {

    private static final String P = "spec.versions[0].schema.openAPIV3Schema";

    /** A root object schema with the given properties. */
    private static String root(String properties) {
        return "{type: 'object', properties: {" + properties + "}}";
    }

    private static Arguments c(String name, String schema, String... expected) {
        return arguments(name, schema, List.of(expected));
    }

    static Stream<Arguments> cases() {
        String mapList = "l: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['name'],"
                + " items: {type: 'object', required: ['name'], properties: {name: {type: 'string'}}}}";
        return Stream.of(
                c("a good schema", root("spec: {type: 'object', properties: {replicas: {type: 'integer', minimum: 0, default: 1},"
                        + " ports: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['name'],"
                        + " items: {type: 'object', required: ['name'], properties: {name: {type: 'string'}}}},"
                        + " tags: {type: 'array', x-kubernetes-list-type: 'set', items: {type: 'string'}},"
                        + " labels: {type: 'object', additionalProperties: {type: 'string'}},"
                        + " port: {x-kubernetes-int-or-string: true, anyOf: [{type: 'integer'}, {type: 'string'}]},"
                        + " any: {x-kubernetes-preserve-unknown-fields: true},"
                        + " template: {type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}},"
                        + " x-kubernetes-validations: [{rule: 'self.replicas >= 0'}]},"
                        + " metadata: {type: 'object', properties: {name: {type: 'string', maxLength: 10}}}")),
                c("type missing on a field", root("spec: {properties: {a: {type: 'string'}}}"),
                        P + ".properties[spec].type: Required value: must not be empty for specified object fields"),
                c("type missing at the root", "{properties: {a: {type: 'string'}}}",
                        P + ".type: Required value: must not be empty at the root"),
                c("root not an object", "{type: 'string'}", P + ".type: Invalid value: \"string\": must be object at the root"),
                c("array without items", root("l: {type: 'array'}"), P + ".properties[l].items: Required value: must be specified"),
                c("items without type", root("l: {type: 'array', items: {}}"),
                        P + ".properties[l].items.type: Required value: must not be empty for specified array items"),
                c("$ref", root("spec: {$ref: '#/definitions/x'}"), P + ".properties[spec].$ref: Forbidden: $ref is not supported"),
                c("$schema", "{type: 'object', $schema: 'http://json-schema.org/draft-04/schema#'}",
                        P + ": Invalid value: \"\": $schema is unsupported"),
                c("items as an array", root("l: {type: 'array', items: [{type: 'string'}]}"),
                        P + ".properties[l].items: Forbidden: items must be a schema object and not an array"),
                c("additionalProperties with properties", root("spec: {type: 'object', properties: {a: {type: 'string'}},"
                        + " additionalProperties: {type: 'string'}}"),
                        P + ".properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"),
                c("additionalProperties at the root", "{type: 'object', additionalProperties: {type: 'string'}}",
                        P + ".additionalProperties: Forbidden: must not be used at the root"),
                c("preserve-unknown-fields false", root("spec: {type: 'object', x-kubernetes-preserve-unknown-fields: false}"),
                        P + ".properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined"),
                c("int-or-string with other anyOf types", root("p: {x-kubernetes-int-or-string: true, anyOf: [{type: 'integer'}, {type: 'boolean'}]}"),
                        P + ".properties[p].anyOf[0].type: Forbidden: must be empty to be structural",
                        P + ".properties[p].anyOf[1].type: Forbidden: must be empty to be structural"),
                c("int-or-string and preserve", root("p: {x-kubernetes-int-or-string: true, x-kubernetes-preserve-unknown-fields: true}"),
                        P + ".properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true"),
                c("metadata restricting more than name", root("metadata: {type: 'object', properties: {labels: {type: 'object'}}}"),
                        P + ".properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"),
                c("nested property only in allOf", "{type: 'object', properties: {a: {type: 'string'}}, allOf: [{properties: {b: {maxLength: 3}}}]}",
                        P + ".properties[b]: Required value: because it is defined in " + P + ".allOf[0].properties[b]"),
                c("type inside allOf", root("s: {type: 'string', allOf: [{type: 'string'}]}"),
                        P + ".properties[s].allOf[0].type: Forbidden: must be empty to be structural"),
                c("metadata inside a junctor", "{type: 'object', properties: {metadata: {type: 'object'}}, anyOf: [{properties: {metadata: {}}}]}",
                        P + ".anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context"),
                c("list-type map without keys", root("l: {type: 'array', x-kubernetes-list-type: 'map', items: {type: 'object', properties: {name: {type: 'string'}}}}"),
                        P + ".properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"),
                c("list map key neither required nor defaulted", root(mapList.replace("required: ['name'], ", "")),
                        P + ".properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"),
                c("list map key not a property", root(mapList.replace("['name'],", "['id'],")),
                        P + ".properties[l].x-kubernetes-list-map-keys: Invalid value: []string{\"id\"}: entries must all be names of item properties"),
                c("list map items not objects", root("l: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['a'], items: {type: 'string'}}"),
                        P + ".properties[l].items.type: Invalid value: \"string\": must be object if parent array's x-kubernetes-list-type is map"),
                c("list-type unknown", root("l: {type: 'array', x-kubernetes-list-type: 'foo', items: {type: 'string'}}"),
                        P + ".properties[l].x-kubernetes-list-type: Unsupported value: \"foo\": supported values: \"atomic\", \"set\", \"map\""),
                c("list-type on an object", root("o: {type: 'object', x-kubernetes-list-type: 'set'}"),
                        P + ".properties[o].type: Invalid value: \"object\": must be array if x-kubernetes-list-type is specified"),
                c("list-map-keys without list type", root("l: {type: 'array', x-kubernetes-list-map-keys: ['a'], items: {type: 'object', properties: {a: {type: 'string'}}}}"),
                        P + ".properties[l].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty"),
                c("set of granular objects", root("l: {type: 'array', x-kubernetes-list-type: 'set', items: {type: 'object'}}"),
                        P + ".properties[l].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set"),
                c("map-type unknown", root("o: {type: 'object', x-kubernetes-map-type: 'x'}"),
                        P + ".properties[o].x-kubernetes-map-type: Unsupported value: \"x\": supported values: \"atomic\", \"granular\""),
                c("map-type on a string", root("s: {type: 'string', x-kubernetes-map-type: 'atomic'}"),
                        P + ".properties[s].type: Invalid value: \"string\": must be object if x-kubernetes-map-type is specified"),
                c("uniqueItems", root("l: {type: 'array', uniqueItems: true, items: {type: 'string'}}"),
                        P + ".properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic"),
                c("nullable root", "{type: 'object', nullable: true}", P + ".nullable: Forbidden: nullable cannot be true at the root"),
                c("default in top-level metadata", root("metadata: {type: 'object', default: {name: 'x'}}"),
                        P + ".properties[metadata].default: Forbidden: must not be set in top-level metadata"),
                c("default that does not validate", root("spec: {type: 'object', properties: {replicas: {type: 'integer', maximum: 10, default: 20}}}"),
                        P + ".properties[spec].properties[replicas].default: Invalid value: 20:  in body should be less than or equal to 10"),
                c("default of the wrong type", root("s: {type: 'string', default: 5}"),
                        P + ".properties[s].default: Invalid value: \"integer\":  in body must be of type string: \"integer\""),
                c("default with unknown fields", root("spec: {type: 'object', properties: {a: {type: 'string'}}, default: {a: 'x', b: 1}}"),
                        P + ".properties[spec].default: Invalid value: map[string]interface {}{\"a\":\"x\", \"b\":1}: must not have unknown fields"),
                c("type null", root("n: {type: 'null'}"),
                        P + ".properties[n].type: Unsupported value: \"null\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
                        P + ".properties[n].type: Forbidden: type cannot be set to null, use nullable as an alternative"),
                c("embedded resource not an object", root("e: {x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}"),
                        P + ".properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true"),
                c("embedded resource without properties", root("e: {type: 'object', x-kubernetes-embedded-resource: true}"),
                        P + ".properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"),
                c("structural errors are sorted", root("b: {}, a: {}"),
                        P + ".properties[a].type: Required value: must not be empty for specified object fields",
                        P + ".properties[b].type: Required value: must not be empty for specified object fields"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checksLikeKube(String name, String schema, List<String> expected) {
        assertThat(J.lines(StructuralSchemaCheck.check(J.json(schema), P))).containsExactlyElementsOf(expected);
    }

    @Test
    void anInvalidPatternIsReported() {
        assertThat(J.lines(StructuralSchemaCheck.check(J.json(root("s: {type: 'string', pattern: '('}")), P)))
                .singleElement().asString()
                .startsWith(P + ".properties[s].pattern: Invalid value: \"(\": must be a valid regular expression, but isn't: ");
    }

    /** Go's regexp (RE2) decides what a valid pattern is: Java's possessive quantifiers and lookaheads are not. */
    @Test
    void aPatternMustBeValidForRe2() {
        assertThat(J.lines(StructuralSchemaCheck.check(J.json(root("s: {type: 'string', pattern: '(?=a)b'}")), P)))
                .singleElement().asString()
                .isEqualTo(P + ".properties[s].pattern: Invalid value: \"(?=a)b\": must be a valid regular "
                        + "expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    }
}
