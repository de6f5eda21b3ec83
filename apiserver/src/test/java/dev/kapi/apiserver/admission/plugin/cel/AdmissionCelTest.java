package dev.kapi.apiserver.admission.plugin.cel;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.AuthorizationSelectors;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** kube's admission CEL environment: each variable, the authorizer library, errors and budgets. */
class AdmissionCelTest {

    static final UserInfo ALICE = new UserInfo("alice", "u-1", List.of("dev", "system:authenticated"),
            Map.of("scopes", List.of("a")));

    static Deployment deployment(int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("prod")
                .addToLabels("app", "web").endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec().build();
    }

    static AdmissionAttributes create(Deployment d) {
        GroupVersionKind kind = new GroupVersionKind("apps", "v1", "Deployment");
        return new AdmissionAttributes(Operation.CREATE, kind, kind, new GroupVersionResource("apps", "v1", "deployments"),
                "", "prod", "web", d, null, new CreateOptions(), ALICE, false, null);
    }

    static final Namespace PROD = new NamespaceBuilder().withNewMetadata().withName("prod")
            .addToLabels("env", "production").endMetadata().build();
    static final ConfigMap LIMITS = new ConfigMapBuilder().withNewMetadata().withName("limits")
            .withNamespace("prod").endMetadata().addToData("maxReplicas", "5").build();

    /** Records what it was asked; allows alice to update deployments in prod and sa:prod:builder to get pods. */
    static final class RecordingAuthorizer implements Authorizer {
        final List<AuthorizationAttributes> asked = new ArrayList<>();

        @Override
        public Decision authorize(AuthorizationAttributes a) {
            asked.add(a);
            if (a.user().name().equals("alice") && a.verb().equals("update") && a.resource().equals("deployments")
                    && a.namespace().equals("prod")) {
                return Decision.allow("alice may");
            }
            if (a.user().name().equals("system:serviceaccount:prod:builder") && a.resource().equals("pods")) {
                return Decision.allow("builder may");
            }
            if (!a.resourceRequest() && a.path().equals("/healthz")) {
                return Decision.allow("");
            }
            return Decision.noOpinion("no RBAC policy matched");
        }
    }

    static Evaluation.Result eval(String expression, boolean params, CelInput input) {
        ExpressionCompiler c = ExpressionCompiler.create(params);
        CompiledExpression e = c.compile(expression, ExpressionCompiler.Returns.ANY, true);
        return new Evaluation(input, c.variables(), true, Evaluation.RUNTIME_BUDGET).evaluate(e);
    }

