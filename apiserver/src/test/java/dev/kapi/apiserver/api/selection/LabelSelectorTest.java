package dev.kapi.apiserver.api.selection;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    static final String NAME_REGEX = "name part must consist of alphanumeric characters, '-', '_' or '.', and must "
            + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
            + "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    static final String VALUE_REGEX = "a valid label must be an empty string or consist of alphanumeric characters, "
            + "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    /** Labels written as "k=v;k2=v2". */
    static Map<String, String> labels(String s) {
        Map<String, String> m = new HashMap<>();
        if (s != null && !s.isEmpty()) {
            for (String kv : s.split(";")) {
                String[] p = kv.split("=", 2);
                m.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        return m;
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // selector | canonical | labels | matches
            "''|''|a=b|true",
            "a=b|a=b|a=b|true",
            "a=b|a=b|a=c|false",
            "a=b|a=b|''|false",
            "a==b|a==b|a=b|true",
            "a!=b|a!=b|a=c|true",
            "a!=b|a!=b|''|true",
            "a!=b|a!=b|a=b|false",
            "a in (y,x)|a in (x,y)|a=x|true",
            "a in (x,y)|a in (x,y)|a=z|false",
            "a in (x,y)|a in (x,y)|''|false",
            "a notin (x)|a notin (x)|''|true",
            "a notin (x)|a notin (x)|a=x|false",
            "a|a|a=|true",
            "a|a|b=c|false",
            "!a|!a|b=c|true",
            "!a|!a|a=1|false",
            "'  b = 2 ,   a  in ( x , y ) '|a in (x,y),b=2|a=x;b=2|true",
            "b=2,a=x|a=x,b=2|a=x;b=3|false",
            "a=|a=|a=|true",
            "a=,b|a=,b|a=;b=1|true",
            "a in ()|a in ()|a=|true",
            "a in (,x)|a in (,x)|a=|true",
            "x>5|x>5|x=6|true",
            "x>5|x>5|x=5|false",
            "x<5|x<5|x=abc|false",
            "example.com/app=web|example.com/app=web|example.com/app=web|true",
            "in=notin|in=notin|in=notin|true",
            "a in (in,notin)|a in (in,notin)|a=notin|true"})
    void parsesAndMatches(String selector, String canonical, String labels, boolean matches) {
        LabelSelector s = LabelSelector.parse(selector);
        assertThat(s.toString()).isEqualTo(canonical);
        assertThat(s.matches(labels(labels))).isEqualTo(matches);
        assertThat(LabelSelector.parse(s.toString()).toString()).as("canonical form reparses").isEqualTo(canonical);
        assertThat(s.isEmpty()).isEqualTo(canonical.isEmpty());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "a=b=c|found '=', expected: ',' or 'end of string'",
            "a b|unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
            "!a b|found 'b', expected: ',' or 'end of string'",
            "a=b,|found '', expected: identifier after ','",
            ",a|found ',', expected: !, identifier, or 'end of string'",
            "=a|found '=', expected: !, identifier, or 'end of string'",
            "a in x|unable to parse requirement: found 'x' expected: '('",
            "a in (x|unable to parse requirement: found '', expected: ',' or ')'",
            "a in (x y)|unable to parse requirement: found 'y', expected: ',' or ')'",
            "a in (=)|unable to parse requirement: found '=', expected: ',', ')' or identifier",
            "a (x)|unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
            "a = (x)|unable to parse requirement: found '(', expected: identifier",
            "!=a|found '!=', expected: !, identifier, or 'end of string'",
            "! =a|unable to parse requirement: found '=', expected: identifier",
            "x>a|unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"})
    void rejectsSyntax(String selector, String message) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo("BadRequest");
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void rejectsInvalidKeyWithKubeText() {
        assertThatThrownBy(() -> LabelSelector.parse("-a=b")).hasMessage(
                "unable to parse requirement: <nil>: Invalid value: \"-a\": " + NAME_REGEX);
        assertThatThrownBy(() -> LabelSelector.parse("Example.com/a=b")).hasMessageStartingWith(
                "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC "
                        + "1123 subdomain must consist of lower case alphanumeric characters");
        assertThatThrownBy(() -> LabelSelector.parse("a".repeat(64))).hasMessage(
                "unable to parse requirement: <nil>: Invalid value: \"" + "a".repeat(64)
                        + "\": name part must be no more than 63 characters");
    }

    @Test
    void rejectsInvalidValueWithKubeText() {
        assertThatThrownBy(() -> LabelSelector.parse("a=b*c")).hasMessage(
                "unable to parse requirement: values[0][a]: Invalid value: \"b*c\": " + VALUE_REGEX);
    }

    @Test
    void fromObjectCombinesLabelsAndExpressions() {
        var obj = new LabelSelectorBuilder().withMatchLabels(Map.of("tier", "web", "app", "a"))
                .withMatchExpressions(new LabelSelectorRequirement("env", "In", List.of("prod", "dev")),
                        new LabelSelectorRequirement("gone", "DoesNotExist", List.of()),
                        new LabelSelectorRequirement("here", "Exists", null),
                        new LabelSelectorRequirement("zone", "NotIn", List.of("z1")))
                .build();
        LabelSelector s = LabelSelector.fromObject(obj);
        assertThat(s.toString()).isEqualTo("app=a,env in (dev,prod),!gone,here,tier=web,zone notin (z1)");
        assertThat(s.matches(labels("app=a;tier=web;env=dev;here=1"))).isTrue();
        assertThat(s.matches(labels("app=a;tier=web;env=dev;here=1;gone=x"))).isFalse();
        assertThat(s.matches(labels("app=a;tier=web;env=dev;here=1;zone=z1"))).isFalse();
        assertThat(s.matches(labels("app=a;tier=web;env=qa;here=1"))).isFalse();
    }

    @Test
    void fromObjectNullMatchesNothingAndEmptyEverything() {
        assertThat(LabelSelector.fromObject(null).matches(Map.of())).isFalse();
        assertThat(LabelSelector.fromObject(null).isEmpty()).isFalse();
        assertThat(LabelSelector.fromObject(new LabelSelectorBuilder().build()).matches(Map.of("a", "b"))).isTrue();
        assertThat(LabelSelector.fromObject(new LabelSelectorBuilder().build()).isEmpty()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Foo|a|x|\"Foo\" is not a valid label selector operator",
            "In|a|''|values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
            "Exists|a|x|values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist",
            "In|-a|x|key: Invalid value: \"-a\": " + NAME_REGEX})
    void fromObjectRejectsBadExpressions(String op, String key, String values, String message) {
        var obj = new LabelSelectorBuilder().withMatchExpressions(new LabelSelectorRequirement(key, op,
                values.isEmpty() ? List.of() : List.of(values.split(",")))).build();
        assertThatThrownBy(() -> LabelSelector.fromObject(obj))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage(message);
    }

    @Test
    void fromMatchLabelsIsSortedEquality() {
        assertThat(LabelSelector.fromMatchLabels(Map.of("b", "2", "a", "1")).toString()).isEqualTo("a=1,b=2");
    }

    static Stream<Arguments> objectStrings() {
        return Stream.of(
                Arguments.of(null, "", "<none>"),
                Arguments.of(new io.fabric8.kubernetes.api.model.LabelSelector(), "", "<none>"),
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
    @MethodSource("objectStrings")
    void printsObjectsAsKube(io.fabric8.kubernetes.api.model.LabelSelector obj, String string, String formatted) {
        assertThat(LabelSelector.fromObject(obj).toString()).isEqualTo(string);
        assertThat(LabelSelector.format(obj)).isEqualTo(formatted);
    }

    @Test
    void formatsAnInvalidObjectAsError() {
        assertThat(LabelSelector.format(new LabelSelectorBuilder().addNewMatchExpression().withKey("a")
                .withOperator("Is").endMatchExpression().build())).isEqualTo("<error>");
    }

    static Stream<Arguments> objectMatching() {
        var sel = new LabelSelectorBuilder().addToMatchLabels("app", "web")
                .addNewMatchExpression().withKey("tier").withOperator("In").withValues("a", "b").endMatchExpression()
                .addNewMatchExpression().withKey("canary").withOperator("DoesNotExist").endMatchExpression().build();
        return Stream.of(
                Arguments.of(sel, Map.of("app", "web", "tier", "a"), true),
                Arguments.of(sel, Map.of("app", "web", "tier", "c"), false),
                Arguments.of(sel, Map.of("app", "web", "tier", "a", "canary", "1"), false),
                Arguments.of(sel, Map.of("app", "db", "tier", "a"), false),
                Arguments.of(new io.fabric8.kubernetes.api.model.LabelSelector(), Map.of(), true),
                Arguments.of(null, Map.of("app", "web"), false));
    }

    @ParameterizedTest
    @MethodSource("objectMatching")
    void matchesObjects(io.fabric8.kubernetes.api.model.LabelSelector obj, Map<String, String> labels, boolean expected) {
        assertThat(LabelSelector.fromObject(obj).matches(labels)).isEqualTo(expected);
    }
}
