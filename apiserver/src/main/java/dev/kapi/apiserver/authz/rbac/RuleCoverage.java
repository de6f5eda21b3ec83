package dev.kapi.apiserver.authz.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether one set of rules grants everything another does, as kube's {@code validation.Covers}: the
 * servant rules are broken down into single (group, resource, verb[, name]) and (URL, verb) rules, and
 * each must be covered by one owner rule. Also kube's compaction and one-line rendering of missing rules
 * ({@code {APIGroups:[""], Resources:["secrets"], Verbs:["get"]}}).
 */
public final class RuleCoverage {

    private RuleCoverage() {
    }

    /** The servant rules' atoms that no owner rule covers (empty = covered). */
    public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> servant) {
        List<PolicyRule> missing = new ArrayList<>();
        for (PolicyRule s : servant) {
            for (PolicyRule atom : breakdown(s)) {
                if (owner.stream().noneMatch(o -> covers(o, atom))) {
                    missing.add(atom);
                }
            }
        }
        return missing;
    }

    public static boolean covers(List<PolicyRule> owner, List<PolicyRule> servant) {
        return uncovered(owner, servant).isEmpty();
    }

    /** kube's {@code BreakdownRule}. */
    public static List<PolicyRule> breakdown(PolicyRule rule) {
        List<PolicyRule> out = new ArrayList<>();
        for (String group : Rules.apiGroups(rule)) {
            for (String resource : Rules.resources(rule)) {
                for (String verb : Rules.verbs(rule)) {
                    if (Rules.resourceNames(rule).isEmpty()) {
                        out.add(Rules.rule(List.of(group), List.of(resource), List.of(), List.of(), List.of(verb)));
                    }
                    for (String name : Rules.resourceNames(rule)) {
                        out.add(Rules.rule(List.of(group), List.of(resource), List.of(name), List.of(),
                                List.of(verb)));
                    }
                }
            }
        }
        for (String url : Rules.nonResourceURLs(rule)) {
            for (String verb : Rules.verbs(rule)) {
                out.add(Rules.urlRule(List.of(url), List.of(verb)));
            }
        }
        return out;
    }

    /** kube's {@code ruleCovers}: the owner rule grants everything the (broken-down) sub-rule does. */
    static boolean covers(PolicyRule owner, PolicyRule sub) {
        boolean verbs = Rules.verbs(owner).contains("*") || Rules.verbs(owner).containsAll(Rules.verbs(sub));
        boolean groups = Rules.apiGroups(owner).contains("*")
                || Rules.apiGroups(owner).containsAll(Rules.apiGroups(sub));
        boolean resources = resourcesCover(Rules.resources(owner), Rules.resources(sub));
        boolean urls = Rules.nonResourceURLs(sub).stream().allMatch(path -> Rules.nonResourceURLs(owner).stream()
                .anyMatch(o -> o.equals(path) || (o.endsWith("*") && path.startsWith(RuleMatching.trimStars(o)))));
        boolean names = Rules.resourceNames(owner).isEmpty()
                || (!Rules.resourceNames(sub).isEmpty()
                && Rules.resourceNames(owner).containsAll(Rules.resourceNames(sub)));
        return verbs && groups && resources && names && urls;
    }

    private static boolean resourcesCover(List<String> owner, List<String> sub) {
        if (owner.contains("*") || owner.containsAll(sub)) {
            return true;
        }
        for (String path : sub) {
            if (owner.contains(path)) {
                continue;
            }
            int slash = path.indexOf('/');
            if (slash < 0 || !owner.contains("*/" + path.substring(slash + 1))) {
                return false;
            }
        }
        return true;
    }

    /**
     * kube's {@code CompactRules}: rules on one group and one resource (and at most one name) merge
     * their verbs; the rest stay as they are.
     */
    public static List<PolicyRule> compact(List<PolicyRule> rules) {
        List<PolicyRule> out = new ArrayList<>();
        Map<List<String>, PolicyRule> simple = new LinkedHashMap<>();
        for (PolicyRule r : rules) {
            boolean isSimple = Rules.resourceNames(r).size() <= 1 && Rules.nonResourceURLs(r).isEmpty()
                    && Rules.apiGroups(r).size() == 1 && Rules.resources(r).size() == 1;
            if (!isSimple) {
                out.add(r);
                continue;
            }
            List<String> key = List.of(Rules.apiGroups(r).get(0), Rules.resources(r).get(0),
                    Rules.resourceNames(r).isEmpty() ? "" : "name:" + Rules.resourceNames(r).get(0));
            PolicyRule existing = simple.get(key);
            if (existing == null) {
                simple.put(key, Rules.copy(r));
            } else {
                existing.getVerbs().addAll(Rules.verbs(r));
            }
        }
        out.addAll(simple.values());
        return out;
    }

    /** kube's {@code CompactString}: {@code {APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}}. */
    public static String compactString(PolicyRule r) {
        List<String> parts = new ArrayList<>();
        part(parts, "APIGroups", Rules.apiGroups(r));
        part(parts, "Resources", Rules.resources(r));
        part(parts, "NonResourceURLs", Rules.nonResourceURLs(r));
        part(parts, "ResourceNames", Rules.resourceNames(r));
        part(parts, "Verbs", Rules.verbs(r));
        return "{" + String.join(", ", parts) + "}";
    }

    private static void part(List<String> parts, String name, List<String> values) {
        if (!values.isEmpty()) {
            parts.add(name + ":" + goQuoted(values));
        }
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    public static String goQuoted(List<String> values) {
        return values.stream().map(RuleCoverage::goQuote).collect(Collectors.joining(" ", "[", "]"));
    }

    private static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The missing rules as kube lists them in an escalation error: compacted, one per line, sorted. */
    public static String describeMissing(List<PolicyRule> missing) {
        Set<String> lines = new java.util.TreeSet<>();
        for (PolicyRule r : compact(missing)) {
            lines.add(compactString(r));
        }
        return String.join("\n", lines);
    }
}
