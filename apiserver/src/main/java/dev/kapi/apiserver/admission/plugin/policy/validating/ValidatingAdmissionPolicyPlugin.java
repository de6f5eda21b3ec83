package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.cel.CelInput;
import dev.kapi.apiserver.admission.plugin.matching.EquivalentResources;
import dev.kapi.apiserver.admission.plugin.matching.Invocation;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.Authorizer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * kube-apiserver's ValidatingAdmissionPolicy admission plugin ({@code policy/validating}): every policy with at
 * least one binding whose constraints match the request is evaluated once per matching binding and param.
 * A failed validation acts as the binding's validationActions say: {@code Deny} rejects the request (the first
 * denial, as {@code ValidatingAdmissionPolicy 'p' with binding 'b' denied request: <message>}, with the
 * validation's reason, 422 Invalid by default), {@code Warn} sends a warning, {@code Audit} adds to the
 * {@code validation.policy.admission.k8s.io/validation_failure} audit annotation. Errors (expressions that do
 * not compile or fail, params that cannot be found, selectors that cannot be evaluated) follow the policy's
 * failurePolicy: Fail (the default) denies, Ignore lets the request through. Audit annotations of a policy are
 * published as {@code <policy>/<key>}. Reviews and the policy resources themselves are never subject to policies.
 */
public final class ValidatingAdmissionPolicyPlugin implements ValidatingAdmission {

    public static final String NAME = "ValidatingAdmissionPolicy";
    static final String VALIDATION_FAILURE = "validation.policy.admission.k8s.io/validation_failure";
    private static final int MAX_VALIDATION_FAILURES = 50;
    private static final int MAX_ANNOTATION_VALUE = 10 * 1024;
    private static final Set<GroupResource> EXCLUDED = Set.of(
            new GroupResource("authentication.k8s.io", "selfsubjectreviews"),
            new GroupResource("authentication.k8s.io", "tokenreviews"),
            new GroupResource("authorization.k8s.io", "localsubjectaccessreviews"),
            new GroupResource("authorization.k8s.io", "selfsubjectaccessreviews"),
            new GroupResource("authorization.k8s.io", "selfsubjectrulesreviews"),
            new GroupResource("authorization.k8s.io", "subjectaccessreviews"),
            new GroupResource("admissionregistration.k8s.io", "validatingadmissionpolicies"),
            new GroupResource("admissionregistration.k8s.io", "validatingadmissionpolicybindings"),
            new GroupResource("admissionregistration.k8s.io", "mutatingadmissionpolicies"),
            new GroupResource("admissionregistration.k8s.io", "mutatingadmissionpolicybindings"));

    private final PolicySource source;
    private final ParamSource params;
    private final PolicyNamespaces namespaces;
    private final Authorizer authorizer;
    private final PolicyMatcher matcher;
    private final PolicyCache cache;

    public ValidatingAdmissionPolicyPlugin(PolicySource source, ParamSource params, PolicyNamespaces namespaces,
                                           EquivalentResources equivalents, Authorizer authorizer) {
        this.source = source;
        this.params = params;
        this.namespaces = namespaces;
        this.authorizer = authorizer;
        this.matcher = new PolicyMatcher(namespaces, equivalents);
        this.cache = new PolicyCache(source);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** A denial waiting for the request's outcome (kube's {@code policyDecisionWithMetadata}). */
    private record Denial(String policy, String binding, String message, String reason) {
    }

    /** The collected outcome of the policies for one request. */
    private final class Outcome {
        final AdmissionAttributes attributes;
        final List<Denial> denials = new ArrayList<>();
        final List<Map<String, Object>> failures = new ArrayList<>();

        Outcome(AdmissionAttributes attributes) {
            this.attributes = attributes;
        }

