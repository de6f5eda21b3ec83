package dev.kapi.apiserver.registry.groups.flowcontrol;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaCondition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaSpec;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.NonResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.Subject;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * flowcontrol.apiserver.k8s.io/v1 flowschemas (cluster-scoped, +status): kube's defaults (matchingPrecedence
 * 1000) and validation (precedence 1..10000 and 1 only for {@code exempt}, a priority level named, ByUser or
 * ByNamespace, each rule with subjects and at least one resource or non-resource rule, "*" alone in its list),
 * and kube's printer columns.
 */
public final class FlowSchemaStrategy implements ResourceStrategy<FlowSchema> {

    @Override
    public void applyDefaults(FlowSchema fs) {
        if (fs.getSpec() == null) {
            fs.setSpec(new FlowSchemaSpec());
        }
        if (fs.getSpec().getMatchingPrecedence() == null || fs.getSpec().getMatchingPrecedence() == 0) {
            fs.getSpec().setMatchingPrecedence(1000);
        }
    }

    @Override
    public List<FieldError> validate(FlowSchema fs) {
        List<FieldError> errs = new ArrayList<>();
        FlowSchemaSpec spec = fs.getSpec();
        int precedence = spec.getMatchingPrecedence() == null ? 0 : spec.getMatchingPrecedence();
        if (precedence <= 0) {
            errs.add(FieldError.invalid("spec.matchingPrecedence", precedence, "must be a positive value"));
        } else if (precedence > 10000) {
            errs.add(FieldError.invalid("spec.matchingPrecedence", precedence, "must not be greater than 10000"));
        }
        if (precedence == 1 && !"exempt".equals(fs.getMetadata().getName())) {
            errs.add(FieldError.invalid("spec.matchingPrecedence", precedence,
                    "only the schema named 'exempt' may have matchingPrecedence 1"));
        }
        if (spec.getDistinguisherMethod() != null) {
            FieldChecks.oneOf(spec.getDistinguisherMethod().getType(), List.of("ByNamespace", "ByUser"),
                    "spec.distinguisherMethod.type", errs);
        }
        if (spec.getPriorityLevelConfiguration() == null || blank(spec.getPriorityLevelConfiguration().getName())) {
            errs.add(FieldError.required("spec.priorityLevelConfiguration.name", "must reference a priority level"));
        }
        List<PolicyRulesWithSubjects> rules = spec.getRules() == null ? List.of() : spec.getRules();
        for (int i = 0; i < rules.size(); i++) {
            validateRule(rules.get(i), "spec.rules[" + i + "]", errs);
        }
        return errs;
    }

