package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.ConfigMaps;
import dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.Recorder;
import dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.Source;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.binding;
import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.configMap;
import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.create;
import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.deployment;
import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.plugin;
import static dev.kapi.apiserver.admission.plugin.policy.validating.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The plugin's decisions for a Deployment in namespace prod, as tables of policies, bindings and params. */
class ValidatingAdmissionPolicyPluginTest {

    private static final String DENIED = "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy ";
    private static final String MAX = "object.spec.replicas <= int(params.data.maxReplicas)";
    private static final String K = "k".repeat(1000);
    /** Would build a string of 4 * 10^9 characters: the per-call cost limit must refuse it before. */
    private static final String REPLACE_CHAIN = "object.metadata.name.replace('', '" + K + "').replace('', '" + K
            + "').replace('', '" + K + "').size() > 0";

    /** A request of {@code replicas} in prod against {@code objects}; expect {@code code} (0: admitted) and message. */
    record Case(String name, int replicas, List<HasMetadata> objects, List<ConfigMap> params, int code,
                String message, List<String> warnings, Map<String, String> annotations) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case admitted(String name, int replicas, List<HasMetadata> objects, List<ConfigMap> params) {
        return new Case(name, replicas, objects, params, 0, null, List.of(), Map.of());
    }

    static Case denied(String name, int replicas, List<HasMetadata> objects, List<ConfigMap> params, int code,
                       String message) {
        return new Case(name, replicas, objects, params, code, message, List.of(), Map.of());
    }

    static HasMetadata maxReplicas(String... actions) {
        return binding("max-binding", "max", b -> b.withValidationActions(actions).withNewParamRef().withName("limits")
                .withParameterNotFoundAction("Deny").endParamRef());
    }

    static HasMetadata paramsPolicy(String expression) {
        return policy("max", s -> s.withNewParamKind().withApiVersion("v1").withKind("ConfigMap").endParamKind()
                .addNewValidation().withExpression(expression).endValidation());
    }

    static final List<ConfigMap> LIMITS = List.of(configMap("prod", "limits", "5"));