        void configError(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding, String error) {
            String failurePolicy = policy.getSpec().getFailurePolicy() == null ? "Fail" : policy.getSpec().getFailurePolicy();
            String b = binding == null ? null : binding.getMetadata().getName();
            switch (failurePolicy) {
                case "Ignore" -> {
                }
                case "Fail" -> denials.add(new Denial(policy.getMetadata().getName(), b,
                        (binding == null ? "failed to configure policy: " : "failed to configure binding: ") + error,
                        null));
                default -> denials.add(new Denial(policy.getMetadata().getName(), b,
                        "unrecognized failure policy: '" + failurePolicy + "'", null));
            }
        }
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (EXCLUDED.contains(a.resource().groupResource())) {
            return;
        }
        if (!source.synced()) {
            throw StatusError.forbidden(a.resource().groupResource(), subjectName(a), "not yet ready to handle request");
        }
        Outcome outcome = new Outcome(a);
        for (PolicyCache.Hook hook : cache.hooks()) {
            evaluate(hook, outcome);
        }
        if (!outcome.failures.isEmpty()) {
            List<Map<String, Object>> failures = outcome.failures.size() > MAX_VALIDATION_FAILURES
                    ? outcome.failures.subList(0, MAX_VALIDATION_FAILURES) : outcome.failures;
            a.recorder().annotate(VALIDATION_FAILURE, dev.kapi.apiserver.api.Json.string(failures));
        }
        if (!outcome.denials.isEmpty()) {
            throw denied(a, outcome.denials.get(0));
        }
    }

    private void evaluate(PolicyCache.Hook hook, Outcome outcome) {
        AdmissionAttributes a = outcome.attributes;
        ValidatingAdmissionPolicy policy = hook.policy();
        if (policy.getSpec().getMatchConstraints() == null) {
            outcome.configError(policy, null, "policy contained no match constraints, a required field");
            return;
        }
        Optional<Invocation> invocation;
        try {
            invocation = matcher.matches(policy.getSpec().getMatchConstraints(), a);
        } catch (PolicyMatcher.MatchError e) {
            outcome.configError(policy, null, e.getMessage());
            return;
        }
        if (invocation.isEmpty()) {
            return;
        }
        ParamKind paramKind = policy.getSpec().getParamKind();
        ParamSource.Params paramStore = null;
        if (paramKind != null) {
            paramStore = params.forKind(paramKind.getApiVersion(), paramKind.getKind()).orElse(null);
            if (paramStore == null) {
                outcome.configError(policy, null,
                        "failed to find resource referenced by paramKind: '" + PolicyParams.gvk(paramKind) + "'");
                return;
            }
        }
        Map<String, List<String>> annotations = new LinkedHashMap<>();
        for (ValidatingAdmissionPolicyBinding binding : hook.bindings()) {
            try {
                if (binding.getSpec().getMatchResources() != null
                        && matcher.matches(binding.getSpec().getMatchResources(), a).isEmpty()) {
                    continue;
                }
            } catch (PolicyMatcher.MatchError e) {
                outcome.configError(policy, binding, e.getMessage());
                continue;
            }
            List<HasMetadata> found;
            try {
                found = PolicyParams.collect(paramKind, paramStore, binding.getSpec().getParamRef(), a.namespace());
            } catch (PolicyParams.ParamError e) {
                outcome.configError(policy, binding, e.getMessage());
                continue;
            }
            CelInput input = CelInput.of(a).at(invocation.get().resource(), invocation.get().kind())
                    .withNamespace(namespaceOf(a)).withAuthorizer(authorizer);
            for (HasMetadata param : found) {
                CelInput withParam = param == null ? input
                        : input.withParams(param, paramKind.getApiVersion(), paramKind.getKind());
                record(hook, binding, hook.compiled().validate(withParam), outcome, annotations);
            }
        }
        annotations.forEach((key, values) ->
                a.recorder().annotate(policy.getMetadata().getName() + "/" + key, String.join(", ", values)));
    }

