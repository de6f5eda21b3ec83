package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.admission.plugin.cel.CompiledExpression;
import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler;
import dev.kapi.apiserver.admission.plugin.cel.ExpressionCompiler.Returns;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.schema.Schema;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ExpressionWarning;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * kube's ValidatingAdmissionPolicy type checking ({@code validating/typechecking.go}), for
 * {@code status.typeChecking}: each validation's expression and messageExpression is compiled with
 * {@code object} typed by the schema of every kind the policy's resource rules name exactly (no wildcards, at
 * most 10 kinds) and {@code params} by the paramKind's schema; each failure is a warning
 * {@code apps/v1, Kind=Deployment: ERROR: <input>:1:13: undefined field 'replica' ...}. Unlike kube, when no kind
 * can be resolved (wildcard rules), the expressions are still compiled untyped so that one that does not compile
 * at all is reported (kube's validation normally refuses those on write).
 */
public final class TypeChecker {

    /** kube checks at most this many kinds per policy. */
    static final int MAX_KINDS = 10;
    private static final String PREFIX = "compilation failed: ";

    /** The schemas and kinds of served resources (kube's SchemaResolver and RESTMapper). */
    public interface Schemas {
        /** The kinds a resource serves (one), empty when it is not served. */
        List<GroupVersionKind> kindsFor(GroupVersionResource resource);

        /** The schema of a served kind, empty when none is known. */
        Optional<Schema> schema(GroupVersionKind kind);
    }

    private final Schemas schemas;

    public TypeChecker(Schemas schemas) {
        this.schemas = schemas;
    }

    public List<ExpressionWarning> check(ValidatingAdmissionPolicy policy) {
        var spec = policy.getSpec();
        List<GroupVersionKind> kinds = kindsToCheck(policy);
        List<Schema> kindSchemas = new ArrayList<>();
        List<GroupVersionKind> checked = new ArrayList<>();
        for (GroupVersionKind k : kinds) {
            schemas.schema(k).ifPresent(s -> {
                checked.add(k);
                kindSchemas.add(s);
            });
        }
        ParamKind paramKind = spec.getParamKind();
        Schema paramsSchema = paramKind == null ? null : paramsKind(paramKind).flatMap(schemas::schema).orElse(null);
        List<ExpressionWarning> warnings = new ArrayList<>();
        List<Validation> validations = spec.getValidations() == null ? List.of() : spec.getValidations();
        for (int i = 0; i < validations.size(); i++) {
            Validation v = validations.get(i);
            warn(warnings, "spec.validations[" + i + "].expression", v.getExpression(), policy, checked, kindSchemas,
                    paramsSchema);
            if (v.getMessageExpression() != null && !v.getMessageExpression().isEmpty()) {
                warn(warnings, "spec.validations[" + i + "].messageExpression", v.getMessageExpression(), policy,
                        checked, kindSchemas, paramsSchema);
            }
        }
        return warnings;
    }

    private static void warn(List<ExpressionWarning> warnings, String field, String expression,
                             ValidatingAdmissionPolicy policy, List<GroupVersionKind> kinds, List<Schema> kindSchemas,
                             Schema paramsSchema) {
        List<String> messages = new ArrayList<>();
        boolean hasParams = policy.getSpec().getParamKind() != null;
        if (kinds.isEmpty()) {
            String error = compile(policy, expression, ExpressionCompiler.create(hasParams));
            if (error != null) {
                messages.add(error + "\n");
            }
        }
        for (int k = 0; k < kinds.size(); k++) {
            String error = compile(policy, expression,
                    ExpressionCompiler.typed(hasParams, kindSchemas.get(k), paramsSchema));
            if (error != null) {
                messages.add(gvk(kinds.get(k)) + ": " + error + "\n");
            }
        }
        if (!messages.isEmpty()) {
            ExpressionWarning w = new ExpressionWarning();
            w.setFieldRef(field);
            w.setWarning(String.join("\n", messages));
            warnings.add(w);
        }
    }

    /** The expression's compile issues after the policy's variables, or null when it compiles. */
    private static String compile(ValidatingAdmissionPolicy policy, String expression, ExpressionCompiler compiler) {
        List<Variable> variables = policy.getSpec().getVariables() == null ? List.of() : policy.getSpec().getVariables();
        for (Variable v : variables) {
            compiler.variable(v.getName(), v.getExpression());
        }
        CompiledExpression c = compiler.compile(expression == null ? "" : expression, Returns.ANY, true);
        if (c.compiled()) {
            return null;
        }
        return c.error().startsWith(PREFIX) ? c.error().substring(PREFIX.length()) : c.error();
    }

    /** kube's {@code schema.GroupVersionKind.String()}. */
    private static String gvk(GroupVersionKind k) {
        return k.group() + "/" + k.version() + ", Kind=" + k.kind();
    }

    private static Optional<GroupVersionKind> paramsKind(ParamKind kind) {
        String apiVersion = kind.getApiVersion() == null ? "" : kind.getApiVersion();
        int slash = apiVersion.indexOf('/');
        if (apiVersion.indexOf('/', slash + 1) >= 0 && slash >= 0) {
            return Optional.empty();
        }
        return Optional.of(new GroupVersionKind(slash < 0 ? "" : apiVersion.substring(0, slash),
                slash < 0 ? apiVersion : apiVersion.substring(slash + 1), kind.getKind()));
    }

    /** The kinds of the resource rules' exact groups, versions and resources (no subresources), sorted. */
    private List<GroupVersionKind> kindsToCheck(ValidatingAdmissionPolicy policy) {
        var constraints = policy.getSpec().getMatchConstraints();
        if (constraints == null || constraints.getResourceRules() == null) {
            return List.of();
        }
        TreeSet<GroupVersionKind> kinds = new TreeSet<>(Comparator.comparing(GroupVersionKind::group)
                .thenComparing(GroupVersionKind::version).thenComparing(GroupVersionKind::kind));
        int count = 0;
        for (NamedRuleWithOperations rule : constraints.getResourceRules()) {
            List<String> groups = exact(rule.getApiGroups());
            List<String> versions = exact(rule.getApiVersions());
            List<String> resources = rule.getResources() == null ? List.of() : rule.getResources().stream()
                    .filter(r -> !r.contains("*") && !r.contains("/")).sorted().toList();
            for (String g : groups) {
                for (String v : versions) {
                    for (String r : resources) {
                        for (GroupVersionKind k : schemas.kindsFor(new GroupVersionResource(g, v, r))) {
                            kinds.add(k);
                            if (++count == MAX_KINDS) {
                                return List.copyOf(kinds);
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(kinds);
    }

    private static List<String> exact(List<String> values) {
        if (values == null || values.stream().anyMatch(v -> v.contains("*"))) {
            return List.of();
        }
        return values.stream().sorted().toList();
    }
}