    static CelInput input() {
        return CelInput.of(create(deployment(3))).withNamespace(PROD).withParams(LIMITS, "v1", "ConfigMap")
                .withAuthorizer(new RecordingAuthorizer());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            object.spec.replicas == 3                                  | true
            object.metadata.labels.app                                 | web
            object.apiVersion + '/' + object.kind                      | apps/v1/Deployment
            oldObject == null                                          | true
            request.operation                                          | CREATE
            request.kind.group + '/' + request.kind.version + '/' + request.kind.kind | apps/v1/Deployment
            request.resource.resource                                  | deployments
            request.requestResource.group                              | apps
            request.requestKind.kind                                   | Deployment
            request.name + '@' + request.namespace                     | web@prod
            has(request.subResource)                                   | false
            request.userInfo.username                                  | alice
            request.userInfo.uid                                       | u-1
            request.userInfo.groups[0]                                 | dev
            request.userInfo.extra['scopes'][0]                        | a
            request.dryRun                                             | false
            request.options.kind + ' ' + request.options.apiVersion    | CreateOptions meta.k8s.io/v1
            namespaceObject.metadata.name                              | prod
            namespaceObject.metadata.labels['env']                     | production
            params.data.maxReplicas                                    | 5
            params.kind + ' ' + params.apiVersion                      | ConfigMap v1
            int(params.data.maxReplicas) >= object.spec.replicas       | true
            'web'.matches('^w') && ['a','b'].isSorted()                | true
            """)
    void variables(String expression, String expected) {
        Evaluation.Result r = eval(expression, true, input());
        assertThat(r.error()).isNull();
        assertThat(String.valueOf(r.value())).isEqualTo(expected);
    }

    @Test
    void aClusterScopedRequestHasNoNamespaceObject() {
        Evaluation.Result r = eval("namespaceObject == null && params == null", true,
                CelInput.of(create(deployment(1))));
        assertThat(r.value()).isEqualTo(true);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            request.nme      | false | compilation failed: ERROR: <input>:1:8: undefined field 'nme'
            params.data      | false | compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')
            object.spec.(    | false | compilation failed: ERROR: <input>:1:13: Syntax error:
            variables.later  | true  | compilation failed: ERROR: <input>:1:10: undefined field 'later'
            """)
    void compileErrors(String expression, boolean params, String error) {
        ExpressionCompiler c = ExpressionCompiler.create(params);
        CompiledExpression e = c.compile(expression, ExpressionCompiler.Returns.ANY, true);
        assertThat(e.error()).startsWith(error);
        assertThat(new Evaluation(input(), List.of(), true, 100).evaluate(e).error())
                .startsWith("compilation error: " + error);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            1                       | BOOL           | must evaluate to bool but got int
            object.spec.replicas    | BOOL           | must evaluate to bool but got dyn
            true                    | STRING         | must evaluate to string but got bool
            1                       | STRING_OR_NULL | must evaluate to one of [string null_type] but got int
            """)
    void returnTypes(String expression, ExpressionCompiler.Returns returns, String error) {
        assertThat(ExpressionCompiler.create(false).compile(expression, returns, false).error()).isEqualTo(error);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            object.spec.nope > 1             | no such key: nope
            object.spec.replicas / 0 == 1    | division by zero
            [1, 2][5] == 1                   | index out of bounds: 5
            """)
    void runtimeErrors(String expression, String error) {
        assertThat(eval(expression, false, input()).error())
                .isEqualTo("expression '" + expression + "' resulted in error: " + error);
    }

    @Test
    void variablesAreTypedLazyAndEvaluatedOnce() {
        ExpressionCompiler c = ExpressionCompiler.create(false);
        c.variable("replicas", "object.spec.replicas");
        c.variable("broken", "object.spec.nope");
        c.variable("names", "['a', 'b']");
        c.variable("twice", "variables.names + variables.names");
        CompiledExpression typed = c.compile("variables.twice.size() == 4 && variables.replicas == 3",
                ExpressionCompiler.Returns.BOOL, true);
        assertThat(typed.error()).isNull();
        // list(string): adding an int does not compile
        assertThat(c.compile("variables.names[0] + 1 == 2", ExpressionCompiler.Returns.BOOL, true).error())
                .contains("found no matching overload for '_+_' applied to '(string, int)'");
        Evaluation e = new Evaluation(input(), c.variables(), true, Evaluation.RUNTIME_BUDGET);
        assertThat(e.evaluate(typed).value()).isEqualTo(true);
        long afterFirst = e.remaining();
        assertThat(e.evaluate(c.compile("variables.replicas == 3", ExpressionCompiler.Returns.BOOL, true)).value())
                .isEqualTo(true);
        assertThat(afterFirst - e.remaining()).as("4 nodes: the variable is not evaluated again").isEqualTo(4);
        assertThat(e.evaluate(c.compile("variables.broken == 1", ExpressionCompiler.Returns.BOOL, true)).error())
                .isEqualTo("expression 'variables.broken == 1' resulted in error: composited variable \"broken\" "
                        + "fails to evaluate: no such key: nope");
    }

    @Test
    void aVariableThatDoesNotCompileFailsTheExpressionsThatReadIt() {
        ExpressionCompiler c = ExpressionCompiler.create(false);
        c.variable("bad", "object.(");
        CompiledExpression e = c.compile("variables.bad == 1 || true", ExpressionCompiler.Returns.BOOL, true);
        CompiledExpression reads = c.compile("variables.bad == 1", ExpressionCompiler.Returns.BOOL, true);
        Evaluation ev = new Evaluation(input(), c.variables(), true, Evaluation.RUNTIME_BUDGET);
        assertThat(ev.evaluate(e).value()).isEqualTo(true);
        assertThat(ev.evaluate(reads).error()).startsWith("expression 'variables.bad == 1' resulted in error: "
                + "composited variable \"bad\" fails to compile: compilation failed: ERROR: <input>:1:8: Syntax error:");
    }

