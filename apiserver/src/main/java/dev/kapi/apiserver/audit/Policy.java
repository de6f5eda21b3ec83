package dev.kapi.apiserver.audit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An audit policy ({@code audit.k8s.io/v1} Policy): rules tried in order, the first that matches a request
 * decides its level; no match is {@link Level#None}. Stages in {@code omitStages} (the policy's together with
 * the rule's) are not written; {@code omitManagedFields} (the rule's when set, else the policy's) drops
 * {@code metadata.managedFields} from the recorded request and response objects.
 *
 * <p>Example: with rules {@code [{level: None, resources: [{group: "", resources: ["events"]}]},
 * {level: Metadata, resources: [{group: "", resources: ["secrets"]}]}, {level: Request}]} a list of events is
 * not recorded, a create of a Secret is recorded without its body, and a create of a ConfigMap with it.
 */
public record Policy(List<Rule> rules, List<Stage> omitStages, boolean omitManagedFields) {

    /** What a rule records: the level, the stages left out and whether managedFields are dropped. */
    public record Decision(Level level, Set<Stage> omitStages, boolean omitManagedFields) {

        public static final Decision NONE = new Decision(Level.None, Set.of(), false);

        public boolean omits(Stage stage) {
            return omitStages.contains(stage);
        }
    }

    /**
     * One rule: every field given must match (empty = any). {@code resources} and {@code namespaces} make it a
     * rule for resource requests, {@code nonResourceURLs} one for other paths.
     */
    public record Rule(Level level, List<String> users, List<String> userGroups, List<String> verbs,
                       List<GroupResources> resources, List<String> namespaces, List<String> nonResourceURLs,
                       List<Stage> omitStages, Boolean omitManagedFields) {
    }

    /**
     * Resources of one API group ("" is the core group): {@code pods}, {@code pods/log} (a subresource),
     * {@code *} (everything, subresources included), {@code pods/*} (pods and every subresource of pods, as kube's
     * checker reads it) or
     * {@code * /scale} (written without the space: the scale subresource of anything); {@code resourceNames}
     * narrows to those objects. An empty {@code resources} list is every resource of the group.
     */
    public record GroupResources(String group, List<String> resources, List<String> resourceNames) {
    }

    /** The decision for a request: the first matching rule's, else None with the policy's omitted stages. */
    public Decision evaluate(RequestAttributes a) {
        for (Rule r : rules) {
            if (matches(r, a)) {
                Set<Stage> omit = new LinkedHashSet<>(omitStages);
                omit.addAll(r.omitStages());
                return new Decision(r.level(), Set.copyOf(omit),
                        r.omitManagedFields() != null ? r.omitManagedFields() : omitManagedFields);
            }
        }
        return new Decision(Level.None, Set.copyOf(omitStages), omitManagedFields);
    }

    static boolean matches(Rule r, RequestAttributes a) {
        if (!r.users().isEmpty() && (a.user() == null || !r.users().contains(a.user().name()))) {
            return false;
        }
        if (!r.userGroups().isEmpty()
                && (a.user() == null || a.user().groups().stream().noneMatch(r.userGroups()::contains))) {
            return false;
        }
        if (!r.verbs().isEmpty() && !r.verbs().contains(a.verb())) {
            return false;
        }
        if (!r.namespaces().isEmpty() || !r.resources().isEmpty()) {
            return matchesResource(r, a);
        }
        if (!r.nonResourceURLs().isEmpty()) {
            return !a.resourceRequest() && r.nonResourceURLs().stream().anyMatch(spec -> pathMatches(a.path(), spec));
        }
        return true;
    }

    private static boolean matchesResource(Rule r, RequestAttributes a) {
        if (!a.resourceRequest()) {
            return false;
        }
        if (!r.namespaces().isEmpty() && !r.namespaces().contains(a.namespace())) {
            return false;
        }
        if (r.resources().isEmpty()) {
            return true;
        }
        String sub = a.subresource();
        String combined = sub.isEmpty() ? a.resource() : a.resource() + "/" + sub;
        for (GroupResources gr : r.resources()) {
            if (!gr.group().equals(a.apiGroup())) {
                continue;
            }
            if (gr.resources().isEmpty()) {
                return true;
            }
            if (!gr.resourceNames().isEmpty() && !gr.resourceNames().contains(a.name())) {
                continue;
            }
            for (String res : gr.resources()) {
                if (res.equals(combined) || res.equals("*")
                        || (!sub.isEmpty() && res.startsWith("*/") && sub.equals(res.substring(2)))
                        || (res.endsWith("/*") && a.resource().equals(res.substring(0, res.length() - 2)))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code *} matches every path, {@code /healthz*} every path starting with /healthz, else exactly. */
    static boolean pathMatches(String path, String spec) {
        if (spec.equals("*") || spec.equals(path)) {
            return true;
        }
        if (spec.endsWith("*")) {
            String prefix = spec;
            while (prefix.endsWith("*")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            return path.startsWith(prefix);
        }
        return false;
    }

    /** A copy of {@code list} that is never null. */
    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(new ArrayList<>(list));
    }
}
