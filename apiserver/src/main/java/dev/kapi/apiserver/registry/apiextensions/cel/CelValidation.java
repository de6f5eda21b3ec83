package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.kapi.apiserver.api.FieldError;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The {@code x-kubernetes-validations} rules of one CRD version's {@code openAPIV3Schema}, compiled once (at
 * CRD create/update) and evaluated on every write of a custom resource, as kube-apiserver's CEL validator.
 *
 * <pre>
 * CelValidation cel = CelValidation.compile(schema, "spec.versions[0].schema.openAPIV3Schema");
 * cel.errors();                       // kube's CRD-time errors: compile errors, bad reasons, costs over budget
 * cel.validate(object, null);         // create: rules with self
 * cel.validate(object, oldObject);    // update: transition rules also see oldSelf
 * </pre>
 *
 * Rule failures are at the rule's node (root: {@code <nil>}, as kube's nil path) or its {@code fieldPath},
 * typed by its {@code reason}. Runtime cost is bounded per call and per object, so no rule can hold the
 * server; an object that exhausts the budget gets kube's "running out of cost budget" error.
 */
public final class CelValidation {

    /** kube's PerCallLimit: the most one rule evaluation may cost. */
    public static final long PER_CALL_LIMIT = 1_000_000L;
    /** kube's RuntimeCELCostBudget: the most all rules on one object may cost. */
    public static final long RUNTIME_BUDGET = 10_000_000L;

    private final CompiledNode root;
    private final List<FieldError> errors;

    private CelValidation(CompiledNode root, List<FieldError> errors) {
        this.root = root;
        this.errors = List.copyOf(errors);
    }

    /** Compiles every rule of {@code openAPIV3Schema}; errors are reported under {@code fieldPath}. */
    public static CelValidation compile(JsonNode openAPIV3Schema, String fieldPath) {
        List<FieldError> errors = new ArrayList<>();
        CompiledNode root = RuleCompiler.compile(RuleSchema.parse(openAPIV3Schema), fieldPath, errors);
        return new CelValidation(root, errors);
    }

    /** kube's CRD-time errors for the rules (empty when every rule compiled within budget). */
    public List<FieldError> errors() {
        return errors;
    }

    /** True when the schema has no rules at all (validate would never report anything). */
    public boolean isEmpty() {
        return root == null;
    }

    /** The failures of the rules on {@code object}; {@code oldObject} is null on create. */
    public List<FieldError> validate(JsonNode object, JsonNode oldObject) {
        return validate(object, oldObject, RUNTIME_BUDGET);
    }

    /** As {@link #validate(JsonNode, JsonNode)} with a given runtime cost budget for the whole object. */
    public List<FieldError> validate(JsonNode object, JsonNode oldObject, long budget) {
        List<FieldError> out = new ArrayList<>();
        if (root != null) {
            new RuleEvaluator(out, budget).validate(root, object, oldObject, null);
        }
        return out;
    }
}
