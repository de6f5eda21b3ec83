package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.rbac.RuleCoverage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.rbac.AggregationRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Brings the {@link BootstrapPolicy} into storage at every start, as kube's {@code rbac/bootstrap-roles}
 * post-start hook: missing roles and bindings are created; existing ones not annotated
 * {@code rbac.authorization.kubernetes.io/autoupdate: "false"} gain missing labels, annotations, rules,
 * aggregation selectors and subjects (what users added stays); a binding whose roleRef differs is recreated.
 * It writes through the {@link WritePipeline} as the API server itself ({@link SystemUsers#API_SERVER}).
 */
public final class BootstrapReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapReconciler.class);

    private final WriteScope<ClusterRole> roles;
    private final WriteScope<ClusterRoleBinding> bindings;
    private final StoreRegistry stores;
    private final WritePipeline writes;

    public BootstrapReconciler(StoreRegistry stores, WritePipeline writes) {
        this.roles = WriteScope.of(RbacResources.store(stores, "clusterroles", ClusterRole.class), null,
                SystemUsers.API_SERVER);
        this.bindings = WriteScope.of(RbacResources.store(stores, "clusterrolebindings", ClusterRoleBinding.class),
                null, SystemUsers.API_SERVER);
        this.stores = stores;
        this.writes = writes;
    }

    /** Reconciles every bootstrap role and binding; throws when storage fails. */
    public void reconcile() {
        Map<String, ClusterRole> storedRoles = stored(roles);
        for (ClusterRole expected : BootstrapPolicy.clusterRoles()) {
            reconcileRole(expected, storedRoles.get(expected.getMetadata().getName()));
        }
        Map<String, ClusterRoleBinding> storedBindings = stored(bindings);
        for (ClusterRoleBinding expected : BootstrapPolicy.clusterRoleBindings()) {
            reconcileBinding(expected, storedBindings.get(expected.getMetadata().getName()));
        }
        NamespacedReconciler namespaced = new NamespacedReconciler(stores, writes, this);
        NamespaceBootstrapPolicy.roles().forEach(namespaced::reconcile);
        NamespaceBootstrapPolicy.bindings().forEach(namespaced::reconcile);
    }

    /**
     * What is stored, by name: one list, not a consistent get per bootstrap object (each waiting for the watch
     * cache after the previous write). One created or changed since is met by the write's conflict.
     */
    static <T extends HasMetadata> Map<String, T> stored(WriteScope<T> scope) {
        Map<String, T> byName = new HashMap<>();
        scope.store().list(null, ListParams.all()).items().forEach(o -> byName.put(o.getMetadata().getName(), o));
        return byName;
    }

    private void reconcileRole(ClusterRole expected, ClusterRole existing) {
        bring(roles, expected, existing, BootstrapReconciler::reconciledRole, null, () -> { }, "clusterrole");
    }

    private void reconcileBinding(ClusterRoleBinding expected, ClusterRoleBinding existing) {
        bring(bindings, expected, existing, BootstrapReconciler::reconciledBinding, ClusterRoleBinding::getRoleRef,
                () -> { }, "clusterrolebinding");
    }

    /**
     * Brings one bootstrap object into storage: created when missing (after {@code beforeCreate}); otherwise, unless
     * protected, given what {@code reconciled} adds (null: nothing missing); a binding whose {@code roleRef} (null
     * for roles) differs is deleted and created again, as kube does (a roleRef cannot change).
     */
    <T extends HasMetadata> void bring(WriteScope<T> scope, T expected, T existing, BinaryOperator<T> reconciled,
                                       Function<T, RoleRef> roleRef, Runnable beforeCreate, String kind) {
        String name = expected.getMetadata().getName();
        String label = scope.namespace() == null ? name : scope.namespace() + "/" + name;
        if (existing == null) {
            beforeCreate.run();
            createIgnoringConflict(() -> writes.create(scope, expected, OperationOptions.create()));
            LOG.info("created {} {}", kind, label);
            return;
        }
        if (isProtected(existing.getMetadata())) {
            return;
        }
        T changed = reconciled.apply(existing, expected);
        if (changed == null) {
            return;
        }
        if (roleRef != null && !Objects.equals(roleRef.apply(existing), roleRef.apply(expected))) {
            writes.delete(scope, name, OperationOptions.delete());
            changed.getMetadata().setResourceVersion(null);
            changed.getMetadata().setUid(null);
            changed.getMetadata().setCreationTimestamp(null);
            createIgnoringConflict(() -> writes.create(scope, changed, OperationOptions.create()));
            LOG.info("recreated {} {} with roleRef {}", kind, label, roleRef.apply(expected).getName());
            return;
        }
        writes.update(scope, name, current -> {
            T r = reconciled.apply(current, expected);
            return r == null ? current : r;
        }, OperationOptions.update());
        LOG.info("updated {} {}", kind, label);
    }

    static boolean isProtected(ObjectMeta meta) {
        return meta.getAnnotations() != null && "false".equals(meta.getAnnotations().get(BootstrapPolicy.AUTOUPDATE));
    }

    /** The existing role with what {@code expected} adds, or null when nothing is missing. */
    static ClusterRole reconciledRole(ClusterRole existing, ClusterRole expected) {
        boolean changed = false;
        ClusterRole r = existing.toBuilder().build();
        ObjectMeta meta = r.getMetadata();
        Map<String, String> labels = merged(expected.getMetadata().getLabels(), meta.getLabels());
        Map<String, String> annotations = merged(expected.getMetadata().getAnnotations(), meta.getAnnotations());
        if (!labels.equals(nz(meta.getLabels())) || !annotations.equals(nz(meta.getAnnotations()))) {
            meta.setLabels(labels);
            meta.setAnnotations(annotations);
            changed = true;
        }
        List<PolicyRule> existingRules = r.getRules() == null ? List.of() : r.getRules();
        List<PolicyRule> missing = RuleCoverage.uncovered(existingRules, expected.getRules());
        if (!missing.isEmpty()) {
            List<PolicyRule> rules = new ArrayList<>(existingRules);
            rules.addAll(missing);
            r.setRules(rules);
            changed = true;
        }
        AggregationRule want = expected.getAggregationRule();
        AggregationRule have = r.getAggregationRule();
        if (want == null && have != null) {
            r.setAggregationRule(null);
            changed = true;
        } else if (want != null) {
            List<LabelSelector> selectors = new ArrayList<>(have == null || have.getClusterRoleSelectors() == null
                    ? List.of() : have.getClusterRoleSelectors());
            for (LabelSelector s : want.getClusterRoleSelectors()) {
                if (selectors.stream().noneMatch(x -> sameSelector(x, s))) {
                    selectors.add(s);
                    changed = true;
                }
            }
            AggregationRule rule = new AggregationRule();
            rule.setClusterRoleSelectors(selectors);
            r.setAggregationRule(rule);
        }
        return changed ? r : null;
    }

    /** The existing binding with the expected roleRef and any missing subjects, or null when unchanged. */
    static ClusterRoleBinding reconciledBinding(ClusterRoleBinding existing, ClusterRoleBinding expected) {
        boolean changed = false;
        ClusterRoleBinding b = existing.toBuilder().build();
        ObjectMeta meta = b.getMetadata();
        Map<String, String> labels = merged(expected.getMetadata().getLabels(), meta.getLabels());
        Map<String, String> annotations = merged(expected.getMetadata().getAnnotations(), meta.getAnnotations());
        if (!labels.equals(nz(meta.getLabels())) || !annotations.equals(nz(meta.getAnnotations()))) {
            meta.setLabels(labels);
            meta.setAnnotations(annotations);
            changed = true;
        }
        if (!Objects.equals(b.getRoleRef(), expected.getRoleRef())) {
            b.setRoleRef(expected.getRoleRef());
            changed = true;
        }
        List<Subject> subjects = new ArrayList<>(b.getSubjects() == null ? List.of() : b.getSubjects());
        for (Subject s : expected.getSubjects()) {
            if (subjects.stream().noneMatch(x -> sameSubject(x, s))) {
                subjects.add(s);
                changed = true;
            }
        }
        b.setSubjects(subjects);
        return changed ? b : null;
    }

    private static boolean sameSelector(LabelSelector a, LabelSelector b) {
        return Objects.equals(nz(a.getMatchLabels()), nz(b.getMatchLabels()))
                && Objects.equals(a.getMatchExpressions() == null ? List.of() : a.getMatchExpressions(),
                b.getMatchExpressions() == null ? List.of() : b.getMatchExpressions());
    }

    private static boolean sameSubject(Subject a, Subject b) {
        return Objects.equals(a.getKind(), b.getKind()) && Objects.equals(a.getName(), b.getName())
                && Objects.equals(nzs(a.getNamespace()), nzs(b.getNamespace()));
    }

    /** {@code expected} overlaid with {@code existing} (existing values win). */
    private static Map<String, String> merged(Map<String, String> expected, Map<String, String> existing) {
        Map<String, String> m = new HashMap<>(nz(expected));
        m.putAll(nz(existing));
        return m;
    }

    private static Map<String, String> nz(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static String nzs(String s) {
        return s == null ? "" : s;
    }

    static void createIgnoringConflict(Runnable create) {
        try {
            create.run();
        } catch (StatusError e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }
}
