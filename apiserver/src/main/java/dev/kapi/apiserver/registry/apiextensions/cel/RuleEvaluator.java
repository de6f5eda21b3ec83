package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.cel.RuntimeCost;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates the compiled rules against one object (and its old version on update), node by node, within a
 * runtime cost budget counted as kube counts it ({@link RuntimeCost}: each evaluated expression node at least 1,
 * string and list functions by the size of what they read and build); one call may spend at most
 * {@link CelValidation#PER_CALL_LIMIT}, one object {@link CelValidation#RUNTIME_BUDGET}. Past either, kube's
 * error is reported and no further rule runs.
 */
final class RuleEvaluator {

    private final List<FieldError> errors;
    private long remaining;

    /** Thrown by the cost listener to stop an evaluation. */
    private static final class OutOfBudget extends RuntimeException {
        OutOfBudget() {
            super(null, null, false, false);
        }
    }

    RuleEvaluator(List<FieldError> errors, long budget) {
        this.errors = errors;
        this.remaining = budget;
    }

    /** Validates {@code value} at {@code path}; false when the budget ran out (stop everything). */
    boolean validate(CompiledNode node, JsonNode value, JsonNode old, String path) {
        if (value == null || value.isNull()) {
            return true;
        }
        if (old != null && old.isNull()) {
            old = null;
        }
        if (!node.rules().isEmpty() && !rules(node, value, old, path)) {
            return false;
        }
        RuleSchema s = node.schema();
        if (value.isObject()) {
            boolean correlate = old != null && old.isObject() && s.mapCorrelatable();
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                CompiledNode child = node.additionalProperties() != null ? node.additionalProperties()
                        : node.properties().get(e.getKey());
                String childPath = node.additionalProperties() != null ? path(path, "") + "[" + e.getKey() + "]"
                        : path(path, e.getKey());
                if (child != null && !validate(child, e.getValue(), correlate ? old.get(e.getKey()) : null, childPath)) {
                    return false;
                }
            }
        } else if (value.isArray() && node.items() != null) {
            int i = 0;
            for (JsonNode item : value.values()) {
                JsonNode oldItem = s.isMapList() && old != null && old.isArray() ? MapLists.find(old, item, s.listMapKeys())
                        : null;
                if (!validate(node.items(), item, oldItem, (path == null ? "" : path) + "[" + i++ + "]")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String path(String parent, String child) {
        return parent == null ? child : child.isEmpty() ? parent : parent + "." + child;
    }

    private boolean rules(CompiledNode node, JsonNode value, JsonNode old, String path) {
        String at = path == null ? "<nil>" : path;
        String type = node.schema().type();
        if (remaining <= 0) {
            errors.add(FieldError.invalid(at, type, "validation failed due to running out of cost budget, no further validation rules will be run"));
            return false;
        }
        Object self = RuleValues.of(value, node.schema(), node.resourceRoot());
        Object oldSelf = old == null ? null : RuleValues.of(old, node.schema(), node.resourceRoot());
        for (CompiledNode.CompiledRule r : node.rules()) {
            if (r.program() == null) {
                continue;
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("self", self);
            if (r.usesOldSelf()) {
                if (oldSelf == null && !r.rule().isOptionalOldSelf()) {
                    continue;
                }
                vars.put("oldSelf", r.rule().isOptionalOldSelf() ? Optional.ofNullable(oldSelf) : oldSelf);
            } else if (r.rule().isOptionalOldSelf()) {
                vars.put("oldSelf", Optional.ofNullable(oldSelf));
            }
            Object result;
            try {
                result = eval(r.program(), vars);
            } catch (OutOfBudget e) {
                errors.add(FieldError.invalid(at, type, remaining <= 0
                        ? "validation failed due to running out of cost budget, no further validation rules will be run"
                        : "'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: "
                                + r.rule().errorString()));
                return false;
            } catch (CelEvaluationException e) {
                errors.add(FieldError.invalid(at, type, RuntimeErrors.describe(e, r.rule())));
                continue;
            }
            if (Boolean.TRUE.equals(result)) {
                continue;
            }
            String field = r.fieldPath().isEmpty() ? at : path == null ? r.fieldPath() : path + "." + r.fieldPath();
            String detail = null;
            if (r.message() != null) {
                try {
                    detail = message(eval(r.message(), vars));
                } catch (OutOfBudget e) {
                    errors.add(FieldError.invalid(field, type,
                            "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run"));
                    return false;
                } catch (CelEvaluationException e) {
                    detail = null;
                }
            }
            if (detail == null) {
                detail = r.rule().message().isEmpty() ? "failed rule: " + r.rule().errorString() : r.rule().message().strip();
            }
            errors.add(forReason(r.rule().reason(), field, type, detail));
        }
        return true;
    }

    private Object eval(CelRuntime.Program program, Map<String, Object> vars) throws CelEvaluationException {
        long limit = Math.min(CelValidation.PER_CALL_LIMIT, remaining);
        RuntimeCost cost = new RuntimeCost(() -> limit, c -> new OutOfBudget());
        try {
            return cost.trace(program, vars);
        } finally {
            remaining -= cost.cost();
        }
    }

    private static String message(Object v) {
        if (!(v instanceof String s)) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() || t.contains("\n") || t.length() > 5 * 1024 ? null : t;
    }

    private static FieldError forReason(String reason, String field, String type, String detail) {
        if (reason == null) {
            return FieldError.invalid(field, type, detail);
        }
        return switch (reason) {
            case "FieldValueForbidden" -> FieldError.forbidden(field, detail);
            case "FieldValueRequired" -> FieldError.required(field, detail);
            case "FieldValueDuplicate" -> FieldError.duplicate(field, type);
            default -> FieldError.invalid(field, type, detail);
        };
    }
}
