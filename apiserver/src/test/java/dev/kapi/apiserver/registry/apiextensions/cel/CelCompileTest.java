package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.compile;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.lines;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.specSchema;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CRD-time errors of x-kubernetes-validations rules, in kube's words. */
class CelCompileTest {

    private static final String P = "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]";
    private static final String SPEC = """
            type: object
            properties:
              replicas: {type: integer}
              name: {type: string}
              items: {type: array, items: {type: string}}
            x-kubernetes-validations:
            """;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("- rule: self.replicas > 1", null),
                Arguments.of("- rule: self.nope == 1", P + ".rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.nope == 1\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 1\n | ....^"),
                Arguments.of("- rule: self.replicas > 'a'", P + ".rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas > 'a'\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:15: found no matching overload for '_>_' applied to '(int, string)'\n | self.replicas > 'a'\n | ..............^"),
                Arguments.of("- rule: 'self.replicas +'", P + ".rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas +\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:16: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | self.replicas +\n | ...............^"),
                Arguments.of("- rule: self.replicas", P + ".rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: cel expression must evaluate to a bool"),
                Arguments.of("- rule: '  '", P + ".rule: Required value: rule is not specified"),
                Arguments.of("- {rule: 'true', message: '  '}", P + ".message: Invalid value: \"  \": message must be non-empty if specified"),
                Arguments.of("- {rule: \"true\\n&& true\"}", P + ".message: Required value: message must be specified if rule contains line breaks"),
                Arguments.of("- {rule: 'true', messageExpression: 'self.replicas'}", P + ".messageExpression: Invalid value: apiextensions.ValidationRule{Rule:\"true\", Message:\"\", MessageExpression:\"self.replicas\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: messageExpression must evaluate to a string"),
                Arguments.of("- {rule: 'true', messageExpression: \"'a' +\"}", P + ".messageExpression: Invalid value: apiextensions.ValidationRule{Rule:\"true\", Message:\"\", MessageExpression:\"'a' +\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: messageExpression compilation failed: ERROR: <input>:1:6: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | 'a' +\n | .....^"),
                Arguments.of("- {rule: 'true', messageExpression: ' '}", P + ".messageExpression: Required value: messageExpression must be non-empty if specified"),
                Arguments.of("- {rule: 'true', reason: FieldValueNope}", P + ".reason: Unsupported value: \"FieldValueNope\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\""),
                Arguments.of("- {rule: 'true', fieldPath: '.nope'}", P + ".fieldPath: Invalid value: \".nope\": fieldPath must be a valid path: does not refer to a valid field"),
                Arguments.of("- {rule: 'true', fieldPath: 'name'}", P + ".fieldPath: Invalid value: \"name\": fieldPath must be a valid path: expected [ or . but got: name"),
                Arguments.of("- {rule: 'true', fieldPath: '.name'}", null),
                Arguments.of("- {rule: 'true', fieldPath: \"['name']\"}", null),
                Arguments.of("- rule: self.items.all(x, x.size() < 5)", null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void ruleErrors(String rules, String error) {
        CelValidation cel = compile(specSchema(SPEC + rules));
        if (error == null) {
            assertThat(cel.errors()).isEmpty();
        } else {
            assertThat(lines(cel.errors())).containsExactly(error);
        }
    }

    @Test
    void transitionRulesNeedACorrelatableOldValue() {
        CelValidation cel = compile(specSchema("""
                type: object
                properties:
                  atomic:
                    type: array
                    maxItems: 10
                    items: {type: object, properties: {a: {type: string}}, x-kubernetes-validations: [{rule: self == oldSelf}]}
                  keyed:
                    type: array
                    maxItems: 10
                    x-kubernetes-list-type: map
                    x-kubernetes-list-map-keys: [a]
                    items: {type: object, properties: {a: {type: string}}, x-kubernetes-validations: [{rule: self == oldSelf}]}
                  atomicMap:
                    type: object
                    x-kubernetes-map-type: atomic
                    maxProperties: 10
                    additionalProperties: {type: string, x-kubernetes-validations: [{rule: self == oldSelf}]}
                """));
        String base = "spec.validation.openAPIV3Schema.properties[spec].properties";
        assertThat(lines(cel.errors())).containsExactly(
                base + "[atomic].items.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema within " + base + "[atomic].items",
                base + "[atomicMap].additionalProperties.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema within " + base + "[atomicMap].additionalProperties");
    }

    @Test
    void estimatedCostOverTheRuleBudgetIsForbidden() {
        CelValidation cel = compile(specSchema("""
                type: array
                items: {type: string}
                x-kubernetes-validations:
                - rule: self.all(x, self.all(y, x == y || x != y))
                """));
        assertThat(lines(cel.errors())).contains(
                "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x",
                "spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x");
    }

    @Test
    void boundedListsFitTheBudget() {
        CelValidation cel = compile(specSchema("""
                type: array
                maxItems: 100
                items: {type: string, maxLength: 64}
                x-kubernetes-validations:
                - rule: self.all(x, self.all(y, x == y || x != y))
                """));
        assertThat(cel.errors()).isEmpty();
    }

    @Test
    void aSchemaWithoutRulesIsEmpty() {
        assertThat(compile(specSchema("type: object")).isEmpty()).isTrue();
        assertThat(compile(specSchema(SPEC + "- rule: 'true'")).isEmpty()).isFalse();
    }
}
