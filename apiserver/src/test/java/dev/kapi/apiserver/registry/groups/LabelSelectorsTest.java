package dev.kapi.apiserver.registry.groups;

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

class LabelSelectorsTest {

    static Stream<Arguments> selectorStrings() {
        return Stream.of(
                Arguments.of(null, "", "<none>"),
                Arguments.of(new LabelSelector(), "", "<none>"),
                Arguments.of(new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), "app=web", "app=web"),
                Arguments.of(new LabelSelectorBuilder().addToMatchLabels("tier", "x").addToMatchLabels("app", "web")
                        .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "dev").endMatchExpression()
                        .build(), "app=web,env in (dev,prod),tier=x", "app=web,env in (dev,prod),tier=x"),
                Arguments.of(new LabelSelectorBuilder()
                        .addNewMatchExpression().withKey("b").withOperator("NotIn").withValues("z", "y").endMatchExpression()
                        .addNewMatchExpression().withKey("a").withOperator("Exists").endMatchExpression()
                        .addNewMatchExpression().withKey("c").withOperator("DoesNotExist").endMatchExpression()
                        .build(), "a,b notin (y,z),!c", "a,b notin (y,z),!c"));
    }

    @ParameterizedTest
    @MethodSource("selectorStrings")
    void rendersKubeSelectorString(LabelSelector selector, String string, String formatted) {
        assertThat(LabelSelectors.toSelectorString(selector)).isEqualTo(string);
        assertThat(LabelSelectors.format(selector)).isEqualTo(formatted);
    }

    static Stream<Arguments> matching() {
        LabelSelector sel = new LabelSelectorBuilder().addToMatchLabels("app", "web")
                .addNewMatchExpression().withKey("tier").withOperator("In").withValues("a", "b").endMatchExpression()
                .addNewMatchExpression().withKey("canary").withOperator("DoesNotExist").endMatchExpression().build();
        return Stream.of(
                Arguments.of(sel, Map.of("app", "web", "tier", "a"), true),
                Arguments.of(sel, Map.of("app", "web", "tier", "c"), false),
                Arguments.of(sel, Map.of("app", "web", "tier", "a", "canary", "1"), false),
                Arguments.of(sel, Map.of("app", "db", "tier", "a"), false),
                Arguments.of(new LabelSelector(), Map.of(), true),
                Arguments.of(null, Map.of("app", "web"), false));
    }

    @ParameterizedTest
    @MethodSource("matching")
    void matchesLabels(LabelSelector selector, Map<String, String> labels, boolean expected) {
        assertThat(LabelSelectors.matches(selector, labels)).isEqualTo(expected);
    }

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
        assertThat(LabelSelectors.validate(selector, "spec.selector")).map(FieldError::toString)
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
