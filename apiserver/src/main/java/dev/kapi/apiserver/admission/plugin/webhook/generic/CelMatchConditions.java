package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.admission.plugin.cel.CelInput;
import dev.kapi.apiserver.admission.plugin.cel.MatchConditions;
import dev.kapi.apiserver.authz.Authorizer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A webhook's {@code matchConditions} evaluated with the admission CEL environment ({@link MatchConditions}):
 * {@code object} and {@code oldObject} in the invocation's version, {@code request} at the invoked resource and
 * kind, and {@code authorizer} asking the server's authorizer about the requesting user. Each list of conditions
 * is compiled once and kept while its configuration is (weakly, by the list).
 */
public final class CelMatchConditions implements MatchConditionEvaluator {

    private final Authorizer authorizer;
    private final Map<List<MatchCondition>, MatchConditions> compiled =
            Collections.synchronizedMap(new WeakHashMap<>());

    public CelMatchConditions(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public Result evaluate(List<MatchCondition> conditions, VersionedAttributes request) {
        if (conditions == null || conditions.isEmpty()) {
            return Result.MATCH;
        }
        MatchConditions compiledConditions = compiled.computeIfAbsent(conditions, c -> MatchConditions.compile(
                c.stream().map(m -> new MatchConditions.Condition(m.getName(), m.getExpression())).toList()));
        CelInput input = CelInput.of(request.request().withObjects(request.object(), request.oldObject()))
                .at(request.invocation().resource(), request.invocation().kind())
                .withAuthorizer(authorizer);
        return switch (compiledConditions.evaluate(input)) {
            case MatchConditions.Match m -> Result.MATCH;
            case MatchConditions.NoMatch n -> Result.NO_MATCH;
            case MatchConditions.Error e -> Result.error(e.message());
        };
    }
}
