package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ResourceQuota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * kube-apiserver's ResourceQuota admission: a create (or an update that uses more) in a namespace with quotas
 * is charged to every quota it falls under before it is stored, by a compare-and-swap write of each quota's
 * {@code status.used}; a write that would go over {@code status.hard} is refused with kube's 403 (see
 * {@link QuotaCheck}). Only the main resource of namespaced objects is looked at, never a namespace's own
 * create; a dry run is checked but never charged.
 *
 * <p>As in kube, the writes of a namespace waiting at the same time are decided in one batch
 * ({@link NamespaceQueue}), each against the quotas as the ones before it left them, and each changed quota is
 * written once for the batch, at the resourceVersion read. Exactness: when another write got there first
 * (another server, the quota controller), that quota is read again and the writes charged to it are decided
 * again, so two writes never both take the last unit. Conflicts are retried until {@link #TIMEOUT} (kube gives
 * up after three, answering the conflict); unlike kube, a write already refused stays refused on a retry. A
 * write charged and then refused by a later step (its name was taken) stays charged until the quota
 * controller computes the usage again, as in kube.
 */
public final class ResourceQuotaAdmission implements ValidatingAdmission {

    /** kube's limit on one write's quota evaluation: 500 "resource quota evaluation timed out" after it. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final GroupResource NAMESPACES = new GroupResource("", "namespaces");

    /** Where the plugin reads and charges quotas. */
    public interface Quotas {
        /**
         * The quotas of the namespace as stored now (a namespace known to have none may be answered from a
         * recent cache).
         */
        List<ResourceQuota> inNamespace(String namespace);

        /** True when the namespace is known, from a recent cache, to have no quota (its writes skip the queue). */
        default boolean knownEmpty(String namespace) {
            return false;
        }

        /**
         * Writes {@code quota}'s status if its resourceVersion is still the stored one.
         *
         * @throws StatusError 409 Conflict when the quota changed meanwhile, 404 when it is gone
         */
        void updateStatus(ResourceQuota quota);
    }

    private final Quotas quotas;
    private final Evaluators evaluators;
    private final QuotaConfiguration config;
    private final Duration timeout;
    private final NamespaceQueue queue = new NamespaceQueue(this::decide);

    public ResourceQuotaAdmission(Quotas quotas, Evaluators evaluators, QuotaConfiguration config) {
        this(quotas, evaluators, config, TIMEOUT);
    }

    ResourceQuotaAdmission(Quotas quotas, Evaluators evaluators, QuotaConfiguration config, Duration timeout) {
        this.quotas = quotas;
        this.evaluators = evaluators;
        this.config = config;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "ResourceQuota";
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (!a.mainResource() || a.namespace() == null || a.namespace().isEmpty() || namespaceCreate(a)) {
            return;
        }
        GroupResource gr = a.resource().groupResource();
        if (evaluators.ignored(gr)) {
            return;
        }
        Evaluator evaluator = evaluators.of(gr);
        if (!evaluator.handles(a) || (config.limitedResources().isEmpty() && quotas.knownEmpty(a.namespace()))) {
            return;
        }
        queue.await(a.namespace(), new NamespaceQueue.Waiter(a, evaluator), System.nanoTime() + timeout.toNanos(),
                ResourceQuotaAdmission::timedOut);
    }

    /** How many writes of the namespace wait for a batch (for tests). */
    int waiting(String namespace) {
        return queue.waiting(namespace);
    }

    /** Decides a batch of the namespace's writes on its quotas as stored now. */
    private void decide(String namespace, List<NamespaceQueue.Waiter> batch, long deadline) {
        List<ResourceQuota> current = quotas.inNamespace(namespace);
        if (current.isEmpty() && config.limitedResources().isEmpty()) {
            batch.forEach(NamespaceQueue.Waiter::admit);
            return;
        }
        Round round = charge(current, batch);
        while (!round.undecided().isEmpty() && System.nanoTime() - deadline < 0) {
            pause();
            List<ResourceQuota> again = new ArrayList<>();
            for (ResourceQuota q : quotas.inNamespace(namespace)) {
                if (round.conflicted().contains(q.getMetadata().getName())) {
                    again.add(q); // the others were charged already; a deleted one is let go
                }
            }
            round = charge(again, round.undecided());
        }
    }

    /**
     * The writes charged to a quota whose write conflicted (refused with that conflict for now), and the names
     * of those quotas.
     */
    private record Round(List<NamespaceQueue.Waiter> undecided, Set<String> conflicted) {
    }

    /**
     * kube's {@code checkQuotas}: decides each waiter in turn against the quotas as the ones before it left
     * them, then writes each quota that changed, once. A waiter refused, or changing no quota, is decided; one
     * whose quotas were all written is admitted; one charged to a quota whose write failed is refused with that
     * failure, and left for another round when it was a conflict (or the quota is gone).
     */
    private Round charge(List<ResourceQuota> read, List<NamespaceQueue.Waiter> waiters) {
        List<ResourceQuota> running = read;
        Map<NamespaceQueue.Waiter, Set<String>> charged = new LinkedHashMap<>();
        for (NamespaceQueue.Waiter w : waiters) {
            List<ResourceQuota> next;
            try {
                next = QuotaCheck.check(running, w.attributes, w.evaluator, config);
            } catch (RuntimeException e) {
                w.refuse(e);
                continue;
            }
            w.admit();
            Set<String> changed = new TreeSet<>();
            for (int i = 0; i < next.size(); i++) {
                if (!sameUsage(running.get(i), next.get(i))) {
                    changed.add(next.get(i).getMetadata().getName());
                }
            }
            if (w.attributes.dryRun() || changed.isEmpty()) {
                continue;
            }
            charged.put(w, changed);
            running = next;
        }
        Map<String, StatusError> failed = new LinkedHashMap<>();
        for (int i = 0; i < running.size(); i++) {
            if (!sameUsage(read.get(i), running.get(i))) {
                try {
                    quotas.updateStatus(running.get(i));
                } catch (StatusError e) {
                    failed.put(running.get(i).getMetadata().getName(), e);
                }
            }
        }
        Set<String> conflicted = new TreeSet<>();
        failed.forEach((name, e) -> {
            if (e.code() == 409 || e.code() == 404) {
                conflicted.add(name);
            }
        });
        List<NamespaceQueue.Waiter> undecided = new ArrayList<>();
        charged.forEach((w, names) -> {
            boolean retry = false;
            boolean last = false;
            for (String name : names) {
                StatusError e = failed.get(name);
                if (e != null) {
                    w.refuse(e);
                    retry = retry || conflicted.contains(name);
                    last = last || !conflicted.contains(name);
                }
            }
            if (retry && !last) {
                undecided.add(w);
            }
        });
        return new Round(undecided, conflicted);
    }

    /** A short random pause after a conflict, so that two servers do not retry in step. */
    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 6));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw timedOut();
        }
    }

    private static boolean sameUsage(ResourceQuota a, ResourceQuota b) {
        return a == b || ResourceLists.same(ResourceLists.of(a.getStatus().getUsed()),
                ResourceLists.of(b.getStatus().getUsed()));
    }

    private static boolean namespaceCreate(AdmissionAttributes a) {
        return a.operation() == Operation.CREATE && a.resource().groupResource().equals(NAMESPACES);
    }

    private static StatusError timedOut() {
        return StatusError.internal("resource quota evaluation timed out");
    }
}
