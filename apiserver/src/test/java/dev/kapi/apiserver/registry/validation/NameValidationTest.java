package dev.kapi.apiserver.registry.validation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class NameValidationTest {

    static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
            + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    static final String LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
            + "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
            + "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    static final String DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
            + "start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    static final String NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and "
            + "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
            + "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
            + "or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    static Stream<Arguments> cases() {
        Function<String, List<String>> sub = NameValidation::dns1123Subdomain;
        Function<String, List<String>> label = NameValidation::dns1123Label;
        Function<String, List<String>> d1035 = NameValidation::dns1035Label;
        Function<String, List<String>> path = NameValidation::pathSegmentName;
        Function<String, List<String>> qn = NameValidation::qualifiedName;
        Function<String, List<String>> lv = NameValidation::labelValue;
        Function<String, List<String>> key = NameValidation::configMapKey;
        return Stream.of(
                Arguments.of(sub, "my.app-1", List.of()),
                Arguments.of(sub, "My_App", List.of(SUBDOMAIN_MSG)),
                Arguments.of(sub, "a".repeat(254), List.of("must be no more than 253 characters")),
                Arguments.of(label, "web-1", List.of()),
                Arguments.of(label, "a.b", List.of("must not contain dots")),
                Arguments.of(label, "-x", List.of(LABEL_MSG)),
                Arguments.of(label, "a".repeat(64), List.of("must be no more than 63 characters")),
                Arguments.of(d1035, "web", List.of()),
                Arguments.of(d1035, "1web", List.of(DNS1035_MSG)),
                Arguments.of(path, "system:admin", List.of()),
                Arguments.of(path, "..", List.of("may not be '..'")),
                Arguments.of(path, "a/b%c", List.of("may not contain '/'", "may not contain '%'")),
                Arguments.of(qn, "example.com/My_Name.1", List.of()),
                Arguments.of(qn, "app", List.of()),
                Arguments.of(qn, "-app", List.of(NAME_PART_MSG)),
                Arguments.of(qn, "/app", List.of("prefix part must be non-empty")),
                Arguments.of(qn, "example.com/", List.of("name part must be non-empty", NAME_PART_MSG)),
                Arguments.of(qn, "Example.com/app", List.of("prefix part " + SUBDOMAIN_MSG)),
                Arguments.of(qn, "a".repeat(64), List.of("name part must be no more than 63 characters")),
                Arguments.of(lv, "", List.of()),
                Arguments.of(lv, "v1.2_x", List.of()),
                Arguments.of(lv, "bad value", List.of(LABEL_VALUE_MSG)),
                Arguments.of(key, "config.yaml", List.of()),
                Arguments.of(key, "..data", List.of("must not start with '..'")),
                Arguments.of(key, "a/b", List.of("a valid config key must consist of alphanumeric characters, '-', "
                        + "'_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation "
                        + "is '[-._a-zA-Z0-9]+')")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void messagesAreKubes(Function<String, List<String>> rule, String value, List<String> expected) {
        assertThat(rule.apply(value)).containsExactlyElementsOf(expected);
    }
}