    @Test
    void authorizerChecksAskTheAuthorizerAboutTheRequestsUser() {
        RecordingAuthorizer authz = new RecordingAuthorizer();
        CelInput in = CelInput.of(create(deployment(3))).withAuthorizer(authz);
        assertThat(eval("authorizer.group('apps').resource('deployments').namespace('prod').name('web')"
                + ".check('update').allowed()", false, in).value()).isEqualTo(true);
        AuthorizationAttributes asked = authz.asked.getLast();
        assertThat(asked).isEqualTo(new AuthorizationAttributes(ALICE, "update", true, "apps", "*", "deployments", "",
                "prod", "web", ""));
        assertThat(eval("authorizer.group('apps').resource('deployments').subresource('scale').check('get')"
                + ".reason()", false, in).value()).isEqualTo("no RBAC policy matched");
        assertThat(authz.asked.getLast().subresource()).isEqualTo("scale");
        assertThat(eval("authorizer.requestResource.check('update').allowed()", false, in).value()).isEqualTo(true);
        assertThat(authz.asked.getLast()).isEqualTo(new AuthorizationAttributes(ALICE, "update", true, "apps", "*",
                "deployments", "", "prod", "web", ""));
        assertThat(eval("authorizer.serviceAccount('prod', 'builder').group('').resource('pods').check('get')"
                + ".allowed()", false, in).value()).isEqualTo(true);
        assertThat(authz.asked.getLast().user()).isEqualTo(new UserInfo("system:serviceaccount:prod:builder", "",
                List.of("system:serviceaccounts", "system:serviceaccounts:prod"), Map.of()));
        assertThat(eval("authorizer.path('/healthz').check('get').allowed() && "
                + "!authorizer.path('/healthz').check('get').errored()", false, in).value()).isEqualTo(true);
        assertThat(eval("authorizer.group('apps').resource('deployments').check('delete').allowed()", false, in)
                .value()).isEqualTo(false);
        eval("authorizer.group('').resource('pods').fieldSelector('spec.nodeName=n1').labelSelector('app in (a)')"
                + ".check('list').allowed()", false, in);
        assertThat(authz.asked.getLast().selectors()).as("kube 1.32 hands the check's selectors to the authorizer")
                .isEqualTo(new AuthorizationSelectors(List.of(new AuthorizationSelectors.Requirement("spec.nodeName",
                        "In", List.of("n1"))), List.of(new AuthorizationSelectors.Requirement("app", "In", List.of("a")))));
        eval("authorizer.group('').resource('pods').fieldSelector('no operator').check('list').allowed()", false, in);
        assertThat(authz.asked.getLast().selectors().isEmpty()).as("one that does not parse narrows nothing").isTrue();
        CelInput failing = CelInput.of(create(deployment(3))).withAuthorizer(a -> Decision.failed("webhook down"));
        assertThat(eval("authorizer.path('/healthz').check('get').errored()", false, failing).value()).isEqualTo(true);
        assertThat(eval("authorizer.path('/healthz').check('get').error()", false, failing).value())
                .isEqualTo("webhook down");
        assertThat(eval("authorizer.path('/healthz').check('get').allowed()", false, failing).value()).isEqualTo(false);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            authorizer.group('').resource(' ').check('get').allowed()           | resource must not be empty
            authorizer.path('').check('get').allowed()                          | path must not be empty
            authorizer.serviceAccount('Prod', 'x').path('/x').check('get').allowed() | Invalid service account namespace
            authorizer.serviceAccount('prod', 'X_').path('/x').check('get').allowed() | Invalid service account name
            """)
    void authorizerErrors(String expression, String error) {
        assertThat(eval(expression, false, CelInput.of(create(deployment(1))).withAuthorizer(new RecordingAuthorizer()))
                .error()).isEqualTo("expression '" + expression + "' resulted in error: " + error);
    }

    @Test
    void theAuthorizerIsNotDeclaredWhereKubeLeavesItOut() {
        assertThat(ExpressionCompiler.create(false).compile("authorizer.path('/').check('get').allowed()",
                ExpressionCompiler.Returns.BOOL, false).error())
                .startsWith("compilation failed: ERROR: <input>:1:1: undeclared reference to 'authorizer'");
    }

    @Test
    void anExpressionOverThePerCallLimitFailsAndTheBudgetEndsTheEvaluation() {
        List<Integer> many = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            many.add(i);
        }
        ConfigMap big = new ConfigMapBuilder().withNewMetadata().withName("big").endMetadata().build();
        big.setAdditionalProperty("items", many);
        CelInput in = CelInput.of(create(deployment(1))).withParams(big, "v1", "ConfigMap");
        String quadratic = "params.items.all(x, params.items.all(y, x >= 0))";
        assertThat(eval(quadratic, true, in).error())
                .isEqualTo("expression '" + quadratic + "' resulted in error: operation cancelled: actual cost limit exceeded");
        ExpressionCompiler c = ExpressionCompiler.create(false);
        Evaluation small = new Evaluation(in, List.of(), true, 5);
        CompiledExpression e = c.compile("[1, 2, 3].all(x, x > 0)", ExpressionCompiler.Returns.BOOL, false);
        assertThatThrownBy(() -> small.evaluate(e)).isInstanceOf(Evaluation.OutOfBudget.class)
                .hasMessage(Evaluation.OUT_OF_BUDGET_MESSAGE);
    }

    @Test
    void anAuthorizationCheckCosts350000AsInKubeTwoFitInOneExpression() {
        String two = "authorizer.path('/healthz').check('get').allowed() && authorizer.path('/healthz').check('get').allowed()";
        assertThat(eval(two, false, input()).value()).isEqualTo(true);
        String three = two + " && authorizer.path('/healthz').check('get').allowed()";
        assertThat(eval(three, false, input()).error())
                .isEqualTo("expression '" + three + "' resulted in error: operation cancelled: actual cost limit exceeded");
    }

    @Test
    void listAndMapLiteralsMustBeHomogeneousAsInKube() {
        ExpressionCompiler c = ExpressionCompiler.create(false);
        assertThat(c.compile("[1, 'a'].size() == 2", ExpressionCompiler.Returns.BOOL, true).error())
                .startsWith("compilation failed: ERROR: <input>:1:5: expected type 'int' but found 'string'");
        assertThat(c.compile("{'a': 1, 'b': true}.size() == 2", ExpressionCompiler.Returns.BOOL, true).error())
                .startsWith("compilation failed: ERROR: <input>:1:13: expected type 'int' but found 'bool'");
        assertThat(c.compile("[1, 2].size() == 2 && 'x'.format([1, 'a']) != ''", ExpressionCompiler.Returns.BOOL,
                true).error()).isNull();
    }

    @Test
    void aCompilerWithoutVariablesDoesNotDeclareThem() {
        ExpressionCompiler c = ExpressionCompiler.withoutVariables(true);
        assertThat(c.compile("variables.x", ExpressionCompiler.Returns.ANY, true).error())
                .startsWith("compilation failed: ERROR: <input>:1:1: undeclared reference to 'variables'");
        assertThat(c.compile("params.data.x == object.metadata.name", ExpressionCompiler.Returns.BOOL, true).error())
                .isNull();
        assertThatThrownBy(() -> c.variable("x", "1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aVariableOfAnObjectTypeIsDynForWhatFollowsAsInKube() {
        ExpressionCompiler c = ExpressionCompiler.create(false);
        c.variable("user", "request.userInfo");
        assertThat(c.compile("variables.user.nme == 'x'", ExpressionCompiler.Returns.BOOL, true).error()).isNull();
    }
}
