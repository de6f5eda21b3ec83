package dev.kapi.apiserver.api.selection;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each hand-written rule answers as apimachinery's regex does, on chosen and on random strings. */
class NameSyntaxTest {

    record Rule(String name, String regex, Predicate<String> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rule> rules() {
        String label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
        return Stream.of(
                new Rule("qualified name", "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", NameSyntax::isQualifiedName),
                new Rule("DNS-1123 label", label, NameSyntax::isDns1123Label),
                new Rule("DNS-1123 subdomain", label + "(\\." + label + ")*", NameSyntax::isDns1123Subdomain),
                new Rule("DNS-1035 label", "[a-z]([-a-z0-9]*[a-z0-9])?", NameSyntax::isDns1035Label),
                new Rule("ConfigMap key", "[-._a-zA-Z0-9]+", NameSyntax::isConfigMapKey));
    }

    static final List<String> CHOSEN = List.of("", "a", "A", "0", "-", "_", ".", "a-", "-a", "a.b", "a..b", "a.", ".a",
            "my-name", "My_Name.x", "a_b", "abc-123", "example.com", "x.example.com", "a-.b", "a.-b", "é", "aé",
            "a\n", "a b", "a/b", "ab-cd-ef", "Ab", "aB", "a1.b2.c3", "1a", "a1", "--", "a--b", "..", "a.b.");

    @ParameterizedTest
    @MethodSource("rules")
    void answersAsTheRegex(Rule rule) {
        Pattern regex = Pattern.compile(rule.regex());
        List<String> values = new ArrayList<>(CHOSEN);
        Random random = new Random(42);
        String alphabet = "aZ09-_./é ";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int len = random.nextInt(7); len > 0; len--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(s.toString());
        }
        for (String v : values) {
            assertThat(rule.check().test(v)).as("%s of \"%s\"", rule.name(), v).isEqualTo(regex.matcher(v).matches());
        }
    }
}
