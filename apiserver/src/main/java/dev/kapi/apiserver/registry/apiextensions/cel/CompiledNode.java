package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Map;

/**
 * The compiled rules of one schema node and of the nodes below it that have rules (nodes without rules
 * anywhere below are left out).
 */
record CompiledNode(RuleSchema schema, boolean resourceRoot, List<CompiledRule> rules,
        Map<String, CompiledNode> properties, CompiledNode items, CompiledNode additionalProperties) {

    /** One compiled rule; {@code program} is null when it did not compile, {@code fieldPath} normalized. */
    record CompiledRule(RuleSchema.Rule rule, CelRuntime.Program program, CelRuntime.Program message,
            boolean usesOldSelf, String fieldPath) {
    }
}
