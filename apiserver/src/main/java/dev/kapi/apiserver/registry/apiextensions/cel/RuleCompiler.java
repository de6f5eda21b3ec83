package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.cel.GoStrings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles every {@code x-kubernetes-validations} rule of a schema, collecting kube's CRD-time errors:
 * malformed rules, messages, reasons and field paths, compile errors, transition rules where no old value can
 * be correlated, and estimated costs over the per-rule and per-CRD budgets.
 */
final class RuleCompiler {

    static final long RULE_COST_LIMIT = 10_000_000L;
    static final long CRD_COST_LIMIT = 100_000_000L;
    private static final List<String> REASONS =
            List.of("FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired");

    private record Cost(String path, long cost) {
    }

    private final List<FieldError> errors = new ArrayList<>();
    private final List<Cost> costs = new ArrayList<>();
    private final String typePrefix = "selfType" + System.nanoTime();
    private int typeCounter;

    static CompiledNode compile(RuleSchema root, String path, List<FieldError> errors) {
        RuleCompiler c = new RuleCompiler();
        CompiledNode node = c.node(root, path, true, 1, null);
        long total = 0;
        for (Cost cost : c.costs) {
            total = Math.min(Long.MAX_VALUE / 2, total + cost.cost());
        }
        if (total > CRD_COST_LIMIT) {
            c.costs.stream().sorted(Comparator.comparingLong(Cost::cost).reversed()).limit(4)
                    .forEach(e -> c.errors.add(FieldError.forbidden(e.path(),
                            "contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema")));
            c.errors.add(FieldError.forbidden(path, GoStrings.costExceeds(
                    "x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema",
                    total, CRD_COST_LIMIT)));
        }
        errors.addAll(c.errors);
        return node;
    }

    private CompiledNode node(RuleSchema s, String path, boolean resourceRoot, long cardinality, String uncorrelatable) {
        Map<String, CompiledNode> props = new LinkedHashMap<>();
        for (Map.Entry<String, RuleSchema> p : s.properties().entrySet()) {
            CompiledNode child = node(p.getValue(), path + ".properties[" + p.getKey() + "]",
                    p.getValue().embeddedResource(), cardinality, uncorrelatable);
            if (child != null) {
                props.put(p.getKey(), child);
            }
        }
        CompiledNode items = null;
        if (s.items() != null) {
            String itemsPath = path + ".items";
            long n = s.maxItems() != null ? s.maxItems() : CostEstimate.unboundedCount(s.items());
            items = node(s.items(), itemsPath, s.items().embeddedResource(), CostEstimate.mul(cardinality, n),
                    uncorrelatable != null || s.isMapList() ? uncorrelatable : itemsPath);
        }
        CompiledNode additional = null;
        if (s.additionalProperties() != null) {
            String apPath = path + ".additionalProperties";
            long n = s.maxProperties() != null ? s.maxProperties()
                    : CostEstimate.unboundedCount(s.additionalProperties());
            additional = node(s.additionalProperties(), apPath, s.additionalProperties().embeddedResource(),
                    CostEstimate.mul(cardinality, n),
                    uncorrelatable != null || s.mapCorrelatable() ? uncorrelatable : apPath);
        }
        List<CompiledNode.CompiledRule> rules = rules(s, path, resourceRoot, cardinality, uncorrelatable);
        if (rules.isEmpty() && props.isEmpty() && items == null && additional == null) {
            return null;
        }
        return new CompiledNode(s, resourceRoot, rules, props, items, additional);
    }

