package dev.kapi.apiserver.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The runtime cost of an evaluation: kube's call costs, and no function builds more than the budget allows. */
class RuntimeCostTest {

    private static final CelOptions OPTIONS = CelOptions.current().enableOptionalSyntax(true).build();
    private static final Cel KAPI = KubeLibraries.addTo(CelFactory.standardCelBuilder().setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("s", SimpleType.STRING), OPTIONS).build();
    private static final Cel STOCK = CelFactory.standardCelBuilder().setOptions(OPTIONS)
            .addVar("s", SimpleType.STRING)
            .addCompilerLibraries(CelExtensions.strings()).addRuntimeLibraries(CelExtensions.strings()).build();
    private static final String K = "k".repeat(1000);

    /** Thrown when the cost went over the limit. */
    static final class Exceeded extends RuntimeException {
        final long cost;

        Exceeded(long cost) {
            super("cost " + cost);
            this.cost = cost;
        }
    }

    private static Object eval(Cel cel, String expression, String s) throws Exception {
        return cel.createProgram(cel.compile(expression).getAst()).eval(Map.of("s", s));
    }

    private static long cost(String expression, String s, long limit) throws Exception {
        RuntimeCost cost = new RuntimeCost(() -> limit, Exceeded::new);
        cost.trace(KAPI.createProgram(KAPI.compile(expression).getAst()), Map.of("s", s));
        return cost.cost();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s.replace('', '-')", "s.replace('', '')", "s.replace('a', '')", "s.replace('ab', 'x')",
            "s.replace('a', 'a')", "s.replace('', '-', 2)", "s.replace('a', 'XY', 1)", "s.replace('a', 'b', 0)",
            "s.replace('a', 'b', -1)", "s.replace('zz', 'y')", "''.replace('', 'x')", "''.replace('a', 'x')",
            "'ü😀x'.replace('', '.')", "'ü😀x😀'.replace('😀', 'é', 1)", "s.replace('a', 'b', 4294967296)",
            "[s, 'b', ''].join()", "[s, 'b', ''].join(', ')", "[].join('-')"})
    void replaceAndJoinAreCelJavasOwn(String expression) throws Exception {
        for (String s : new String[]{"", "a", "aaa", "banana", "abab ab"}) {
            Object stock;
            try {
                stock = eval(STOCK, expression, s);
            } catch (CelEvaluationException e) {
                stock = e.getMessage();
            }
            Object kapi;
            try {
                kapi = eval(KAPI, expression, s);
            } catch (CelEvaluationException e) {
                kapi = e.getMessage();
            }
            assertThat(kapi).as(expression + " on '" + s + "'").isEqualTo(stock);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dyn([s, 1]).join()", "dyn([true]).join('-')", "dyn(['a', ['b']]).join(',')"})
    void aJoinOverSomethingOtherThanStringsFailsAsInCelGo(String expression) {
        // cel-go's joinValSeparator: "join: invalid input: <element>"; cel-java's own join stringified it
        assertThatThrownBy(() -> eval(KAPI, expression, "a")).isInstanceOf(CelEvaluationException.class)
                .hasMessageContaining("join: invalid input: ");
    }

    @Test
    @Timeout(5)
    void aReplaceChainIsRefusedBeforeItBuildsItsResult() {
        String chain = "s.replace('', '" + K + "').replace('', '" + K + "').replace('', '" + K + "').size() > 0";
        long start = System.nanoTime();
        assertThatThrownBy(() -> cost(chain, "0123456789", 1_000_000)).isInstanceOf(Exceeded.class)
                .satisfies(e -> assertThat(((Exceeded) e).cost).isEqualTo(1_000_001));
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }

    @Test
    void joinAndFormatAreRefusedBeforeTheyBuildTheirResult() {
        assertThatThrownBy(() -> cost("[s, s, s, s].join('-').size()", "x".repeat(1000), 300))
                .isInstanceOf(Exceeded.class);
        assertThatThrownBy(() -> cost("'%.999999999f'.format([1.0]).size()", "", 1_000_000))
                .isInstanceOf(Exceeded.class);
        assertThatThrownBy(() -> cost("'%s%s%s%s'.format([s, s, s, s]).size()", "x".repeat(1000), 300))
                .isInstanceOf(Exceeded.class);
    }

    @Test
    void callsCostWhatKubeChargesAndEveryNodeAtLeastOne() throws Exception {
        String s = "x".repeat(1000);
        assertThat(cost("1 + 2 == 3", s, 100)).isEqualTo(5); // five nodes
        assertThat(cost("s.startsWith('x')", s, 1000)).isEqualTo(2 + 100); // s, 'x', then a tenth of s
        assertThat(cost("s.lowerAscii()", s, 1000)).isEqualTo(1 + 100);
        assertThat(cost("s + s", s, 1000)).isEqualTo(2 + 200);
        assertThat(cost("s.contains('xx')", s, 1000)).isEqualTo(2 + 100);
        assertThat(cost("s.replace('x', 'yy')", s, 1000)).isEqualTo(3 + 100 + 200);
        assertThat(cost("[s, s].join()", s, 1000)).isEqualTo(3 + 400);
        assertThat(cost("[1, 2, 3].map(x, x * 2).size() == 3", s, 1000)).isLessThan(60);
    }

    @Test
    void aCostOverTheLimitStaysOverWhenAnErrorIsAbsorbed() {
        String absorbed = "s.replace('', '" + K + "').replace('', '" + K + "').size() > 0 || true";
        assertThatThrownBy(() -> cost(absorbed, "0123456789", 1_000_000)).isInstanceOf(Exceeded.class);
    }

    @Test
    void outsideAnEvaluationNothingIsRefused() throws Exception {
        assertThat(eval(KAPI, "s.replace('', '-')", "ab")).isEqualTo("-a-b-");
        assertThat(CallCost.AUTHZ_CHECK).isEqualTo(350_000);
    }
}
