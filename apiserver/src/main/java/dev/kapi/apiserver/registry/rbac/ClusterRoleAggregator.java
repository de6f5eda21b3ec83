package dev.kapi.apiserver.registry.rbac;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.authz.rbac.PolicySnapshot;
import dev.kapi.apiserver.authz.rbac.Rules;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * kube's ClusterRole aggregation controller: a ClusterRole with an {@code aggregationRule} gets as rules
 * the union (in name order, without repeats) of the rules of every other ClusterRole whose labels match
 * one of its {@code clusterRoleSelectors}; recomputed (and written through the store) whenever cluster
 * roles change in the {@link RbacPolicyCache}. It writes through the {@link WritePipeline} as kube's
 * aggregation controller ({@link SystemUsers#CLUSTERROLE_AGGREGATION_CONTROLLER}), which RBAC escalation
 * prevention lets through because the bootstrap policy grants it {@code escalate} on clusterroles.
 */
public final class ClusterRoleAggregator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRoleAggregator.class);
    private static final long FIRST_RETRY_MILLIS = 500;
    /** A write refused (say by --authorization-mode=AlwaysDeny) is retried, and logged, at most this often. */
    private static final long MAX_RETRY_MILLIS = 30_000;

    private final RbacPolicyCache cache;
    private final WriteScope<ClusterRole> roles;
    private final WritePipeline writes;
    private final Semaphore pending = new Semaphore(0);
    /** The last failure of each role whose aggregation failed. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private volatile Thread thread;
    private volatile boolean closed;

    public ClusterRoleAggregator(RbacPolicyCache cache, StoreRegistry stores, WritePipeline writes) {
        this.cache = cache;
        this.roles = WriteScope.of(RbacResources.store(stores, "clusterroles", ClusterRole.class), null,
                SystemUsers.CLUSTERROLE_AGGREGATION_CONTROLLER);
        this.writes = writes;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        cache.onClusterRolesChanged(pending::release);
        thread = Thread.ofVirtual().name("clusterrole-aggregation").start(this::run);
        pending.release();
    }

    /** Syncs when signalled; after a failed write tries again after a wait that doubles up to 30 s. */
    private void run() {
        long retryMillis = FIRST_RETRY_MILLIS;
        while (!closed) {
            try {
                boolean signalled = pending.tryAcquire(5, TimeUnit.SECONDS);
                pending.drainPermits();
                if (!signalled) {
                    continue;
                }
                if (syncAll()) {
                    retryMillis = FIRST_RETRY_MILLIS;
                } else {
                    Thread.sleep(retryMillis);
                    retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
                    pending.release();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Updates every aggregated cluster role whose rules are stale; false when a write failed. */
    boolean syncAll() {
        PolicySnapshot snapshot = cache.current();
        boolean ok = true;
        for (ClusterRole role : snapshot.clusterRoles()) {
            if (role.getAggregationRule() == null) {
                continue;
            }
            List<PolicyRule> rules = aggregatedRules(role, snapshot.clusterRoles());
            if (keys(rules).equals(keys(role.getRules()))) {
                continue;
            }
            String name = role.getMetadata().getName();
            try {
                writes.update(roles, name, current -> {
                    current.setRules(rules);
                    return current;
                }, OperationOptions.update());
                LOG.debug("aggregated clusterrole {}: {} rules", name, rules.size());
                failures.remove(name);
            } catch (StatusError e) {
                if (e.code() != 404) {
                    failed(name, e.getMessage());
                    ok = false;
                }
            } catch (RuntimeException e) {
                failed(name, e.toString());
                ok = false;
            }
        }
        return ok;
    }

    /** Logs a failure at WARN when it is new for the role; its retries say the same at DEBUG. */
    private void failed(String role, String message) {
        if (message.equals(failures.put(role, message))) {
            LOG.debug("could not aggregate clusterrole {}: {}", role, message);
        } else {
            LOG.warn("could not aggregate clusterrole {}: {}", role, message);
        }
    }

    /** The union of the rules of the other cluster roles the target's selectors match, by role name. */
    public static List<PolicyRule> aggregatedRules(ClusterRole target, Collection<ClusterRole> all) {
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

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
