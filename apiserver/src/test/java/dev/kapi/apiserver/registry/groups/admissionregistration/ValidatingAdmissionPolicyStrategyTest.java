package dev.kapi.apiserver.registry.groups.admissionregistration;

import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.cells;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.created;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.headers;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.object;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.updated;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ValidatingAdmissionPolicy: v1's defaults, kube's spec validation (a table of changes of {@link #SPEC} and
 * kube's errors), CEL compile checks of each kind of expression, the status's validation and the columns.
 */
class ValidatingAdmissionPolicyStrategyTest {

    private final ValidatingAdmissionPolicyStrategy strategy = new ValidatingAdmissionPolicyStrategy();

    /** A policy spec kube accepts. */
    static final String SPEC = """
            {"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],
               "operations":["CREATE","UPDATE"],"resources":["deployments"]}]},
             "validations":[{"expression":"object.spec.replicas <= 5"}]}""";

    private static ValidatingAdmissionPolicy policy(String specChange) {
        return object(ValidatingAdmissionPolicy.class, "policy.example.com", "\"spec\":" + with(SPEC, specChange));
    }

    private static final String PARAMS = "\"paramKind\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}";

    static Stream<Arguments> specCases() {
        String annotations21 = IntStream.range(0, 21).mapToObj(i -> "{\"key\":\"k" + i + "\",\"valueExpression\":\"'v'\"}")
                .collect(Collectors.joining(",", "[", "]"));
        return Stream.of(
                Arguments.of("{}", List.of()),
                Arguments.of("{\"failurePolicy\":\"Retry\"}", List.of("spec.failurePolicy: Unsupported value: \"Retry\": "
                        + "supported values: \"Fail\", \"Ignore\"")),
                Arguments.of("{\"matchConstraints\":null}", List.of("spec.matchConstraints: Required value")),
                Arguments.of("{\"matchConstraints\":{}}", List.of("spec.matchConstraints.resourceRules: Required value")),
                Arguments.of("{\"matchConstraints\":{\"matchPolicy\":\"Loose\",\"resourceRules\":[{\"apiGroups\":[\"\"],"
                        + "\"apiVersions\":[\"v1\"],\"operations\":[\"CREATE\"],\"resources\":[\"pods/log\"],"
                        + "\"resourceNames\":[\"a\",\"a\",\"b/c\"]}],\"namespaceSelector\":{\"matchLabels\":{\"x\":\"-\"}}}}",
                        List.of("spec.matchConstraints.matchPolicy: Unsupported value: \"Loose\": supported values: "
                                        + "\"Equivalent\", \"Exact\"",
                                "spec.matchConstraints.namespaceSelector.matchLabels: Invalid value: \"-\": a valid label "
                                        + "must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                                        + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                                        + "'my_value',  or '12345', regex used for validation is "
                                        + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                                "spec.matchConstraints.resourceRules[0].resourceNames[1]: Duplicate value: \"a\"",
                                "spec.matchConstraints.resourceRules[0].resourceNames[2]: Invalid value: \"b/c\": may not "
                                        + "contain '/'")),
                Arguments.of("{\"validations\":null}", List.of(
                        "spec.validations: Required value: validations or auditAnnotations must contain at least one item",
                        "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one "
                                + "item")),
                Arguments.of("{\"validations\":[{\"expression\":\"object.x in [1, 2, \"}]}", List.of(
                        "spec.validations[0].expression: Invalid value: \"object.x in [1, 2, \": compilation failed: "
                                + "ERROR: <input>:1:20: Syntax error: missing ']' at '<EOF>'\n | object.x in [1, 2, \n"
                                + " | ...................^")),
                Arguments.of("{\"validations\":[{\"expression\":\" \",\"messageExpression\":\"0 == 0\","
                        + "\"reason\":\"Conflict\"}]}", List.of(
                        "spec.validations[0].expression: Required value: expression is not specified",
                        "spec.validations[0].messageExpression: Invalid value: \"0 == 0\": must evaluate to string but "
                                + "got bool",
                        "spec.validations[0].reason: Unsupported value: \"Conflict\": supported values: \"Forbidden\", "
                                + "\"Invalid\", \"RequestEntityTooLarge\"")),
                Arguments.of("{\"validations\":[{\"expression\":\"true\",\"messageExpression\":\"  \",\"message\":\" \"}]}",
                        List.of("spec.validations[0].messageExpression: Invalid value: \"  \": must be non-empty if "
                                        + "specified",
                                "spec.validations[0].message: Invalid value: \" \": message must be non-empty if specified")),
                Arguments.of("{\"validations\":[{\"expression\":\"authorizer.path('/healthz').check('get').allowed()\","
                        + "\"messageExpression\":\"'denied: ' + object.metadata.name\",\"reason\":\"Forbidden\"}]}", List.of()),
                Arguments.of("{\"validations\":[{\"expression\":\"true\",\"messageExpression\":\"authorizer.path('/').check"
                        + "('get').reason()\"}]}", List.of("spec.validations[0].messageExpression: Invalid value: "
                        + "\"authorizer.path('/').check('get').reason()\": compilation failed: ERROR: <input>:1:1: "
                        + "undeclared reference to 'authorizer' (in container '')\n"
                        + " | authorizer.path('/').check('get').reason()\n | ^")),
                Arguments.of("{\"validations\":[{\"expression\":\"object.spec.replicas <= params.data.max\"}]}", List.of(
                        "spec.validations[0].expression: Invalid value: \"object.spec.replicas <= params.data.max\": "
                                + "compilation failed: ERROR: <input>:1:25: undeclared reference to 'params' (in container "
                                + "'')\n | object.spec.replicas <= params.data.max\n | ........................^")),
                Arguments.of("{" + PARAMS + ",\"validations\":[{\"expression\":\"object.spec.replicas <= params.data.max\","
                        + "\"messageExpression\":\"params.data.msg\"}],\"matchConditions\":[{\"name\":\"p\","
                        + "\"expression\":\"params != null\"}]}", List.of(
                        "spec.validations[0].messageExpression: Invalid value: \"params.data.msg\": must evaluate to "
                                + "string but got dyn")),
                Arguments.of("{\"paramKind\":{\"apiVersion\":\"a/b/c\",\"kind\":\"Config_Map\"}}", List.of(
                        "spec.paramKind.apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion string: a/b/c",
                        "spec.paramKind.kind: Invalid value: \"Config_Map\": may have mixed case, but should otherwise "
                                + "match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
                                + "with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  "
                                + "or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")),
                Arguments.of("{\"paramKind\":{\"apiVersion\":\"example.com/\"}}", List.of(
                        "spec.paramKind.apiVersion: Invalid value: \"example.com/\": version must be specified",
                        "spec.paramKind.kind: Required value")),
                Arguments.of("{\"paramKind\":{\"apiVersion\":\"Example.com/v1\",\"kind\":\"Cfg\"}}", List.of(
                        "spec.paramKind.apiVersion: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must "
                                + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
                                + "an alphanumeric character (e.g. 'example.com', regex used for validation is "
                                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
                Arguments.of("{\"variables\":[{\"name\":\"env\",\"expression\":\"object.metadata.labels['env'] == 'prod'\"},"
                        + "{\"name\":\"replicas\",\"expression\":\"object.spec.replicas\"}],"
                        + "\"validations\":[{\"expression\":\"variables.env\"},{\"expression\":\"variables.replicas < 5\"}]}",
                        List.of()),
                Arguments.of("{\"variables\":[{\"name\":\"in\",\"expression\":\"variables.later\"},{\"name\":\" \","
                        + "\"expression\":\"\"},{\"name\":\"later\",\"expression\":\"1\"}],"
                        + "\"validations\":[{\"expression\":\"variables.later\"},{\"expression\":\"variables.nope\"}]}",
                        List.of("spec.variables[0].name: Invalid value: \"in\": name is not a valid CEL identifier",
                                "spec.variables[0].expression: Invalid value: \"variables.later\": compilation failed: "
                                        + "ERROR: <input>:1:10: undefined field 'later'\n | variables.later\n"
                                        + " | .........^",
                                "spec.variables[1].name: Required value: name is not specified",
                                "spec.variables[1].expression: Required value: expression is not specified",
                                "spec.validations[0].expression: Invalid value: \"variables.later\": must evaluate to "
                                        + "bool but got int",
                                "spec.validations[1].expression: Invalid value: \"variables.nope\": compilation failed: "
                                        + "ERROR: <input>:1:10: undefined field 'nope'\n | variables.nope\n"
                                        + " | .........^")),
                Arguments.of("{\"validations\":[{\"expression\":\"variables.x\"}]}", List.of(
                        "spec.validations[0].expression: Invalid value: \"variables.x\": compilation failed: ERROR: "
                                + "<input>:1:1: undeclared reference to 'variables' (in container '')\n | variables.x\n | ^")),
                Arguments.of("{\"validations\":null,\"auditAnnotations\":[{\"key\":\"replicas\",\"valueExpression\":"
                        + "\"'n=' + string(object.spec.replicas)\"},{\"key\":\"none\",\"valueExpression\":\"null\"},{\"key\":\"bad key\",\"valueExpression\":\" \"},"
                        + "{\"key\":\"replicas\",\"valueExpression\":\"1\"}]}", List.of(
                        "spec.auditAnnotations[2].key: Invalid value: \"policy.example.com/bad key\": name part must "
                                + "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                                + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                                + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                        "spec.auditAnnotations[2].valueExpression: Required value: valueExpression is not specified",
                        "spec.auditAnnotations[3].valueExpression: Invalid value: \"1\": must evaluate to one of "
                                + "[string null_type] but got int",
                        "spec.auditAnnotations[3].key: Duplicate value: \"replicas\"")),
                Arguments.of("{\"validations\":null,\"auditAnnotations\":" + annotations21 + "}", List.of(
                        "spec.auditAnnotations: Invalid value: []admissionregistration.AuditAnnotation{"
                                + IntStream.range(0, 21).mapToObj(i -> "admissionregistration.AuditAnnotation{Key:\"k" + i
                                        + "\", ValueExpression:\"'v'\"}").collect(Collectors.joining(", "))
                                + "}: must not have more than 20 auditAnnotations")),
                Arguments.of("{\"validations\":[null],\"variables\":[null]}", List.of(
                        "spec.variables[0].name: Required value: name is not specified",
                        "spec.variables[0].expression: Required value: expression is not specified",
                        "spec.validations[0].expression: Required value: expression is not specified")),
                Arguments.of("{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"params.x\"}]}", List.of(
                        "spec.matchConditions[0].expression: Invalid value: \"params.x\": compilation failed: ERROR: "
                                + "<input>:1:1: undeclared reference to 'params' (in container '')\n | params.x\n | ^")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specCases")
    void specIsValidatedAsKubeDoes(String change, List<String> expected) {
        assertThat(created(strategy, policy(change))).containsExactlyElementsOf(expected);
    }

    @Test
    void aMessageHasNoLineBreaks() {
        ValidatingAdmissionPolicy p = policy("{\"validations\":[{\"expression\":\"true\",\"message\":\"a\\r\\nb\"}]}");
        strategy.applyDefaults(p);
        List<FieldError> errs = strategy.validate(p);
        assertThat(errs).extracting(FieldError::field, FieldError::badValue, FieldError::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("spec.validations[0].message", "a\r\nb",
                        "message must not contain line breaks"));
    }

    @Test
    void defaultsAreV1sAndCreateStartsWithAnEmptyStatus() {
        ValidatingAdmissionPolicy p = policy("{\"matchConstraints\":{\"resourceRules\":[{\"apiGroups\":[\"\"],"
                + "\"apiVersions\":[\"v1\"],\"operations\":[\"*\"],\"resources\":[\"pods\"]}],"
                + "\"excludeResourceRules\":[{\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],\"operations\":[\"*\"],"
                + "\"resources\":[\"pods\"],\"resourceNames\":[\"p\"],\"scope\":\"Namespaced\"}]}}");
        p.setStatus(Json.read("{\"observedGeneration\":7}".getBytes(StandardCharsets.UTF_8),
                ValidatingAdmissionPolicyStatus.class));
        assertThat(created(strategy, p)).isEmpty();
        assertThat(Json.tree(p.getSpec()).toString()).isEqualTo(Fixtures.json("""
                {"failurePolicy":"Fail",
                 "matchConstraints":{"excludeResourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["*"],
                     "resourceNames":["p"],"resources":["pods"],"scope":"Namespaced"}],
                   "matchPolicy":"Equivalent","namespaceSelector":{},"objectSelector":{},
                   "resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["*"],"resources":["pods"],
                     "scope":"*"}]},
                 "validations":[{"expression":"object.spec.replicas <= 5"}]}""").toString());
        assertThat(p.getStatus().getObservedGeneration()).isNull();
    }

    @Test
    void anUpdateCompilesMatchConditionsAgainOnlyWhenTheyOrTheParamKindChanged() {
        String stale = "{\"matchConditions\":[{\"name\":\"m\",\"expression\":\"object.metadata.name\"}]}";
        ValidatingAdmissionPolicy old = policy(stale);
        assertThat(updated(strategy, policy(stale), old)).isEmpty();
        assertThat(updated(strategy, policy("{" + PARAMS + "," + stale.substring(1)), old)).containsExactly(
                "spec.matchConditions[0].expression: Invalid value: \"object.metadata.name\": must evaluate to bool but "
                        + "got dyn");
        assertThat(updated(strategy, policy("{\"validations\":[{\"expression\":\"1\"}]," + stale.substring(1)), old))
                .containsExactly("spec.validations[0].expression: Invalid value: \"1\": must evaluate to bool but got int");
    }

    @Test
    void statusWritesAreValidated() {
        ValidatingAdmissionPolicy p = policy("{}");
        p.setStatus(Json.read("""
                {"observedGeneration":1,
                 "typeChecking":{"expressionWarnings":[{"fieldRef":"spec.validations[0].expression","warning":"w"},
                   {"fieldRef":" ","warning":""}]},
                 "conditions":[{"type":"Ready","status":"True","reason":"Checked","lastTransitionTime":"2024-01-01T00:00:00Z"},
                   {"type":"Ready","status":"Maybe","reason":"1st","observedGeneration":-1}]}"""
                .getBytes(StandardCharsets.UTF_8), ValidatingAdmissionPolicyStatus.class));
        assertThat(strategy.validateStatusUpdate(p, policy("{}"))).map(FieldError::toString).containsExactly(
                "status.typeChecking.expressionWarnings[1].warning: Required value",
                "status.typeChecking.expressionWarnings[1].fieldRef: Required value",
                "status.conditions[1].type: Duplicate value: \"Ready\"",
                "status.conditions[1].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", "
                        + "\"Unknown\"",
                "status.conditions[1].observedGeneration: Invalid value: -1: must be greater than or equal to zero",
                "status.conditions[1].lastTransitionTime: Required value: must be set",
                "status.conditions[1].reason: Invalid value: \"1st\": a condition reason must start with alphabetic "
                        + "character, optionally followed by a string of alphanumeric characters or '_,:', and must end "
                        + "with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or "
                        + "'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is "
                        + "'[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')");
    }

    @Test
    void columnsAreNameValidationsParamKindAge() {
        assertThat(headers(strategy)).containsExactly("Name", "Validations", "ParamKind", "Age");
        assertThat(cells(strategy, policy("{}"))).startsWith("policy.example.com", 1L, "<unset>");
        assertThat(cells(strategy, policy("{" + PARAMS + "}"))).startsWith("policy.example.com", 1L, "v1/ConfigMap");
    }

    @Test
    void variablesAreDeclaredAsKubeDeclaresThem() {
        // an object-typed variable is dyn for what follows; one without an expression is not declared at all
        assertThat(created(strategy, policy("{\"variables\":[{\"name\":\"user\",\"expression\":\"request.userInfo\"},"
                + "{\"name\":\"blank\",\"expression\":\" \"}],\"validations\":[{\"expression\":\"variables.user.nme == 'x'\"},"
                + "{\"expression\":\"variables.blank\"}]}"))).containsExactly(
                "spec.variables[1].expression: Required value: expression is not specified",
                "spec.validations[1].expression: Invalid value: \"variables.blank\": compilation failed: ERROR: "
                        + "<input>:1:10: undefined field 'blank'\n | variables.blank\n | .........^");
    }

    @Test
    void literalsMustBeHomogeneous() {
        assertThat(created(strategy, policy("{\"validations\":[{\"expression\":\"[1, 'a'].size() == 2\"}]}")))
                .containsExactly("spec.validations[0].expression: Invalid value: \"[1, 'a'].size() == 2\": compilation "
                        + "failed: ERROR: <input>:1:5: expected type 'int' but found 'string'\n | [1, 'a'].size() == 2\n"
                        + " | ....^");
    }
}
