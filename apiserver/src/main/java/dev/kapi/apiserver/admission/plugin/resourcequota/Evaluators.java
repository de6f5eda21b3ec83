package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.api.GroupResource;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The evaluator of each resource (kube's quota registry with {@code install.NewQuotaConfigurationForAdmission}):
 * pods, services and persistentvolumeclaims have their own; configmaps, secrets, replicationcontrollers and
 * resourcequotas count objects under their legacy names too; any other resource counts its objects
 * ({@code count/<resource>.<group>}). Virtual resources (reviews, bindings) and events are ignored.
 */
public final class Evaluators {

    private static final Set<GroupResource> IGNORED = Set.of(new GroupResource("", "bindings"),
            new GroupResource("", "componentstatuses"), new GroupResource("", "events"),
            new GroupResource("events.k8s.io", "events"),
            new GroupResource("authentication.k8s.io", "tokenreviews"),
            new GroupResource("authentication.k8s.io", "selfsubjectreviews"),
            new GroupResource("authorization.k8s.io", "subjectaccessreviews"),
            new GroupResource("authorization.k8s.io", "selfsubjectaccessreviews"),
            new GroupResource("authorization.k8s.io", "localsubjectaccessreviews"),
            new GroupResource("authorization.k8s.io", "selfsubjectrulesreviews"));
    private static final Map<String, String> LEGACY_COUNTS = Map.of("configmaps", "configmaps", "secrets", "secrets",
            "replicationcontrollers", "replicationcontrollers", "resourcequotas", "resourcequotas");

    private final Map<GroupResource, Evaluator> evaluators = new ConcurrentHashMap<>();

    public Evaluators(Clock clock) {
        evaluators.put(PodEvaluator.PODS, new PodEvaluator(clock));
        evaluators.put(ServiceEvaluator.SERVICES, new ServiceEvaluator());
        evaluators.put(PersistentVolumeClaimEvaluator.CLAIMS, new PersistentVolumeClaimEvaluator());
        LEGACY_COUNTS.forEach((resource, alias) -> {
            GroupResource gr = new GroupResource("", resource);
            evaluators.put(gr, new ObjectCountEvaluator(gr, alias));
        });
    }

    /** Whether quota never looks at writes of the resource. */
    public boolean ignored(GroupResource gr) {
        return IGNORED.contains(gr);
    }

    /** The resource's evaluator; one counting objects for a resource without one of its own. */
    public Evaluator of(GroupResource gr) {
        return evaluators.computeIfAbsent(gr, g -> new ObjectCountEvaluator(g, null));
    }

    /** The resources with evaluators of their own or legacy names (the rest only count objects). */
    public static List<GroupResource> builtIn() {
        return List.of(PodEvaluator.PODS, ServiceEvaluator.SERVICES, PersistentVolumeClaimEvaluator.CLAIMS,
                new GroupResource("", "configmaps"), new GroupResource("", "secrets"),
                new GroupResource("", "replicationcontrollers"), new GroupResource("", "resourcequotas"));
    }

    /**
     * The resources whose evaluators may account for some of {@code names}: the built-in ones, and each
     * resource a {@code count/<resource>[.<group>]} name names.
     */
    public static Set<GroupResource> candidates(Collection<String> names) {
        Set<GroupResource> out = new LinkedHashSet<>(builtIn());
        for (String name : names) {
            if (name.startsWith("count/") && name.length() > "count/".length()) {
                String rest = name.substring("count/".length());
                int dot = rest.indexOf('.');
                out.add(dot < 0 ? new GroupResource("", rest)
                        : new GroupResource(rest.substring(dot + 1), rest.substring(0, dot)));
            }
        }
        return out;
    }
}
