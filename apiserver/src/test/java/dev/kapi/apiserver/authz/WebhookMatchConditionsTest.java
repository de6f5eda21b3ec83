package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An authorization webhook's match conditions as kube evaluates them: over the v1 SubjectAccessReviewSpec (every
 * string field there, empty when unset),
 * typed (a misspelt field does not compile), the first false condition wins over earlier errors, and errors
 * alone are the result in kube's words.
 */
class WebhookMatchConditionsTest {

    static final UserInfo BOB = new UserInfo("bob", "", List.of("devs", "system:authenticated"),
            Map.of("scopes", List.of("read")));
    static final AuthorizationAttributes LIST_SECRETS = new AuthorizationAttributes(BOB, "list", true, "", "v1",
            "secrets", "", "team-a", "", "/api/v1/namespaces/team-a/secrets");
    static final AuthorizationAttributes NODES = new AuthorizationAttributes(BOB, "get", true, "", "v1", "nodes", "",
            "", "n1", "/api/v1/nodes/n1");
    static final AuthorizationAttributes METRICS = new AuthorizationAttributes(BOB, "get", false, "", "", "", "", "",
            "", "/metrics");

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "has(request.resourceAttributes) && request.resourceAttributes.resource == 'secrets'|true|false|false",
            "'devs' in request.groups|true|true|true",
            "request.user.startsWith('system:')|false|false|false",
            "'scopes' in request.extra && request.extra['scopes'][0] == 'read'|true|true|true",
            "has(request.nonResourceAttributes) && request.nonResourceAttributes.path == '/metrics'|false|false|true",
            "has(request.resourceAttributes) && request.resourceAttributes.namespace == ''|false|true|false",
            "request.uid == '' && has(request.uid) && has(request.resourceAttributes) && request.resourceAttributes.subresource == ''|true|true|false",
            "has(request.resourceAttributes) && !has(request.resourceAttributes.fieldSelector)|true|true|false",
            "request.groups.exists(g, g.matches('^dev'))|true|true|true",
    })
    void conditionsSeeTheV1Spec(String expression, boolean secrets, boolean nodes, boolean metrics) {
        WebhookMatchConditions c = WebhookMatchConditions.compile(List.of(expression));
        assertThat(c.evaluate(LIST_SECRETS).matches()).as("secrets").isEqualTo(secrets);
        assertThat(c.evaluate(NODES).matches()).as("nodes").isEqualTo(nodes);
        assertThat(c.evaluate(METRICS).matches()).as("metrics").isEqualTo(metrics);
        assertThat(c.evaluate(METRICS).error()).isNull();
    }

    @Test
    void compileErrorsAreKubes() {
        assertThat(WebhookMatchConditions.compileError("request.usr == 'x'"))
                .startsWith("compilation failed: ERROR: <input>:1:8: undefined field 'usr'");
        assertThat(WebhookMatchConditions.compileError("request.user")).isEqualTo("must evaluate to bool but got string");
        assertThat(WebhookMatchConditions.compileError("request.user ==")).startsWith("compilation failed: ERROR: <input>:1:16: Syntax error:");
        assertThat(WebhookMatchConditions.compileError("object.x == 1")).contains("undeclared reference to 'object'");
        assertThat(WebhookMatchConditions.compileError("request.resourceAttributes.fieldSelector.rawSelector == ''"))
                .isNull();
        assertThatThrownBy(() -> WebhookMatchConditions.compile(List.of("true", "1")))
                .hasMessage("must evaluate to bool but got int");
    }

    @Test
    void aFalseConditionWinsOverErrorsAndErrorsAloneAreTheResult() {
        String missing = "request.extra['tenant'][0] == 'x'"; // no such extra: no such key
        WebhookMatchConditions errorThenFalse = WebhookMatchConditions.compile(List.of(missing, "false"));
        assertThat(errorThenFalse.evaluate(LIST_SECRETS)).isEqualTo(new WebhookMatchConditions.Result(false, null));
        WebhookMatchConditions errorThenTrue = WebhookMatchConditions.compile(List.of(missing, "true"));
        assertThat(errorThenTrue.evaluate(LIST_SECRETS)).isEqualTo(new WebhookMatchConditions.Result(false,
                "cel evaluation error: expression '" + missing + "' resulted in error: no such key: tenant"));
        WebhookMatchConditions two = WebhookMatchConditions.compile(List.of(missing, "request.groups[5] == 'x'"));
        assertThat(two.evaluate(LIST_SECRETS).error()).startsWith("[cel evaluation error: expression '" + missing)
                .contains(", cel evaluation error: expression 'request.groups[5] == 'x'' resulted in error: ")
                .endsWith("]");
        assertThat(WebhookMatchConditions.none().evaluate(LIST_SECRETS).matches()).isTrue();
    }

    /** A list's selectors, as kube gives them to match conditions: only when they narrow it. */
    @Test
    void conditionsSeeAListsSelectors() {
        WebhookMatchConditions narrowed = WebhookMatchConditions.compile(List.of(
                "has(request.resourceAttributes.fieldSelector) && request.resourceAttributes.fieldSelector"
                        + ".requirements.exists(r, r.key == 'spec.nodeName' && r.operator == 'In' && r.values == ['n1'])",
                "request.resourceAttributes.labelSelector.requirements.all(r, r.operator != 'Exists' || r.values == [])"));
        AuthorizationAttributes byNode = LIST_SECRETS.withSelectors(
                AuthorizationSelectors.ofRequest("list", "spec.nodeName=n1", "app"));
        assertThat(narrowed.evaluate(byNode)).isEqualTo(new WebhookMatchConditions.Result(true, null));
        AuthorizationAttributes otherNode = LIST_SECRETS.withSelectors(
                AuthorizationSelectors.ofRequest("list", "spec.nodeName=n2", "app"));
        assertThat(narrowed.evaluate(otherNode).matches()).isFalse();
        assertThat(WebhookMatchConditions.compile(List.of("!has(request.resourceAttributes.fieldSelector)"))
                .evaluate(LIST_SECRETS).matches()).as("an unnarrowed list has none").isTrue();
    }

    @Test
    void anExpensiveConditionIsStoppedAtKubesLimit() {
        WebhookMatchConditions costly = WebhookMatchConditions.compile(List.of(
                "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c,"
                        + " [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f,"
                        + " a + b + c + d + e + f > 0))))))"));
        assertThat(costly.evaluate(NODES).error()).endsWith("operation cancelled: actual cost limit exceeded");
    }
}
