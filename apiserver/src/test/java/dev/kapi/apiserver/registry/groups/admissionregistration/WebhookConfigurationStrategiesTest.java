package dev.kapi.apiserver.registry.groups.admissionregistration;

import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.WEBHOOK;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.cells;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.created;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.headers;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.object;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.updated;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validating- and MutatingWebhookConfiguration: v1's defaults, kube's validation of a webhook field by field
 * (one table of cases, each a change of {@link Fixtures#WEBHOOK} and kube's errors for it), the update rules
 * that let a stored object keep what a newer server would refuse, and the printer columns.
 */
class WebhookConfigurationStrategiesTest {

    private final ValidatingWebhookConfigurationStrategy validating = new ValidatingWebhookConfigurationStrategy();
    private final MutatingWebhookConfigurationStrategy mutating = new MutatingWebhookConfigurationStrategy();

    private static ValidatingWebhookConfiguration vwc(String... hooks) {
        return object(ValidatingWebhookConfiguration.class, "hooks", "\"webhooks\":[" + String.join(",", hooks) + "]");
    }

    private static MutatingWebhookConfiguration mwc(String... hooks) {
        return object(MutatingWebhookConfiguration.class, "hooks", "\"webhooks\":[" + String.join(",", hooks) + "]");
    }

    private static String hook(String overrides) {
        return with(WEBHOOK, overrides).toString();
    }

    private static final String AT = "webhooks[0].";

    static Stream<Arguments> webhookCases() {
        String conditions65 = IntStream.range(0, 65).mapToObj(i -> "{\"name\":\"c" + i + "\",\"expression\":\"true\"}")
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                Arguments.of("{}", List.of()),
                Arguments.of("{\"name\":null}", List.of(AT + "name: Required value")),
                Arguments.of("{\"name\":\"k8s.io\"}", List.of(AT + "name: Invalid value: \"k8s.io\": should be a "
                        + "domain with at least three segments separated by dots")),
                Arguments.of("{\"name\":\"Hook.example.com\"}", List.of(AT + "name: Invalid value: \"Hook.example.com\": "
                        + "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                        + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                        + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
                Arguments.of("{\"sideEffects\":null}",
                        List.of(AT + "sideEffects: Required value: must specify one of None, NoneOnDryRun")),
                Arguments.of("{\"sideEffects\":\"Some\"}", List.of(AT + "sideEffects: Unsupported value: \"Some\": "
                        + "supported values: \"None\", \"NoneOnDryRun\"")),
                Arguments.of("{\"sideEffects\":\"NoneOnDryRun\"}", List.of()),
                Arguments.of("{\"admissionReviewVersions\":null}",
                        List.of(AT + "admissionReviewVersions: Required value: must specify one of v1, v1beta1")),
                Arguments.of("{\"admissionReviewVersions\":[\"v2\"]}", List.of(AT + "admissionReviewVersions: "
                        + "Invalid value: []string{\"v2\"}: must include at least one of v1, v1beta1")),
                Arguments.of("{\"admissionReviewVersions\":[\"v1\",\"v1\",\"V2\"]}", List.of(
                        AT + "admissionReviewVersions[1]: Invalid value: \"v1\": duplicate version",
                        AT + "admissionReviewVersions[2]: Invalid value: \"V2\": a DNS-1035 label must consist of lower "
                                + "case alphanumeric characters or '-', start with an alphabetic character, and end with an "
                                + "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                                + "'[a-z]([-a-z0-9]*[a-z0-9])?')")),
                Arguments.of("{\"timeoutSeconds\":31}", List.of(AT + "timeoutSeconds: Invalid value: 31: the timeout "
                        + "value must be between 1 and 30 seconds")),
                Arguments.of("{\"timeoutSeconds\":0}", List.of(AT + "timeoutSeconds: Invalid value: 0: the timeout "
                        + "value must be between 1 and 30 seconds")),
                Arguments.of("{\"failurePolicy\":\"Never\",\"matchPolicy\":\"Loose\"}", List.of(
                        AT + "failurePolicy: Unsupported value: \"Never\": supported values: \"Fail\", \"Ignore\"",
                        AT + "matchPolicy: Unsupported value: \"Loose\": supported values: \"Equivalent\", \"Exact\"")),
                Arguments.of(rules("[\"GET\"]", "[\"\"]", "[\"v1\"]", "[\"pods\"]"), List.of(AT + "rules[0].operations[0]: "
                        + "Unsupported value: \"GET\": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"")),
                Arguments.of(rules("[\"*\",\"CREATE\"]", "[\"*\",\"apps\"]", "[\"*\",\"v1\"]", "[\"pods\"]"), List.of(
                        AT + "rules[0].operations: Invalid value: []admissionregistration.OperationType{\"*\", \"CREATE\"}: "
                                + "if '*' is present, must not specify other operations",
                        AT + "rules[0].apiGroups: Invalid value: []string{\"*\", \"apps\"}: if '*' is present, must not "
                                + "specify other API groups",
                        AT + "rules[0].apiVersions: Invalid value: []string{\"*\", \"v1\"}: if '*' is present, must not "
                                + "specify other API versions")),
                Arguments.of(rules("[]", "[]", "[\"\"]", "[]"), List.of(AT + "rules[0].operations: Required value",
                        AT + "rules[0].apiGroups: Required value", AT + "rules[0].apiVersions[0]: Required value",
                        AT + "rules[0].resources: Required value")),
                Arguments.of(rules("[\"*\"]", "[\"*\"]", "[\"*\"]", "[\"*/*\",\"pods\"]"), List.of(AT + "rules[0].resources: "
                        + "Invalid value: []string{\"*/*\", \"pods\"}: if '*/*' is present, must not specify other resources")),
                Arguments.of(rules("[\"*\"]", "[\"*\"]", "[\"*\"]", "[\"*\",\"pods\"]"), List.of(AT + "rules[0].resources: "
                        + "Invalid value: []string{\"*\", \"pods\"}: if '*' is present, must not specify other resources "
                        + "without subresources")),
                Arguments.of(rules("[\"*\"]", "[\"\"]", "[\"v1\"]", "[\"pods/*\",\"pods/status\",\"*/scale\",\"rc/scale\"]"),
                        List.of(AT + "rules[0].resources[1]: Invalid value: \"pods/status\": if 'pods/*' is present, "
                                        + "must not specify pods/status",
                                AT + "rules[0].resources[3]: Invalid value: \"rc/scale\": if '*/scale' is present, must "
                                        + "not specify rc/scale")),
                Arguments.of(rules("[\"*\"]", "[\"\"]", "[\"v1\"]", "[\"*\",\"*/status\",\"pods/log\",\"\"]"),
                        List.of(AT + "rules[0].resources[3]: Required value")),
                Arguments.of("{\"rules\":[{\"operations\":[\"*\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],"
                        + "\"resources\":[\"pods\"],\"scope\":\"Global\"}]}", List.of(AT + "rules[0].scope: Unsupported "
                        + "value: \"Global\": supported values: \"*\", \"Cluster\", \"Namespaced\"")),
                Arguments.of("{\"clientConfig\":{}}",
                        List.of(AT + "clientConfig: Required value: exactly one of url or service is required")),
                Arguments.of("{\"clientConfig\":{\"url\":\"https://a.example.com\",\"service\":{\"name\":\"s\","
                        + "\"namespace\":\"n\"}}}", List.of(AT + "clientConfig: Required value: exactly one of url or "
                        + "service is required")),
                Arguments.of("{\"clientConfig\":{\"url\":\"http://a.example.com/x?y=1\"}}", List.of(
                        AT + "clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired "
                                + "format: https://host[/path]",
                        AT + "clientConfig.url: Invalid value: \"y=1\": query parameters are not permitted in the URL")),
                Arguments.of("{\"clientConfig\":{\"service\":{\"port\":0,\"path\":\"hook\"}}}", List.of(
                        AT + "clientConfig.service.name: Required value: service name is required",
                        AT + "clientConfig.service.namespace: Required value: service namespace is required",
                        AT + "clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and "
                                + "65535, inclusive",
                        AT + "clientConfig.service.path: Invalid value: \"hook\": must start with a '/'")),
                Arguments.of("{\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\",\"path\":\"/v/hook\"}}}",
                        List.of()),
                Arguments.of("{\"namespaceSelector\":{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Bad\"}]},"
                        + "\"objectSelector\":{\"matchLabels\":{\"a\":\"b c\"},\"matchExpressions\":[{\"key\":\"x\","
                        + "\"operator\":\"In\",\"values\":[\"-no\"]}]}}", List.of(
                        AT + "namespaceSelector.matchExpressions[0].operator: Invalid value: \"Bad\": not a valid selector "
                                + "operator",
                        AT + "objectSelector.matchLabels: Invalid value: \"b c\": " + LABEL_VALUE,
                        AT + "objectSelector.matchExpressions[0].values[0]: Invalid value: \"-no\": " + LABEL_VALUE)),
                Arguments.of("{\"matchConditions\":[{\"name\":\"\",\"expression\":\" \"},{\"name\":\"a/b/c\","
                        + "\"expression\":\"true\"},{\"name\":\"ok\",\"expression\":\"true\"},{\"name\":\"ok\","
                        + "\"expression\":\"true\"}]}", List.of(
                        AT + "matchConditions[0].expression: Required value",
                        AT + "matchConditions[0].name: Required value",
                        AT + "matchConditions[1].name: Invalid value: \"a/b/c\": a qualified name must consist of "
                                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                                + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
                                + "(e.g. 'example.com/MyName')",
                        AT + "matchConditions[3].name: Duplicate value: \"ok\"")),
                Arguments.of("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"object.metadata.name\"}]}", List.of(
                        AT + "matchConditions[0].expression: Invalid value: \"object.metadata.name\": must evaluate to "
                                + "bool but got dyn")),
                Arguments.of("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"params.x == 1\"}]}", List.of(
                        AT + "matchConditions[0].expression: Invalid value: \"params.x == 1\": compilation failed: "
                                + "ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n"
                                + " | params.x == 1\n | ^")),
                Arguments.of("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"object.x in [1, 2, \"}]}", List.of(
                        // kube compiles (and reports) the trimmed expression of a match condition
                        AT + "matchConditions[0].expression: Invalid value: \"object.x in [1, 2,\": compilation failed: "
                                + "ERROR: <input>:1:19: Syntax error: missing ']' at '<EOF>'\n"
                                + " | object.x in [1, 2,\n | ..................^")),
                Arguments.of("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"request.userInfo.username == 'a' && "
                        + "authorizer.group('').resource('pods').check('create').allowed() && "
                        + "authorizer.requestResource.check('get').reason() != '' && !has(object.metadata.labels)\"}]}",
                        List.of()),
                Arguments.of("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"request.user == 'a'\"}]}", List.of(
                        AT + "matchConditions[0].expression: Invalid value: \"request.user == 'a'\": compilation failed: "
                                + "ERROR: <input>:1:8: undefined field 'user'\n | request.user == 'a'\n | .......^")),
                Arguments.of("{\"matchConditions\":" + conditions65 + "}",
                        List.of(AT + "matchConditions: Too many: 65: must have at most 64 items")));
    }

    private static final String LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private static String rules(String ops, String groups, String versions, String resources) {
        return "{\"rules\":[{\"operations\":" + ops + ",\"apiGroups\":" + groups + ",\"apiVersions\":" + versions
                + ",\"resources\":" + resources + "}]}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("webhookCases")
    void validatingWebhookIsValidatedAsKubeDoes(String change, List<String> expected) {
        assertThat(created(validating, vwc(hook(change)))).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("webhookCases")
    void mutatingWebhookIsValidatedAsKubeDoes(String change, List<String> expected) {
        assertThat(created(mutating, mwc(hook(change)))).containsExactlyElementsOf(expected);
    }

    @Test
    void mutatingWebhooksAlsoCheckTheReinvocationPolicy() {
        assertThat(created(mutating, mwc(hook("{\"reinvocationPolicy\":\"Always\"}")))).containsExactly(
                AT + "reinvocationPolicy: Unsupported value: \"Always\": supported values: \"IfNeeded\", \"Never\"");
        assertThat(created(mutating, mwc(hook("{\"reinvocationPolicy\":\"IfNeeded\"}")))).isEmpty();
    }

    @Test
    void webhookNamesAreUniqueAndEachWebhookIsCheckedUnderItsIndex() {
        assertThat(created(validating, vwc(WEBHOOK, WEBHOOK, hook("{\"name\":\"other.example.com\",\"timeoutSeconds\":99}"))))
                .containsExactly("webhooks[1].name: Duplicate value: \"webhook.example.com\"",
                        "webhooks[2].timeoutSeconds: Invalid value: 99: the timeout value must be between 1 and 30 seconds");
        assertThat(created(validating, vwc())).isEmpty();
    }

    @Test
    void defaultsAreV1s() {
        ValidatingWebhookConfiguration v = vwc(hook("{\"clientConfig\":{\"service\":{\"name\":\"s\",\"namespace\":\"n\"}}}"));
        assertThat(created(validating, v)).isEmpty();
        ValidatingWebhook w = v.getWebhooks().getFirst();
        assertThat(Json.tree(w).toString()).isEqualTo(Json.tree(Json.read(("""
                {"name":"webhook.example.com","clientConfig":{"service":{"name":"s","namespace":"n","port":443}},
                 "sideEffects":"None","admissionReviewVersions":["v1"],"failurePolicy":"Fail","matchPolicy":"Equivalent",
                 "namespaceSelector":{},"objectSelector":{},"timeoutSeconds":10,
                 "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"scope":"*"}]}
                """).getBytes(), ValidatingWebhook.class)).toString());
        MutatingWebhookConfiguration m = mwc(hook("{\"failurePolicy\":\"Ignore\",\"timeoutSeconds\":3}"));
        assertThat(created(mutating, m)).isEmpty();
        MutatingWebhook mw = m.getWebhooks().getFirst();
        assertThat(mw.getReinvocationPolicy()).isEqualTo("Never");
        assertThat(mw.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(mw.getTimeoutSeconds()).isEqualTo(3);
        assertThat(mw.getSideEffects()).as("no default in v1").isEqualTo("None");
        assertThat(Json.tree(mw).has("namespaceSelector")).isTrue();
    }

    @Test
    void anUpdateMayKeepWhatTheStoredObjectAlreadyHad() {
        String legacy = hook("{\"sideEffects\":\"Unknown\",\"admissionReviewVersions\":[\"v0\"],"
                + "\"objectSelector\":{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[\"-x\"]}]},"
                + "\"matchConditions\":[{\"name\":\"m\",\"expression\":\"object.metadata.name\"}]}");
        ValidatingWebhookConfiguration old = vwc(legacy, legacy);
        assertThat(created(validating, vwc(legacy, legacy))).isNotEmpty();
        assertThat(updated(validating, vwc(legacy, legacy), old)).isEmpty();
        // what the old object did not do is still refused: a second pair of side effects on a strict object ...
        ValidatingWebhookConfiguration strict = vwc(WEBHOOK);
        assertThat(updated(validating, vwc(hook("{\"sideEffects\":\"Some\"}")), strict)).containsExactly(
                AT + "sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"");
        // ... and a changed match condition is compiled again
        assertThat(updated(validating, vwc(hook("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"1\"}]}"),
                hook("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"object\"}]}")), old))
                .contains(AT + "matchConditions[0].expression: Invalid value: \"1\": must evaluate to bool but got int");
    }

    @Test
    void aNameWithTheStaticSuffixIsWarnedAbout() {
        ValidatingWebhookConfiguration c = vwc(WEBHOOK);
        c.getMetadata().setName("x.static.k8s.io");
        assertThat(validating.warnings(c)).containsExactly("metadata.name: names ending with \".static.k8s.io\" are "
                + "reserved for static manifest-based configurations and cannot be managed via the API");
        assertThat(mutating.warnings(mwc(WEBHOOK))).isEmpty();
    }

    @Test
    void columnsAreNameWebhooksAge() {
        assertThat(headers(validating)).containsExactly("Name", "Webhooks", "Age");
        assertThat(headers(mutating)).containsExactly("Name", "Webhooks", "Age");
        assertThat(cells(validating, vwc(WEBHOOK, hook("{\"name\":\"b.example.com\"}")))).startsWith("hooks", 2L);
        assertThat(cells(mutating, mwc())).startsWith("hooks", 0L);
    }
}