    private List<CompiledNode.CompiledRule> rules(RuleSchema s, String path, boolean resourceRoot, long cardinality,
            String uncorrelatable) {
        if (s.rules().isEmpty()) {
            return List.of();
        }
        int before = errors.size();
        for (int i = 0; i < s.rules().size(); i++) {
            RuleChecks.check(s.rules().get(i), s, path + ".x-kubernetes-validations[" + i + "]", REASONS, errors);
        }
        if (errors.size() > before) {
            return List.of();
        }
        RuleTypes types = new RuleTypes(typePrefix + "_" + typeCounter++);
        CelType self = types.of(s, resourceRoot);
        RuleEnvironment env = new RuleEnvironment(types, self, false);
        RuleEnvironment optionalEnv = null;
        List<CompiledNode.CompiledRule> out = new ArrayList<>();
        for (int i = 0; i < s.rules().size(); i++) {
            RuleSchema.Rule rule = s.rules().get(i);
            String rulePath = path + ".x-kubernetes-validations[" + i + "]";
            RuleEnvironment e = env;
            if (rule.isOptionalOldSelf()) {
                optionalEnv = optionalEnv != null ? optionalEnv : new RuleEnvironment(types, self, true);
                e = optionalEnv;
            }
            out.add(rule(rule, s, e, rulePath, cardinality, uncorrelatable));
        }
        return out;
    }

    private CompiledNode.CompiledRule rule(RuleSchema.Rule rule, RuleSchema s, RuleEnvironment env, String rulePath,
            long cardinality, String uncorrelatable) {
        CelRuntime.Program program = null;
        CelRuntime.Program message = null;
        boolean usesOldSelf = false;
        try {
            CelAbstractSyntaxTree ast = env.compile(rule.rule());
            usesOldSelf = ast.getReferenceMap().values().stream().anyMatch(r -> r.name().equals("oldSelf"));
            long cost = CostEstimate.mul(CostEstimate.of(ast, s), cardinality);
            if (cost > RULE_COST_LIMIT) {
                errors.add(FieldError.forbidden(rulePath + ".rule",
                        GoStrings.costExceeds("estimated rule cost", cost, RULE_COST_LIMIT)));
            }
            costs.add(new Cost(rulePath + ".rule", cost));
            if (!ast.getResultType().equals(SimpleType.BOOL)) {
                errors.add(FieldError.invalid(rulePath + ".rule", rule, "cel expression must evaluate to a bool"));
            } else {
                program = env.cel().createProgram(ast);
            }
        } catch (RuleEnvironment.CompileException e) {
            errors.add(FieldError.invalid(rulePath + ".rule", rule, "compilation failed: " + e.getMessage()));
        } catch (CelEvaluationException e) {
            errors.add(FieldError.invalid(rulePath + ".rule", rule, "program instantiation failed: " + e.getMessage()));
        }
        if (program != null && !rule.messageExpression().isEmpty()) {
            message = messageExpression(rule, s, env, rulePath, cardinality);
        }
        if (usesOldSelf && uncorrelatable != null) {
            errors.add(FieldError.invalid(rulePath + ".rule", rule.rule(),
                    "oldSelf cannot be used on the uncorrelatable portion of the schema within " + uncorrelatable));
        }
        String fieldPath = "";
        if (!rule.fieldPath().isEmpty()) {
            fieldPath = FieldPaths.normalize(rule.fieldPath(), s);
        }
        return new CompiledNode.CompiledRule(rule, program, message, usesOldSelf, fieldPath);
    }

    private CelRuntime.Program messageExpression(RuleSchema.Rule rule, RuleSchema s, RuleEnvironment env,
            String rulePath, long cardinality) {
        String path = rulePath + ".messageExpression";
        try {
            CelAbstractSyntaxTree ast = env.compile(rule.messageExpression());
            if (!ast.getResultType().equals(SimpleType.STRING)) {
                errors.add(FieldError.invalid(path, rule, "messageExpression must evaluate to a string"));
                return null;
            }
            long cost = CostEstimate.mul(CostEstimate.of(ast, s), cardinality);
            if (cost > RULE_COST_LIMIT) {
                errors.add(FieldError.forbidden(path,
                        GoStrings.costExceeds("estimated messageExpression cost", cost, RULE_COST_LIMIT)));
            }
            costs.add(new Cost(path, cost));
            return env.cel().createProgram(ast);
        } catch (RuleEnvironment.CompileException e) {
            errors.add(FieldError.invalid(path, rule, "messageExpression compilation failed: " + e.getMessage()));
        } catch (CelEvaluationException e) {
            errors.add(FieldError.invalid(path, rule, "messageExpression instantiation failed: " + e.getMessage()));
        }
        return null;
    }
}
