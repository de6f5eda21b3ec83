package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LabelSelectorValidationTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(new LabelSelectorBuilder().addNewMatchExpression().withKey("a").withOperator("In")
                                .endMatchExpression().build(),
                        List.of("spec.selector.matchExpressions[0].values: Required value: must be specified when "
                                + "`operator` is 'In' or 'NotIn'")),
                Arguments.of(new LabelSelectorBuilder().addNewMatchExpression().withKey("a").withOperator("Exists")
                                .withValues("x").endMatchExpression().build(),
                        List.of("spec.selector.matchExpressions[0].values: Forbidden: may not be specified when "
                                + "`operator` is 'Exists' or 'DoesNotExist'")),
                Arguments.of(new LabelSelectorBuilder().addNewMatchExpression().withKey("a").withOperator("Is")
                                .endMatchExpression().build(),
                        List.of("spec.selector.matchExpressions[0].operator: Invalid value: \"Is\": not a valid "
                                + "selector operator")),
                Arguments.of(new LabelSelectorBuilder().addToMatchLabels("app", "-bad").build(),
                        List.of("spec.selector.matchLabels: Invalid value: \"-bad\": a valid label must be an empty "
                                + "string or consist of alphanumeric characters, '-', '_' or '.', and must start and "
                                + "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                                + "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")),
                Arguments.of(new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), List.of()));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void validatesWithKubeMessages(LabelSelector selector, List<String> expected) {
        assertThat(LabelSelectorValidation.validate(selector, "spec.selector")).map(FieldError::toString)
                .containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @MethodSource("goValues")
    void printsGoValues(Object printed, String expected) {
        assertThat(printed.toString()).isEqualTo(expected);
    }

    static Stream<Arguments> goValues() {
        return Stream.of(
                Arguments.of(GoValues.stringMap(Map.of("b", "2", "a", "1")), "map[string]string{\"a\":\"1\", \"b\":\"2\"}"),
                Arguments.of(GoValues.stringMap(null), "map[string]string(nil)"),
                Arguments.of(GoValues.labelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "nginx2").build()),
                        "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"nginx2\"}, "
                                + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"));
    }
}
