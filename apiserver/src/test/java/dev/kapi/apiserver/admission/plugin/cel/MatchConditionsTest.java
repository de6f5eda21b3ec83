package dev.kapi.apiserver.admission.plugin.cel;

import dev.kapi.apiserver.admission.plugin.cel.MatchConditions.Condition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube's match conditions: all true matches, the first false does not, otherwise errors are an error. */
class MatchConditionsTest {

    static final CelInput INPUT = CelInput.of(AdmissionCelTest.create(AdmissionCelTest.deployment(3)))
            .withAuthorizer(new AdmissionCelTest.RecordingAuthorizer());

    static MatchConditions.Result evaluate(Condition... conditions) {
        return MatchConditions.compile(List.of(conditions)).evaluate(INPUT);
    }

    @Test
    void allTrueMatches() {
        assertThat(evaluate(new Condition("replicas", "object.spec.replicas > 1"),
                new Condition("user", "request.userInfo.username == 'alice'"),
                new Condition("may", "authorizer.requestResource.check('update').allowed()")))
                .isEqualTo(new MatchConditions.Match());
        assertThat(evaluate()).isEqualTo(new MatchConditions.Match());
    }

    @Test
    void theFirstFalseConditionIsNamedEvenAfterAnError() {
        assertThat(evaluate(new Condition("broken", "object.spec.nope > 1"),
                new Condition("small", "object.spec.replicas < 2"),
                new Condition("other", "false")))
                .isEqualTo(new MatchConditions.NoMatch("small"));
    }

    @Test
    void errorsWithoutAFalseConditionAreAnError() {
        assertThat(evaluate(new Condition("broken", "object.spec.nope > 1"), new Condition("ok", "true")))
                .isEqualTo(new MatchConditions.Error("expression 'object.spec.nope > 1' resulted in error: no such key: nope"));
        assertThat(evaluate(new Condition("a", "object.spec.a"), new Condition("b", "object.spec.b == 1")))
                .isEqualTo(new MatchConditions.Error("[compilation error: must evaluate to bool but got dyn, "
                        + "expression 'object.spec.b == 1' resulted in error: no such key: b]"));
    }

    @Test
    void aConditionThatDoesNotCompileIsReportedAndFailsEvaluation() {
        MatchConditions m = MatchConditions.compile(List.of(new Condition("ok", "true"),
                new Condition("typo", "request.nme == 'x'")));
        assertThat(m.compileErrors()).singleElement().asString()
                .startsWith("compilation failed: ERROR: <input>:1:8: undefined field 'nme'");
        assertThat(m.evaluate(INPUT)).isInstanceOfSatisfying(MatchConditions.Error.class, e -> assertThat(e.message())
                .startsWith("compilation error: compilation failed: ERROR: <input>:1:8: undefined field 'nme'"));
    }

    @Test
    void atMost64() {
        List<Condition> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(new Condition("c" + i, "true"));
        }
        assertThatThrownBy(() -> MatchConditions.compile(many)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MatchConditions.compile(many.subList(0, 64)).evaluate(INPUT)).isEqualTo(new MatchConditions.Match());
    }

    @Test
    void aPolicysConditionsSeeItsParamsAndVariables() {
        ExpressionCompiler c = ExpressionCompiler.create(true);
        c.variable("max", "int(params.data.maxReplicas)");
        MatchConditions m = MatchConditions.compile(c, List.of(new Condition("under", "object.spec.replicas <= variables.max")));
        assertThat(m.evaluate(INPUT.withParams(AdmissionCelTest.LIMITS, "v1", "ConfigMap")))
                .isEqualTo(new MatchConditions.Match());
    }
}
