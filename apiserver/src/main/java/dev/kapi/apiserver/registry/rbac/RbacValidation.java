package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.LabelSelectorValidation;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.rbac.AggregationRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * kube's {@code pkg/apis/rbac/validation} and v1 defaults: rules need verbs and either resources (with
 * API groups) or non-resource URLs (only outside namespaces); role refs name a Role or ClusterRole of
 * {@code rbac.authorization.k8s.io} and never change; subjects are Users, Groups or ServiceAccounts.
 */
final class RbacValidation {

    static final String GROUP = "rbac.authorization.k8s.io";

    private RbacValidation() {
    }

    static List<FieldError> rules(List<PolicyRule> rules, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; rules != null && i < rules.size(); i++) {
            rule(rules.get(i), namespaced, "rules[" + i + "]", errs);
        }
        return errs;
    }

    private static void rule(PolicyRule r, boolean namespaced, String p, List<FieldError> errs) {
        if (empty(r.getVerbs())) {
            errs.add(FieldError.required(p + ".verbs", "verbs must contain at least one value"));
        }
        if (!empty(r.getNonResourceURLs())) {
            GoValues.Printed urls = goStrings(r.getNonResourceURLs());
            if (namespaced) {
                errs.add(FieldError.invalid(p + ".nonResourceURLs", urls,
                        "namespaced rules cannot apply to non-resource URLs"));
            }
            if (!empty(r.getApiGroups()) || !empty(r.getResources()) || !empty(r.getResourceNames())) {
                errs.add(FieldError.invalid(p + ".nonResourceURLs", urls,
                        "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return;
        }
        if (empty(r.getApiGroups())) {
            errs.add(FieldError.required(p + ".apiGroups", "resource rules must supply at least one api group"));
        }
        if (empty(r.getResources())) {
            errs.add(FieldError.required(p + ".resources", "resource rules must supply at least one resource"));
        }
    }

    static List<FieldError> aggregationRule(AggregationRule rule) {
        List<FieldError> errs = new ArrayList<>();
        if (rule == null) {
            return errs;
        }
        var selectors = rule.getClusterRoleSelectors();
        if (selectors == null || selectors.isEmpty()) {
            errs.add(FieldError.required("aggregationRule.clusterRoleSelectors",
                    "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            return errs;
        }
        for (int i = 0; i < selectors.size(); i++) {
            String p = "aggregationRule.clusterRoleSelectors[" + i + "]";
            List<FieldError> selectorErrs = LabelSelectorValidation.validate(selectors.get(i), p);
            errs.addAll(selectorErrs);
            if (selectorErrs.isEmpty()) {
                try {
                    LabelSelector.fromObject(selectors.get(i));
                } catch (RuntimeException e) {
                    errs.add(FieldError.invalid(p, GoValues.labelSelector(selectors.get(i)), "invalid label selector."));
                }
            }
        }
        return errs;
    }

    static void defaultRoleRef(RoleRef ref) {
        if (ref != null && (ref.getApiGroup() == null || ref.getApiGroup().isEmpty())) {
            ref.setApiGroup(GROUP);
        }
    }

    static void defaultSubjects(List<Subject> subjects) {
        for (Subject s : subjects == null ? List.<Subject>of() : subjects) {
            if ((s.getApiGroup() == null || s.getApiGroup().isEmpty())
                    && ("User".equals(s.getKind()) || "Group".equals(s.getKind()))) {
                s.setApiGroup(GROUP);
            }
        }
    }

    static List<FieldError> binding(RoleRef ref, List<Subject> subjects, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        RoleRef r = ref == null ? new RoleRef() : ref;
        String group = r.getApiGroup() == null ? "" : r.getApiGroup();
        if (!group.equals(GROUP)) {
            errs.add(FieldError.notSupported("roleRef.apiGroup", group, List.of(GROUP)));
        }
        String kind = r.getKind() == null ? "" : r.getKind();
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(kind)) {
            errs.add(FieldError.notSupported("roleRef.kind", kind, kinds));
        }
        String name = r.getName() == null ? "" : r.getName();
        if (name.isEmpty()) {
            errs.add(FieldError.required("roleRef.name", ""));
        } else {
            for (String m : NameValidation.pathSegmentName(name)) {
                errs.add(FieldError.invalid("roleRef.name", name, m));
            }
        }
        for (int i = 0; subjects != null && i < subjects.size(); i++) {
            subject(subjects.get(i), namespaced, "subjects[" + i + "]", errs);
        }
        return errs;
    }

    private static void subject(Subject s, boolean namespaced, String p, List<FieldError> errs) {
        String name = s.getName() == null ? "" : s.getName();
        String group = s.getApiGroup() == null ? "" : s.getApiGroup();
        if (name.isEmpty()) {
            errs.add(FieldError.required(p + ".name", ""));
        }
        String kind = s.getKind() == null ? "" : s.getKind();
        switch (kind) {
            case "ServiceAccount" -> {
                if (!name.isEmpty()) {
                    for (String m : NameValidation.dns1123Subdomain(name)) {
                        errs.add(FieldError.invalid(p + ".name", name, m));
                    }
                }
                if (!group.isEmpty()) {
                    errs.add(FieldError.notSupported(p + ".apiGroup", group, List.of("")));
                }
                if (!namespaced && (s.getNamespace() == null || s.getNamespace().isEmpty())) {
                    errs.add(FieldError.required(p + ".namespace", ""));
                }
            }
            case "User", "Group" -> {
                if (!group.equals(GROUP)) {
                    errs.add(FieldError.notSupported(p + ".apiGroup", group, List.of(GROUP)));
                }
            }
            default -> errs.add(FieldError.notSupported(p + ".kind", kind, List.of("ServiceAccount", "User", "Group")));
        }
    }

    /** {@code roleRef} is immutable: "cannot change roleRef". */
    static void roleRefUnchanged(RoleRef ref, RoleRef old, List<FieldError> errs) {
        if (!Objects.equals(text(ref), text(old))) {
            errs.add(FieldError.invalid("roleRef", new GoValues.Printed(text(ref)), "cannot change roleRef"));
        }
    }

    private static String text(RoleRef r) {
        RoleRef ref = r == null ? new RoleRef() : r;
        return "rbac.RoleRef{APIGroup:\"" + nz(ref.getApiGroup()) + "\", Kind:\"" + nz(ref.getKind())
                + "\", Name:\"" + nz(ref.getName()) + "\"}";
    }

    static GoValues.Printed goStrings(List<String> values) {
        return new GoValues.Printed(values.stream().map(v -> "\"" + v + "\"")
                .collect(Collectors.joining(", ", "[]string{", "}")));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static boolean empty(List<?> l) {
        return l == null || l.isEmpty();
    }
}