    static Stream<Case> cases() {
        return Stream.of(
                admitted("within the params' limit", 5, List.of(paramsPolicy(MAX), maxReplicas("Deny")), LIMITS),
                denied("over the params' limit: kube's message, 422 Invalid", 6,
                        List.of(paramsPolicy(MAX), maxReplicas("Deny")), LIMITS, 422,
                        DENIED + "'max' with binding 'max-binding' denied request: failed expression: " + MAX),
                denied("a message", 6, List.of(policy("max", s -> s.addNewValidation().withExpression(
                                "object.spec.replicas < 5").withMessage(" too many replicas ").endValidation()),
                                binding("b", "max", b -> b)), List.of(), 422,
                        DENIED + "'max' with binding 'b' denied request: too many replicas"),
                denied("a messageExpression wins over the message", 6, List.of(policy("max", s -> s.withNewParamKind()
                                .withApiVersion("v1").withKind("ConfigMap").endParamKind().addNewValidation()
                                .withExpression(MAX).withMessage("static")
                                .withMessageExpression("'replicas ' + string(object.spec.replicas) + ' > ' + params.data.maxReplicas")
                                .endValidation()), maxReplicas("Deny")), LIMITS, 422,
                        DENIED + "'max' with binding 'max-binding' denied request: replicas 6 > 5"),
                denied("a messageExpression that fails falls back to the message", 6, List.of(policy("max",
                                s -> s.addNewValidation().withExpression("false").withMessage("static")
                                        .withMessageExpression("object.nope").endValidation()),
                                binding("b", "max", b -> b)), List.of(), 422,
                        DENIED + "'max' with binding 'b' denied request: static"),
                denied("reason Forbidden is a 403", 6, List.of(policy("max", s -> s.addNewValidation()
                                .withExpression("object.spec.replicas < 5").withReason("Forbidden").endValidation()),
                                binding("b", "max", b -> b)), List.of(), 403,
                        DENIED + "'max' with binding 'b' denied request: failed expression: object.spec.replicas < 5"),
                admitted("variables", 3, List.of(policy("max", s -> s.addNewVariable().withName("r")
                                .withExpression("object.spec.replicas").endVariable().addNewVariable().withName("ok")
                                .withExpression("variables.r < 4").endVariable().addNewValidation()
                                .withExpression("variables.ok").endValidation()), binding("b", "max", b -> b)),
                        List.of()),
                denied("variables deny", 4, List.of(policy("max", s -> s.addNewVariable().withName("r")
                                .withExpression("object.spec.replicas").endVariable().addNewValidation()
                                .withExpression("variables.r < 4").endValidation()), binding("b", "max", b -> b)),
                        List.of(), 422, DENIED + "'max' with binding 'b' denied request: failed expression: variables.r < 4"),
                admitted("missing params with Allow: not evaluated", 9, List.of(paramsPolicy(MAX),
                        binding("max-binding", "max", b -> b.withNewParamRef().withName("limits")
                                .withParameterNotFoundAction("Allow").endParamRef())), List.of()),
                denied("missing params with Deny", 9, List.of(paramsPolicy(MAX), maxReplicas("Deny")), List.of(), 422,
                        DENIED + "'max' with binding 'max-binding' denied request: failed to configure binding: "
                                + "no params found for policy binding with `Deny` parameterNotFoundAction"),
                admitted("missing params with Deny, failurePolicy Ignore", 9, List.of(policy("max", s -> s
                        .withFailurePolicy("Ignore").withNewParamKind().withApiVersion("v1").withKind("ConfigMap")
                        .endParamKind().addNewValidation().withExpression(MAX).endValidation()), maxReplicas("Deny")),
                        List.of()),
                denied("every param a selector finds is evaluated", 6, List.of(paramsPolicy(MAX),
                                binding("by-label", "max", b -> b.withNewParamRef().withNewSelector()
                                        .addToMatchLabels("limits", "yes").endSelector()
                                        .withParameterNotFoundAction("Deny").endParamRef())),
                        List.of(configMap("prod", "a", "10", "limits", "yes"), configMap("prod", "b", "5", "limits", "yes"),
                                configMap("prod", "c", "1")), 422,
                        DENIED + "'max' with binding 'by-label' denied request: failed expression: " + MAX),
                denied("a paramKind the server does not serve", 1, List.of(policy("max", s -> s.withNewParamKind()
                                .withApiVersion("example.com/v1").withKind("Limit").endParamKind().addNewValidation()
                                .withExpression("true").endValidation()), maxReplicas("Deny")), List.of(), 422,
                        DENIED + "'max' denied request: failed to configure policy: failed to find resource "
                                + "referenced by paramKind: 'example.com/v1, Kind=Limit'"),
                denied("an expression that does not compile, failurePolicy Fail", 1, List.of(policy("max",
                                s -> s.addNewValidation().withExpression("object.spec.replicas <").endValidation()),
                                binding("b", "max", b -> b)), List.of(), 422,
                        DENIED + "'max' with binding 'b' denied request: compilation error: compilation failed: "
                                + "ERROR: <input>:1:23: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n"
                                + " | object.spec.replicas <\n | ......................^"),
                admitted("an expression that does not compile, failurePolicy Ignore", 1, List.of(policy("max",
                        s -> s.withFailurePolicy("Ignore").addNewValidation().withExpression("object.spec.replicas <")
                                .endValidation()), binding("b", "max", b -> b)), List.of()),
                denied("a runtime error, failurePolicy Fail", 1, List.of(policy("max", s -> s.addNewValidation()
                                .withExpression("object.spec.nope > 1").endValidation()), binding("b", "max", b -> b)),
                        List.of(), 422, DENIED + "'max' with binding 'b' denied request: expression "
                                + "'object.spec.nope > 1' resulted in error: no such key: nope"),
                denied("a replace chain over the cost limit, failurePolicy Fail", 1, List.of(policy("max",
                                s -> s.addNewValidation().withExpression(REPLACE_CHAIN).endValidation()),
                                binding("b", "max", b -> b)), List.of(), 422, DENIED + "'max' with binding 'b' denied "
                                + "request: expression '" + REPLACE_CHAIN + "' resulted in error: operation cancelled: "
                                + "actual cost limit exceeded"),
                admitted("a replace chain over the cost limit, failurePolicy Ignore", 1, List.of(policy("max",
                        s -> s.withFailurePolicy("Ignore").addNewValidation().withExpression(REPLACE_CHAIN)
                                .endValidation()), binding("b", "max", b -> b)), List.of()),
                admitted("the binding's matchResources narrow the policy", 9, List.of(policy("max", s -> s
                        .addNewValidation().withExpression("false").endValidation()), binding("b", "max", b -> b
                        .withNewMatchResources().withNewNamespaceSelector().addToMatchLabels("env", "development")
                        .endNamespaceSelector().endMatchResources())), List.of()),
                denied("the binding's matchResources select prod", 9, List.of(policy("max", s -> s
                        .addNewValidation().withExpression("false").endValidation()), binding("b", "max", b -> b
                        .withNewMatchResources().withNewNamespaceSelector().addToMatchLabels("env", "production")
                        .endNamespaceSelector().endMatchResources())), List.of(), 422,
                        DENIED + "'max' with binding 'b' denied request: failed expression: false"),
                admitted("an excluded resource rule", 9, List.of(policy("max", s -> s.editMatchConstraints()
                        .addNewExcludeResourceRule().withApiGroups("apps").withApiVersions("*")
                        .withOperations("*").withResources("deployments").withResourceNames("web")
                        .endExcludeResourceRule().endMatchConstraints().addNewValidation().withExpression("false")
                        .endValidation()), binding("b", "max", b -> b)), List.of()),
                admitted("another resource", 9, List.of(policy("max", s -> s.editMatchConstraints()
                        .editFirstResourceRule().withResources("statefulsets").endResourceRule()
                        .endMatchConstraints().addNewValidation().withExpression("false").endValidation()),
                        binding("b", "max", b -> b)), List.of()),
                admitted("a false match condition skips the policy", 9, List.of(policy("max", s -> s
                        .addNewMatchCondition().withName("small").withExpression("object.spec.replicas < 3")
                        .endMatchCondition().addNewValidation().withExpression("false").endValidation()),
                        binding("b", "max", b -> b)), List.of()),
                admitted("the authorizer in a validation", 9, List.of(policy("max", s -> s.addNewValidation()
                        .withExpression("authorizer.requestResource.check('create').allowed()").endValidation()),
                        binding("b", "max", b -> b)), List.of()),
                denied("namespaceObject in a validation", 1, List.of(policy("max", s -> s.addNewValidation()
                                .withExpression("namespaceObject.metadata.labels.env != 'production'").endValidation()),
                                binding("b", "max", b -> b)), List.of(), 422,
                        DENIED + "'max' with binding 'b' denied request: failed expression: "
                                + "namespaceObject.metadata.labels.env != 'production'"),
                admitted("a binding without its policy", 9, List.of(binding("b", "gone", b -> b)), List.of()),
                admitted("a policy without a binding", 9, List.of(policy("max", s -> s.addNewValidation()
                        .withExpression("false").endValidation())), List.of()),
                new Case("Warn", 6, List.of(paramsPolicy(MAX), maxReplicas("Warn")), LIMITS, 0, null,
                        List.of("Validation failed for ValidatingAdmissionPolicy 'max' with binding 'max-binding': "
                                + "failed expression: " + MAX), Map.of()),
                new Case("Audit", 6, List.of(paramsPolicy(MAX), maxReplicas("Audit", "Warn")), LIMITS, 0, null,
                        List.of("Validation failed for ValidatingAdmissionPolicy 'max' with binding 'max-binding': "
                                + "failed expression: " + MAX),
                        Map.of(ValidatingAdmissionPolicyPlugin.VALIDATION_FAILURE, "[{\"message\":\"failed expression: "
                                + MAX + "\",\"policy\":\"max\",\"binding\":\"max-binding\",\"expressionIndex\":0,"
                                + "\"validationActions\":[\"Audit\",\"Warn\"]}]")),
                new Case("audit annotations are published as <policy>/<key>", 3, List.of(policy("max", s -> s
                        .addNewAuditAnnotation().withKey("replicas").withValueExpression("string(object.spec.replicas)")
                        .endAuditAnnotation().addNewAuditAnnotation().withKey("none").withValueExpression("null")
                        .endAuditAnnotation()), binding("b1", "max", b -> b), binding("b2", "max", b -> b)),
                        List.of(), 0, null, List.of(), Map.of("max/replicas", "3")),
                denied("an audit annotation of the wrong type", 3, List.of(policy("max", s -> s
                                .addNewAuditAnnotation().withKey("n").withValueExpression("object.spec.replicas")
                                .endAuditAnnotation()), binding("b", "max", b -> b)), List.of(), 422,
                        DENIED + "'max' with binding 'b' denied request: compilation error: must evaluate to one of "
                                + "[string null_type] but got dyn"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        Source source = new Source().add(c.objects().toArray(HasMetadata[]::new));
        ConfigMaps params = new ConfigMaps();
        params.items.addAll(c.params());
        Recorder recorder = new Recorder();
        var plugin = plugin(source, params);
        var attributes = create(deployment("prod", c.replicas()), recorder);
        if (c.code() == 0) {
            plugin.validate(attributes);
        } else {
            StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(attributes));
            assertThat(e).as("denied").isNotNull();
            assertThat(e.status().getMessage()).isEqualTo(c.message());
            assertThat(e.code()).isEqualTo(c.code());
            assertThat(e.status().getReason()).isEqualTo(c.code() == 403 ? "Forbidden" : "Invalid");
            assertThat(e.status().getDetails().getName()).isEqualTo("web");
            assertThat(e.status().getDetails().getGroup()).isEqualTo("apps");
            assertThat(e.status().getDetails().getKind()).isEqualTo("deployments");
            assertThat(e.status().getDetails().getCauses()).singleElement().satisfies(cause ->
                    assertThat("deployments.apps \"web\" is forbidden: " + cause.getMessage()).isEqualTo(c.message()));
        }
        assertThat(recorder.warnings).isEqualTo(c.warnings());
        assertThat(recorder.annotations).isEqualTo(c.annotations());
    }

    @Test
    void aPolicyIsCompiledOncePerGeneration() {
        Source source = new Source().add(policy("max", s -> s.addNewValidation().withExpression("true").endValidation()),
                binding("b", "max", b -> b));
        PolicyCache cache = new PolicyCache(source);
        cache.hooks();
        source.add(binding("b2", "max", b -> b));
        var max = source.policies.get(0);
        max.getMetadata().setResourceVersion("2"); // a status write: same generation
        source.add(max);
        assertThat(cache.hooks()).singleElement().satisfies(h -> assertThat(h.bindings()).hasSize(2));
        assertThat(cache.compilations()).isEqualTo(1);
        source.add(policy("max", s -> s.addNewValidation().withExpression("false").endValidation()));
        source.policies.get(0).getMetadata().setGeneration(2L);
        source.revision.incrementAndGet();
        cache.hooks();
        assertThat(cache.compilations()).isEqualTo(2);
    }

    @Test
    void notSyncedYetIsA403() {
        Source source = new Source();
        source.synced = false;
        StatusError e = catchThrowableOfType(StatusError.class,
                () -> plugin(source, new ConfigMaps()).validate(create(deployment("prod", 1), new Recorder())));
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo("deployments.apps \"web\" is forbidden: not yet ready to handle request");
    }

    @Test
    void reviewsAndPoliciesThemselvesAreNeverSubjectToPolicies() {
        Source source = new Source().add(policy("all", s -> s.withNewMatchConstraints().addNewResourceRule()
                .withApiGroups("*").withApiVersions("*").withOperations("*").withResources("*").endResourceRule()
                .endMatchConstraints().addNewValidation().withExpression("false").endValidation()),
                binding("b", "all", b -> b));
        var plugin = plugin(source, new ConfigMaps());
        var gvk = new dev.kapi.apiserver.api.GroupVersionKind("admissionregistration.k8s.io", "v1",
                "ValidatingAdmissionPolicyBinding");
        plugin.validate(new dev.kapi.apiserver.admission.AdmissionAttributes(
                dev.kapi.apiserver.admission.AdmissionAttributes.Operation.DELETE, gvk, gvk,
                new dev.kapi.apiserver.api.GroupVersionResource("admissionregistration.k8s.io", "v1",
                        "validatingadmissionpolicybindings"), "", "", "b", null, source.bindings.get(0), null,
                PolicyFixtures.ALICE, false, null));
        StatusError e = catchThrowableOfType(StatusError.class,
                () -> plugin.validate(create(deployment("prod", 1), new Recorder())));
        assertThat(e.getMessage()).endsWith("denied request: failed expression: false");
    }
}
