package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube's generic object count: every object of the resource uses 1 of {@code count/<resource>.<group>}
 * ({@code count/<resource>} in the core group) and of its legacy alias if it has one ({@code configmaps},
 * {@code secrets}, ...); creates are charged, nothing has scopes.
 */
final class ObjectCountEvaluator implements Evaluator {

    private final GroupResource groupResource;
    private final List<String> names;

    ObjectCountEvaluator(GroupResource groupResource, String alias) {
        this.groupResource = groupResource;
        String count = countName(groupResource);
        this.names = alias == null ? List.of(count) : List.of(count, alias);
    }

    /** {@code count/<resource>} for the core group, else {@code count/<resource>.<group>}. */
    static String countName(GroupResource gr) {
        return "count/" + gr;
    }

    @Override
    public GroupResource groupResource() {
        return groupResource;
    }

    @Override
    public boolean handles(AdmissionAttributes a) {
        return a.operation() == Operation.CREATE;
    }

    @Override
    public List<String> matchingResources(Collection<String> input) {
        return input.stream().filter(names::contains).toList();
    }

    @Override
    public boolean matchesScope(ScopedResourceSelectorRequirement scope, HasMetadata obj) {
        return false;
    }

    @Override
    public Map<String, Amount> usage(HasMetadata obj) {
        Map<String, Amount> out = new TreeMap<>();
        names.forEach(n -> out.put(n, Amount.ONE));
        return out;
    }
}
