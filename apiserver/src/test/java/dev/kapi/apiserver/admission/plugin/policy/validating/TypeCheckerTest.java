package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ExpressionWarning;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

/** Type checking against the schemas of the matched kinds and the paramKind, as kube's status controller does. */
class TypeCheckerTest {

    static final GroupVersionKind DEPLOYMENT = new GroupVersionKind("apps", "v1", "Deployment");
    static final GroupVersionKind CONFIGMAP = new GroupVersionKind("", "v1", "ConfigMap");

    static final TypeChecker CHECKER = new TypeChecker(new TypeChecker.Schemas() {
        @Override
        public List<GroupVersionKind> kindsFor(GroupVersionResource resource) {
            return resource.equals(new GroupVersionResource("apps", "v1", "deployments")) ? List.of(DEPLOYMENT)
                    : List.of();
        }

        @Override
        public Optional<Schema> schema(GroupVersionKind kind) {
            Map<GroupVersionKind, Class<?>> types = Map.of(DEPLOYMENT, Deployment.class, CONFIGMAP, ConfigMap.class);
            return Optional.ofNullable(types.get(kind)).map(BuiltInSchemas::of);
        }
    });

    static List<ExpressionWarning> check(String expression, String messageExpression) {
        return CHECKER.check(policy("p", s -> s.withNewParamKind().withApiVersion("v1").withKind("ConfigMap")
                .endParamKind().addNewVariable().withName("labels").withExpression("object.metadata.labels")
                .endVariable().addNewValidation().withExpression(expression).withMessageExpression(messageExpression)
                .endValidation()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            object.spec.replicas <= int(params.data.max)
            object.spec.template.spec.containers.all(c, c.image.startsWith('registry/'))
            object.metadata.name.size() < 10 && object.metadata.namespace != 'x'
            has(object.spec.strategy) && variables.labels['app'] == 'web'
            oldObject == null || object.spec.selector == oldObject.spec.selector
            request.userInfo.username != '' && params.metadata.name == 'limits'
            """)
    void wellTypedExpressionsHaveNoWarnings(String expression) {
        assertThat(check(expression, "'too many: ' + string(object.spec.replicas)")).isEmpty();
    }

    @Test
    void aFieldTheKindDoesNotHaveIsAWarningNamingTheKind() {
        assertThat(check("object.spec.replica > 1", null)).singleElement().satisfies(w -> {
            assertThat(w.getFieldRef()).isEqualTo("spec.validations[0].expression");
            assertThat(w.getWarning()).isEqualTo("apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field "
                    + "'replica'\n | object.spec.replica > 1\n | ...........^\n");
        });
    }

    @Test
    void messageExpressionsAndParamsAreChecked() {
        assertThat(check("true", "params.date.max")).singleElement().satisfies(w -> {
            assertThat(w.getFieldRef()).isEqualTo("spec.validations[0].messageExpression");
            assertThat(w.getWarning()).startsWith("apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'date'");
        });
        assertThat(check("object.spec.replicas == 'three'", null)).singleElement().satisfies(w ->
                assertThat(w.getWarning()).startsWith("apps/v1, Kind=Deployment: ERROR: <input>:1:22: found no "
                        + "matching overload for '_==_' applied to '(int, string)'"));
    }

    @Test
    void anExpressionThatDoesNotCompileIsReportedForEachKind() {
        assertThat(check("object.spec.replicas <", null)).singleElement().satisfies(w ->
                assertThat(w.getWarning()).startsWith("apps/v1, Kind=Deployment: ERROR: <input>:1:23: Syntax error: "
                        + "mismatched input '<EOF>'"));
    }

    @Test
    void withoutAKindToCheckAnExpressionThatDoesNotCompileIsStillReported() {
        var wildcard = policy("p", s -> s.withNewMatchConstraints().addNewResourceRule().withApiGroups("*")
                .withApiVersions("*").withOperations("*").withResources("*").endResourceRule().endMatchConstraints()
                .addNewValidation().withExpression("object.spec.replica > 1").endValidation()
                .addNewValidation().withExpression("object.(").endValidation());
        assertThat(CHECKER.check(wildcard)).singleElement().satisfies(w -> {
            assertThat(w.getFieldRef()).isEqualTo("spec.validations[1].expression");
            assertThat(w.getWarning()).startsWith("ERROR: <input>:1:8: Syntax error:");
        });
    }
}
