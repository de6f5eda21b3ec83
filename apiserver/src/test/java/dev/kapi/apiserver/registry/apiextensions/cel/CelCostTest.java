package dev.kapi.apiserver.registry.apiextensions.cel;

import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.compile;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.lines;
import static dev.kapi.apiserver.registry.apiextensions.cel.CelFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** The runtime cost limits: no rule can hold the server, whatever the object. */
class CelCostTest {

    private static JsonNode bigList(int n) {
        return yaml("{spec: {items: [" + IntStream.range(0, n).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")) + "]}}");
    }

    private static CelValidation rules(String rules) {
        // maxItems keeps the static estimate within budget; the objects below break it (the structural
        // validator would refuse them, but the CEL budget must hold on its own)
        CelValidation cel = compile(yaml("""
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      items: {type: array, maxItems: 10, items: {type: integer}}
                    x-kubernetes-validations:
                """ + rules.indent(4)));
        assertThat(cel.errors()).isEmpty();
        return cel;
    }

    @Test
    @Timeout(20)
    void aHugeNestedLoopStopsAtThePerCallLimit() {
        CelValidation cel = rules("""
                - rule: self.items.all(x, self.items.all(y, self.items.all(z, x + y + z >= 0)))
                - rule: 'false'
                """);
        long start = System.nanoTime();
        assertThat(lines(cel.validate(bigList(2000), null))).containsExactly(
                "spec: Invalid value: \"object\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: self.items.all(x, self.items.all(y, self.items.all(z, x + y + z >= 0)))");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @Timeout(5)
    void aReplaceChainStopsAtThePerCallLimitBeforeItBuildsItsString() {
        String k = "k".repeat(1000);
        String rule = "self.s.replace('', '" + k + "').replace('', '" + k + "').replace('', '" + k + "').size() > 0";
        CelValidation cel = compile(yaml("""
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      s: {type: string, maxLength: 10}
                    x-kubernetes-validations:
                    - rule: "%s"
                    - rule: 'false'
                """.formatted(rule)));
        assertThat(cel.errors()).isEmpty(); // the static estimate lets it through: the runtime limit must hold
        long start = System.nanoTime();
        assertThat(lines(cel.validate(yaml("{spec: {s: '0123456789'}}"), null))).containsExactly(
                "spec: Invalid value: \"object\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: "
                        + rule);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void rulesThatTogetherExceedTheObjectBudgetStop() {
        CelValidation cel = rules("""
                - rule: self.items.all(x, x >= 0)
                - rule: self.items.all(x, x >= 0)
                - rule: self.items.all(x, x >= 0)
                """);
        assertThat(cel.validate(bigList(100), null, 10_000)).isEmpty();
        assertThat(lines(cel.validate(bigList(1000), null, 10_000))).containsExactly(
                "spec: Invalid value: \"object\": validation failed due to running out of cost budget, no further validation rules will be run");
    }

    @Test
    void theDefaultBudgetAllowsOrdinaryObjects() {
        CelValidation cel = rules("- rule: self.items.all(x, self.items.exists(y, y == x))");
        assertThat(cel.validate(bigList(10), null)).isEmpty();
        assertThat(CelValidation.PER_CALL_LIMIT).isEqualTo(1_000_000L);
        assertThat(CelValidation.RUNTIME_BUDGET).isEqualTo(10_000_000L);
    }

    @Test
    void aMessageExpressionOverTheBudgetStops() {
        CelValidation cel = rules("""
                - {rule: 'false', messageExpression: "self.items.map(x, string(x)).join(',')"}
                """);
        assertThat(lines(cel.validate(bigList(1000), null, 1_000))).containsExactly(
                "spec: Invalid value: \"object\": messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run");
    }
}
