package dev.kapi.apiserver.registry.groups.admissionregistration;

import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.cells;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.created;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.headers;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.object;
import static dev.kapi.apiserver.registry.groups.admissionregistration.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ValidatingAdmissionPolicyBinding: defaults, kube's validation as a table of changes of {@link #SPEC}, columns. */
class ValidatingAdmissionPolicyBindingStrategyTest {

    private final ValidatingAdmissionPolicyBindingStrategy strategy = new ValidatingAdmissionPolicyBindingStrategy();

    static final String SPEC = """
            {"policyName":"policy.example.com","validationActions":["Deny"]}""";

    private static ValidatingAdmissionPolicyBinding binding(String specChange) {
        return object(ValidatingAdmissionPolicyBinding.class, "binding", "\"spec\":" + with(SPEC, specChange));
    }

    static Stream<Arguments> specCases() {
        return Stream.of(
                Arguments.of("{}", List.of()),
                Arguments.of("{\"validationActions\":[\"Warn\",\"Audit\"]}", List.of()),
                Arguments.of("{\"policyName\":null}", List.of("spec.policyName: Required value")),
                Arguments.of("{\"policyName\":\"Policy\"}", List.of("spec.policyName: Invalid value: \"Policy\": a "
                        + "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                        + "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                        + "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")),
                Arguments.of("{\"validationActions\":null}",
                        List.of("spec.validationActions: Required value: at least one validation action is required")),
                Arguments.of("{\"validationActions\":[\"Deny\",\"Block\",\"Deny\",\"Warn\"]}", List.of(
                        "spec.validationActions[1]: Unsupported value: \"Block\": supported values: \"Audit\", \"Deny\", "
                                + "\"Warn\"",
                        "spec.validationActions[2]: Duplicate value: \"Deny\"",
                        "spec.validationActions: Invalid value: []admissionregistration.ValidationAction{\"Deny\", "
                                + "\"Block\", \"Deny\", \"Warn\"}: must not contain both Deny and Warn (repeating the same "
                                + "validation failure information in the API response and headers serves no purpose)")),
                Arguments.of("{\"paramRef\":{\"name\":\"cfg\",\"parameterNotFoundAction\":\"Allow\"}}", List.of()),
                Arguments.of("{\"paramRef\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"parameterNotFoundAction\":"
                        + "\"Deny\"}}", List.of()),
                Arguments.of("{\"paramRef\":{}}", List.of(
                        "spec.paramRef: Required value: one of name or selector must be specified",
                        "spec.paramRef.parameterNotFoundAction: Required value")),
                Arguments.of("{\"paramRef\":{\"name\":\"a/b\",\"selector\":{\"matchExpressions\":[{\"key\":\"k\","
                        + "\"operator\":\"Exists\",\"values\":[\"v\"]}]},\"parameterNotFoundAction\":\"Ignore\"}}", List.of(
                        "spec.paramRef.name: Invalid value: \"a/b\": may not contain '/'",
                        "spec.paramRef.name: Forbidden: name and selector are mutually exclusive",
                        "spec.paramRef.selector.matchExpressions[0].values: Forbidden: may not be specified when "
                                + "`operator` is 'Exists' or 'DoesNotExist'",
                        "spec.paramRef.selector: Forbidden: name and selector are mutually exclusive",
                        "spec.paramRef.parameterNotFoundAction: Unsupported value: \"Ignore\": supported values: "
                                + "\"Deny\", \"Allow\"")),
                Arguments.of("{\"matchResources\":{\"matchPolicy\":\"Exact\",\"resourceRules\":[{\"apiGroups\":[\"\"],"
                        + "\"apiVersions\":[\"v1\"],\"operations\":[\"PATCH\"],\"resources\":[\"pods\"]}]}}", List.of(
                        "spec.matchResouces.resourceRules[0].operations[0]: Unsupported value: \"PATCH\": supported values: "
                                + "\"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specCases")
    void specIsValidatedAsKubeDoes(String change, List<String> expected) {
        assertThat(created(strategy, binding(change))).containsExactlyElementsOf(expected);
    }

    @Test
    void matchResourcesAreDefaultedWhenPresentAndNothingElseIs() {
        ValidatingAdmissionPolicyBinding b = binding("{\"matchResources\":{},\"paramRef\":{\"name\":\"p\","
                + "\"parameterNotFoundAction\":\"Deny\"}}");
        assertThat(created(strategy, b)).isEmpty();
        assertThat(Json.tree(b.getSpec()).toString()).isEqualTo(Fixtures.json("""
                {"matchResources":{"matchPolicy":"Equivalent","namespaceSelector":{},"objectSelector":{}},
                 "paramRef":{"name":"p","parameterNotFoundAction":"Deny"},"policyName":"policy.example.com",
                 "validationActions":["Deny"]}""").toString());
        ValidatingAdmissionPolicyBinding plain = binding("{}");
        created(strategy, plain);
        assertThat(plain.getSpec().getMatchResources()).isNull();
    }

    @Test
    void columnsAreNamePolicyNameParamRefAge() {
        assertThat(headers(strategy)).containsExactly("Name", "PolicyName", "ParamRef", "Age");
        assertThat(cells(strategy, binding("{}"))).startsWith("binding", "policy.example.com", "<unset>");
        assertThat(cells(strategy, binding("{\"paramRef\":{\"name\":\"cfg\",\"namespace\":\"ns\"}}")))
                .startsWith("binding", "policy.example.com", "ns/cfg");
        assertThat(cells(strategy, binding("{\"paramRef\":{\"name\":\"cfg\"}}")))
                .startsWith("binding", "policy.example.com", "*/cfg");
        assertThat(cells(strategy, binding("{\"paramRef\":{\"selector\":{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"},"
                + "\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\",\"values\":[\"x\",\"y\"]}]}}}")))
                .startsWith("binding", "policy.example.com", "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},"
                        + "MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,"
                        + "Values:[x y],},},}");
    }
}
