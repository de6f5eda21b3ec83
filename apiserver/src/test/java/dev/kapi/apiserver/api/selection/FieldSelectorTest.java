package dev.kapi.apiserver.api.selection;

import dev.kapi.apiserver.api.StatusError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {

    /** Fields written as "k:v;k2:v2" (':' since '=' and ',' are selector syntax). */
    static Map<String, String> fields(String s) {
        Map<String, String> m = new HashMap<>();
        if (s != null && !s.isEmpty()) {
            for (String kv : s.split(";")) {
                String[] p = kv.split(":", 2);
                m.put(p[0], p[1]);
            }
        }
        return m;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // selector | canonical | fields | matches | exact metadata.name
            "''|''|metadata.name:a|true|NULL",
            "metadata.name=a|metadata.name=a|metadata.name:a|true|a",
            "metadata.name==a|metadata.name=a|metadata.name:b|false|a",
            "metadata.name!=a|metadata.name!=a|metadata.name:b|true|NULL",
            "status.phase!=Running,metadata.name=p|metadata.name=p,status.phase!=Running|metadata.name:p;status.phase:Pending|true|p",
            "status.phase!=Running,metadata.name=p|metadata.name=p,status.phase!=Running|metadata.name:p;status.phase:Running|false|p",
            "spec.nodeName=|spec.nodeName=|''|true|NULL",
            "spec.nodeName=,|spec.nodeName=|spec.nodeName:n1|false|NULL",
            "a=x\\,y|a=x\\,y|a:x,y|true|NULL",
            "a=x\\=y\\\\|a=x\\=y\\\\|a:x=y\\|true|NULL"})
    void parsesAndMatches(String selector, String canonical, String fields, boolean matches, String exactName) {
        FieldSelector s = FieldSelector.parse(selector);
        assertThat(s.toString()).isEqualTo(canonical);
        assertThat(s.matches(fields(fields))).isEqualTo(matches);
        assertThat(s.exactMatch("metadata.name")).isEqualTo(exactName);
        assertThat(s.isEmpty()).isEqualTo(canonical.isEmpty());
        assertThat(FieldSelector.parse(s.toString()).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "abc|invalid selector: 'abc'; can't understand 'abc'",
            "a=b,c|invalid selector: 'a=b,c'; can't understand 'c'",
            "a=b\\x|invalid field selector: invalid escape sequence: \\x",
            "a=b\\|invalid field selector: invalid escape sequence: \\",
            "a!=b=c|invalid field selector: unescaped character in value: ="})
    void rejectsSyntax(String selector, String message) {
        assertThatThrownBy(() -> FieldSelector.parse(selector))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo("BadRequest");
                })
                .hasMessage(message);
    }

    @Test
    void requirementsAreSortedTerms() {
        FieldSelector s = FieldSelector.parse("b=2,a!=1");
        assertThat(s.requirements()).containsExactly(new FieldRequirement("a", false, "1"),
                new FieldRequirement("b", true, "2"));
    }

    @Test
    void validateFieldsRejectsUnsupportedWithKubeText() {
        Set<String> supported = Set.of("metadata.name", "metadata.namespace", "spec.nodeName");
        FieldSelector.parse("metadata.name=a,spec.nodeName=n").validateFields(supported, "Pod");
        assertThatThrownBy(() -> FieldSelector.parse("metadata.name=a,spec.foo=bar").validateFields(supported, "Pod"))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("field label not supported: spec.foo");
    }
}
