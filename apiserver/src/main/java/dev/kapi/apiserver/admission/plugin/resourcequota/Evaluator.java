package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How quota measures one resource (kube's {@code quota.Evaluator}): which writes of it can change usage, which
 * quota resource names it accounts for, how an object matches a quota's scopes, and what an object uses. The
 * admission plugin charges a write by it; the controller sums it over the objects of a namespace.
 */
public interface Evaluator {

    GroupResource groupResource();

    /** Whether the write (a main-resource write the plugin looked at) may change what is used. */
    boolean handles(AdmissionAttributes attributes);

    /** The names among {@code names} this evaluator accounts for. */
    List<String> matchingResources(Collection<String> names);

    /** Whether the object falls under one scope requirement (false for resources without scopes). */
    boolean matchesScope(ScopedResourceSelectorRequirement scope, HasMetadata obj);

    /** What one object uses, by quota resource name. */
    Map<String, Amount> usage(HasMetadata obj);

    /**
     * Null when the object may be charged for the {@code required} names; else why not (kube's
     * {@code Constraints}, e.g. {@code must specify limits.cpu for: app}).
     */
    default String constraints(Collection<String> required, HasMetadata obj) {
        return null;
    }

    /**
     * The requirements of {@code limited} (scopes an admission configuration limits) no quota scope of
     * {@code matched} covers by name; none for resources without scopes.
     */
    default List<ScopedResourceSelectorRequirement> uncoveredScopes(List<ScopedResourceSelectorRequirement> limited,
                                                                    List<ScopedResourceSelectorRequirement> matched) {
        return List.of();
    }

    /** The requirements of {@code scopes} the object falls under. */
    default List<ScopedResourceSelectorRequirement> matchingScopes(HasMetadata obj,
                                                                   List<ScopedResourceSelectorRequirement> scopes) {
        List<ScopedResourceSelectorRequirement> out = new ArrayList<>();
        for (ScopedResourceSelectorRequirement s : scopes) {
            if (matchesScope(s, obj)) {
                out.add(s);
            }
        }
        return out;
    }

    /** kube's {@code generic.Matches}: the quota limits a name of this resource and the object is in all its scopes. */
    default boolean matches(ResourceQuota quota, HasMetadata obj) {
        if (matchingResources(QuotaScopes.hardNames(quota)).isEmpty()) {
            return false;
        }
        for (ScopedResourceSelectorRequirement s : QuotaScopes.of(quota)) {
            if (!matchesScope(s, obj)) {
                return false;
            }
        }
        return true;
    }
}
