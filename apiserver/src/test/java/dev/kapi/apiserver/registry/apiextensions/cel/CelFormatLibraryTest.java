package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.compile;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.lines;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.runOnSpec;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code string.format}: cel-go's documented examples, each as a rule that must hold. */
class CelFormatLibraryTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "'%s-%d'.format([self.name, 1]) == 'web-1' && 'no-op'.format([]) == 'no-op'",
            "'%%%s%%'.format(['percent']) == '%percent%' && '%%%s'.format(['left']) == '%left'",
            "'%d %d %d, %s %s %s'.format([1, 2, 3, 'A', 'B', 'C']) == '1 2 3, A B C' && '%d'.format([uint(7)]) == '7'",
            "'%.3f'.format([1.2345]) == '1.234' && '%f'.format([2.5]) == '2.500000'",
            "'%.2f'.format([1234567.891]) == '1,234,567.89' && '%.1f'.format(['NaN']) == 'NaN'",
            "'%e'.format([2.71828]) == '2.718280\\u202f\\u00d7\\u202f10\\u2070\\u2070' && '%.6e'.format([1052.032911275]) == '1.052033\\u202f×\\u202f10⁰³'",
            "'%.1e'.format([-9.96]) == '-1.0\\u202f×\\u202f10⁰¹' && '%f'.format(['Infinity']) == '∞' && '%f'.format(['-Infinity']) == '-∞'",
            "'this is 5 in binary: %b'.format([5]) == 'this is 5 in binary: 101' && '%b'.format([uint(64)]) == '1000000' && '%b'.format([true]) == '1' && '%b'.format([-5]) == '-101'",
            "'%o'.format([11]) == '13' && '%o'.format([uint(8)]) == '10' && '%o'.format([-8]) == '-10'",
            "'%x'.format([30]) == '1e' && '%X'.format([30]) == '1E' && '%x'.format([-255]) == '-ff' && '%x'.format([uint(255)]) == 'ff'",
            "'%x'.format(['Hello world!']) == '48656c6c6f20776f726c6421' && '%X'.format([b'hi']) == '6869'",
            "'%s'.format([true]) == 'true' && '%s'.format([null]) == 'null' && '%s'.format([b'xyz']) == 'xyz' && '%s'.format([-4]) == '-4'",
            "'%s'.format([1.5]) == '1.5' && '%s'.format([1000000.0]) == '1e+06' && '%s'.format([123456.0]) == '123456' && '%s'.format([0.00001]) == '1e-05'",
            "'%s'.format([[1, 'a', 2.5, b'x', null]]) == '[1, \"a\", 2.500000, b\"x\", null]' && '%s'.format([{'b': 1, 'a': [true]}]) == '{\"a\":[true], \"b\":1}'",
            "'%s'.format([{1: 'value1', true: double('NaN')}]) == '{1:\"value1\", true:\"NaN\"}' && '%s'.format([56.8]) == '56.8'"})
    void functionHolds(String rule) {
        assertThat(run(rule)).isEmpty();
        assertThat(run("!(" + rule + ")")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "'%s %s'.format(['a']) == '' => index 1 out of range",
            "'%d'.format(['a']) == '' => error during formatting: decimal clause can only be used on integers, was given string",
            "'%f'.format([1]) == '' => error during formatting: fixed-point clause can only be used on doubles, was given int",
            "'%e'.format(['x']) == '' => error during formatting: scientific clause can only be used on doubles, was given string",
            "'%b'.format([1.5]) == '' => error during formatting: only integers and bools can be formatted as binary, was given double",
            "'%o'.format([true]) == '' => error during formatting: octal clause can only be used on integers, was given bool",
            "'%x'.format([[1]]) == '' => error during formatting: only integers, byte buffers, and strings can be formatted as hex, was given list",
            "'%q'.format([1]) == '' => could not parse formatting clause: unrecognized formatting clause \"q\"",
            "'%.f'.format([1.0]) == '' => could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing \"\": invalid syntax",
            "'%.3'.format([1.0]) == '' => could not parse formatting clause: error while parsing precision: could not find end of precision specifier",
            "'%'.format([1]) == '' => unexpected end of string"})
    void runtimeErrors(String ruleAndError) {
        String[] parts = ruleAndError.split(" => ");
        assertThat(run(parts[0])).containsExactly(
                "spec: Invalid value: \"object\": " + parts[1] + " evaluating rule: " + parts[0]);
    }

    @Test
    void onlyFormatArgumentsMayMixTypes() {
        assertThat(lines(compile(yaml("""
                type: object
                x-kubernetes-validations:
                - rule: "[1, 'a'].size() == 2 && '%s%d'.format(['a', 1]) == 'a1'"
                """)).errors())).containsExactly(
                "spec.validation.openAPIV3Schema.x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"[1, 'a'].size() == 2 && '%s%d'.format(['a', 1]) == 'a1'\", Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:5: expected type 'int' but found 'string'\n | [1, 'a'].size() == 2 && '%s%d'.format(['a', 1]) == 'a1'\n | ....^");
    }

    private static List<String> run(String rule) {
        return runOnSpec("""
                name: {type: string, maxLength: 32}
                """, "{spec: {name: web}}", rule);
    }

}
