package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.authz.rbac.Rules;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's ClusterRole aggregation controller: a ClusterRole with an {@code aggregationRule} gets as rules
 * the union (in name order, without repeats) of the rules of every other ClusterRole whose labels match
 * one of its {@code clusterRoleSelectors}. After any batch of cluster role changes its informer tells, every
 * aggregated role is queued (as kube does: the set is small and the dependencies unknown) and reconciled
 * from the informer's cache; a refused write is tried again after a wait that doubles from 500 ms to 30 s.
 * It writes through the {@link WritePipeline} as kube's aggregation controller
 * ({@link SystemUsers#CLUSTERROLE_AGGREGATION_CONTROLLER}), which RBAC escalation prevention lets through
 * because the bootstrap policy grants it {@code escalate} on clusterroles.
 */
final class ClusterRoleAggregationController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRoleAggregationController.class);

    private final Informer<ClusterRole> clusterRoles;
    private final WriteScope<ClusterRole> roles;
    private final WritePipeline writes;
    /** The last failure of each role whose aggregation failed. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    ClusterRoleAggregationController(Informer<ClusterRole> clusterRoles, Store<ClusterRole> store,
                                     WritePipeline writes) {
        super("clusterrole-aggregation-controller", 1, new WorkQueue(Duration.ofMillis(500), Duration.ofSeconds(30)),
                List.of(clusterRoles));
        this.clusterRoles = clusterRoles;
        this.roles = WriteScope.of(store, null, SystemUsers.CLUSTERROLE_AGGREGATION_CONTROLLER);
        this.writes = writes;
        clusterRoles.addHandler(new EventHandler<>() {
            private boolean changed;

            @Override
            public void onAdd(ClusterRole role) {
                changed = true;
            }

            @Override
            public void onUpdate(ClusterRole old, ClusterRole role) {
                changed |= old != role;
            }

            @Override
            public void onDelete(ClusterRole role) {
                changed = true;
            }

            @Override
            public void onBatchEnd() {
                if (changed) {
                    changed = false;
                    for (ClusterRole role : clusterRoles.cache().list()) {
                        if (role.getAggregationRule() != null) {
                            queue.add(role.getMetadata().getName());
                        }
                    }
                }
            }
        });
    }

    /** Updates the aggregated role's rules when they are stale; false when the write failed. */
    @Override
    protected boolean reconcile(String name) {
        ClusterRole role = clusterRoles.cache().get(null, name);
        if (role == null || role.getAggregationRule() == null) {
            failures.remove(name);
            return true;
        }
        List<PolicyRule> rules = aggregatedRules(role, clusterRoles.cache().list());
        if (keys(rules).equals(keys(role.getRules()))) {
            failures.remove(name);
            return true;
        }
        try {
            writes.update(roles, name, current -> {
                current.setRules(rules);
                return current;
            }, OperationOptions.update());
            LOG.debug("aggregated clusterrole {}: {} rules", name, rules.size());
            failures.remove(name);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                failures.remove(name);
                return true;
            }
            failed(name, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            failed(name, e.toString());
            return false;
        }
    }

    /** Logs a failure at WARN when it is new for the role; its retries say the same at DEBUG. */
    private void failed(String role, String message) {
        if (stopping()) {
            return;
        }
        if (message.equals(failures.put(role, message))) {
            LOG.debug("could not aggregate clusterrole {}: {}", role, message);
        } else {
            LOG.warn("could not aggregate clusterrole {}: {}", role, message);
        }
    }

    /** The union of the rules of the other cluster roles the target's selectors match, by role name. */
    static List<PolicyRule> aggregatedRules(ClusterRole target, Collection<ClusterRole> all) {
        List<LabelSelector> selectors = new ArrayList<>();
        for (var s : target.getAggregationRule().getClusterRoleSelectors()) {
            try {
                selectors.add(LabelSelector.fromObject(s));
            } catch (RuntimeException e) {
                LOG.debug("clusterrole {}: bad selector {}", target.getMetadata().getName(), e.getMessage());
            }
        }
        Set<List<List<String>>> seen = new LinkedHashSet<>();
        List<PolicyRule> rules = new ArrayList<>();
        all.stream().sorted(Comparator.comparing(r -> r.getMetadata().getName())).forEach(role -> {
            if (role.getMetadata().getName().equals(target.getMetadata().getName())) {
                return;
            }
            Map<String, String> labels = role.getMetadata().getLabels() == null ? Map.of()
                    : role.getMetadata().getLabels();
            if (selectors.stream().noneMatch(s -> s.matches(labels))) {
                return;
            }
            for (PolicyRule r : role.getRules() == null ? List.<PolicyRule>of() : role.getRules()) {
                if (seen.add(Rules.key(r))) {
                    rules.add(Rules.copy(r));
                }
            }
        });
        return rules;
    }

    private static List<List<List<String>>> keys(List<PolicyRule> rules) {
        return (rules == null ? List.<PolicyRule>of() : rules).stream().map(Rules::key).toList();
    }
}