    private static void validateRule(PolicyRulesWithSubjects rule, String path, List<FieldError> errs) {
        List<Subject> subjects = rule.getSubjects() == null ? List.of() : rule.getSubjects();
        if (subjects.isEmpty()) {
            errs.add(FieldError.required(path + ".subjects", "subjects must contain at least one value"));
        }
        for (int i = 0; i < subjects.size(); i++) {
            validateSubject(subjects.get(i), path + ".subjects[" + i + "]", errs);
        }
        List<ResourcePolicyRule> resources = rule.getResourceRules() == null ? List.of() : rule.getResourceRules();
        List<NonResourcePolicyRule> nonResources = rule.getNonResourceRules() == null ? List.of()
                : rule.getNonResourceRules();
        if (resources.isEmpty() && nonResources.isEmpty()) {
            errs.add(FieldError.required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"));
        }
        for (int i = 0; i < resources.size(); i++) {
            ResourcePolicyRule r = resources.get(i);
            String p = path + ".resourceRules[" + i + "]";
            list(r.getVerbs(), p + ".verbs", "verbs", errs);
            list(r.getApiGroups(), p + ".apiGroups", "resource rules must supply at least one api group", errs);
            list(r.getResources(), p + ".resources", "resource rules must supply at least one resource", errs);
            List<String> ns = r.getNamespaces() == null ? List.of() : r.getNamespaces();
            if (ns.isEmpty() && !Boolean.TRUE.equals(r.getClusterScope())) {
                errs.add(FieldError.required(p + ".namespaces",
                        "resource rules that are not cluster scoped must supply at least one namespace"));
            } else if (ns.contains("*") && ns.size() > 1) {
                errs.add(FieldError.invalid(p + ".namespaces", new GoStrings(ns), "if '*' is present, must not specify other namespaces"));
            }
        }
        for (int i = 0; i < nonResources.size(); i++) {
            NonResourcePolicyRule r = nonResources.get(i);
            String p = path + ".nonResourceRules[" + i + "]";
            list(r.getVerbs(), p + ".verbs", "verbs", errs);
            list(r.getNonResourceURLs(), p + ".nonResourceURLs", "nonResourceURLs", errs);
        }
    }

    /** A rule's list: not empty, and "*" only alone. */
    private static void list(List<String> values, String path, String what, List<FieldError> errs) {
        List<String> v = values == null ? List.of() : values;
        if (v.isEmpty()) {
            errs.add(FieldError.required(path, what.contains(" ") ? what : what + " must contain at least one value"));
        } else if (v.contains("*") && v.size() > 1) {
            String noun = path.substring(path.lastIndexOf('.') + 1);
            errs.add(FieldError.invalid(path, new GoStrings(v), "if '*' is present, must not specify other " + noun));
        }
    }

    private static void validateSubject(Subject s, String path, List<FieldError> errs) {
        String kind = s.getKind();
        switch (kind == null ? "" : kind) {
            case "User" -> {
                if (s.getUser() == null) {
                    errs.add(FieldError.required(path + ".user", "user is required when subject kind is 'User'"));
                } else if (blank(s.getUser().getName())) {
                    errs.add(FieldError.required(path + ".user.name", "username is required"));
                }
            }
            case "Group" -> {
                if (s.getGroup() == null) {
                    errs.add(FieldError.required(path + ".group", "group is required when subject kind is 'Group'"));
                } else if (blank(s.getGroup().getName())) {
                    errs.add(FieldError.required(path + ".group.name", "name is required"));
                }
            }
            case "ServiceAccount" -> {
                if (s.getServiceAccount() == null) {
                    errs.add(FieldError.required(path + ".serviceAccount",
                            "serviceAccount is required when subject kind is 'ServiceAccount'"));
                } else {
                    if (blank(s.getServiceAccount().getName())) {
                        errs.add(FieldError.required(path + ".serviceAccount.name", "name is required"));
                    }
                    if (blank(s.getServiceAccount().getNamespace())) {
                        errs.add(FieldError.required(path + ".serviceAccount.namespace", "namespace is required"));
                    }
                }
            }
            default -> errs.add(FieldError.notSupported(path + ".kind", kind == null ? "" : kind,
                    List.of("Group", "ServiceAccount", "User")));
        }
    }

    /** A value printed as Go prints a {@code []string} ({@code %#v}). */
    private record GoStrings(List<String> values) {
        @Override
        public String toString() {
            return values.stream().map(GoQuote::quote).collect(Collectors.joining(", ", "[]string{", "}"));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    @Override
    public List<TableColumn<FlowSchema>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("PriorityLevel", "string", "Name of the priority level", fs ->
                        fs.getSpec().getPriorityLevelConfiguration() == null ? ""
                                : String.valueOf(fs.getSpec().getPriorityLevelConfiguration().getName())),
                TableColumn.of("MatchingPrecedence", "integer", "Matching precedence", fs ->
                        (long) (fs.getSpec().getMatchingPrecedence() == null ? 0 : fs.getSpec().getMatchingPrecedence())),
                TableColumn.of("DistinguisherMethod", "string", "Distinguisher method", fs ->
                        fs.getSpec().getDistinguisherMethod() == null ? "<none>"
                                : String.valueOf(fs.getSpec().getDistinguisherMethod().getType())),
                TableColumn.ageColumn(),
                TableColumn.of("MissingPL", "string", "references a broken or non-existent PriorityLevelConfiguration",
                        FlowSchemaStrategy::missingPriorityLevel));
    }

    /** kube's printer: the status of the Dangling condition, "?" without one. */
    private static String missingPriorityLevel(FlowSchema fs) {
        if (fs.getStatus() == null || fs.getStatus().getConditions() == null) {
            return "?";
        }
        String s = "?";
        for (FlowSchemaCondition c : fs.getStatus().getConditions()) {
            if ("Dangling".equals(c.getType())) {
                s = c.getStatus();
            }
        }
        return s;
    }
}