    private void record(PolicyCache.Hook hook, ValidatingAdmissionPolicyBinding binding, CompiledPolicy.Result result,
                        Outcome outcome, Map<String, List<String>> annotations) {
        String policyName = hook.policy().getMetadata().getName();
        String bindingName = binding.getMetadata().getName();
        List<String> actions = binding.getSpec().getValidationActions() == null ? List.of()
                : binding.getSpec().getValidationActions();
        for (int i = 0; i < result.decisions().size(); i++) {
            PolicyDecision d = result.decisions().get(i);
            if (d.action() != PolicyDecision.Action.DENY) {
                continue;
            }
            for (String action : actions) {
                switch (action) {
                    case "Deny" -> outcome.denials.add(new Denial(policyName, bindingName, d.message(), d.reason()));
                    case "Audit" -> {
                        Map<String, Object> failure = new LinkedHashMap<>();
                        failure.put("message", d.message());
                        failure.put("policy", binding.getSpec().getPolicyName());
                        failure.put("binding", bindingName);
                        failure.put("expressionIndex", i);
                        failure.put("validationActions", actions);
                        outcome.failures.add(failure);
                    }
                    case "Warn" -> outcome.attributes.recorder().warn("Validation failed for ValidatingAdmissionPolicy '"
                            + policyName + "' with binding '" + bindingName + "': " + d.message());
                    default -> {
                    }
                }
            }
        }
        for (PolicyDecision.AuditAnnotation an : result.auditAnnotations()) {
            switch (an.outcome()) {
                case PUBLISH -> {
                    String value = an.value().length() > MAX_ANNOTATION_VALUE
                            ? an.value().substring(0, MAX_ANNOTATION_VALUE) : an.value();
                    List<String> values = annotations.computeIfAbsent(an.key(), k -> new ArrayList<>());
                    if (!values.contains(value)) {
                        values.add(value);
                    }
                }
                case ERROR -> outcome.denials.add(new Denial(policyName, bindingName, an.error(), null));
                case EXCLUDE -> {
                }
            }
        }
    }

    /** The request's namespace for {@code namespaceObject}: none for cluster-scoped requests and namespaces. */
    private Namespace namespaceOf(AdmissionAttributes a) {
        boolean namespaceKind = a.kind() != null && a.kind().group().isEmpty() && "v1".equals(a.kind().version())
                && "Namespace".equals(a.kind().kind());
        if (namespaceKind || a.namespace() == null || a.namespace().isEmpty()) {
            return null;
        }
        return namespaces.namespace(a.namespace())
                .orElseThrow(() -> StatusError.notFound(new GroupResource("", "namespaces"), a.namespace()));
    }

    /** kube's denial: Forbidden's message form, with the validation's reason and its HTTP code. */
    private static StatusError denied(AdmissionAttributes a, Denial d) {
        String message = d.binding() != null
                ? "ValidatingAdmissionPolicy '" + d.policy() + "' with binding '" + d.binding() + "' denied request: "
                        + d.message()
                : "ValidatingAdmissionPolicy '" + d.policy() + "' denied request: " + d.message();
        StatusError e = StatusError.forbidden(a.resource().groupResource(), subjectName(a), message);
        String reason = d.reason() == null || d.reason().isEmpty() ? "Invalid" : d.reason();
        e.status().setReason(reason);
        e.status().setCode(switch (reason) {
            case "Forbidden" -> 403;
            case "Unauthorized" -> 401;
            case "RequestEntityTooLarge" -> 413;
            default -> 422;
        });
        io.fabric8.kubernetes.api.model.StatusCause cause = new io.fabric8.kubernetes.api.model.StatusCause();
        cause.setMessage(message);
        e.status().getDetails().setCauses(new ArrayList<>(List.of(cause)));
        return e;
    }

    /** kube's admission errors name the object, else its generateName, else "Unknown". */
    private static String subjectName(AdmissionAttributes a) {
        if (a.name() != null && !a.name().isEmpty()) {
            return a.name();
        }
        HasMetadata o = a.object();
        if (o != null && o.getMetadata() != null) {
            if (o.getMetadata().getName() != null && !o.getMetadata().getName().isEmpty()) {
                return o.getMetadata().getName();
            }
            if (o.getMetadata().getGenerateName() != null && !o.getMetadata().getGenerateName().isEmpty()) {
                return o.getMetadata().getGenerateName();
            }
        }
        return "Unknown";
    }
}
