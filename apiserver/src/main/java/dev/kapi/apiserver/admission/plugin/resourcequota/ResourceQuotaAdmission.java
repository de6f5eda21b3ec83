package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ResourceQuota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * kube-apiserver's ResourceQuota admission: a create (or an update that uses more) in a namespace with quotas
 * is charged to every quota it falls under before it is stored, by a compare-and-swap write of each quota's
 * {@code status.used}; a write that would go over {@code status.hard} is refused with kube's 403 (see
 * {@link QuotaCheck}). Only the main resource of namespaced objects is looked at, never a namespace's own
 * create; a dry run is checked but never charged.
 *
 * <p>Exactness: the charge is a write of the quota at the resourceVersion the decision was made on. When
 * another write got there first (this or another server, or the quota controller), the quotas are read again
 * and the decision made again, so two writes never both take the last unit. Within this server the writes of
 * one namespace take turns (kube's quota evaluator works a namespace's waiting writes in one worker), so
 * conflicts only come from other servers; they are retried until {@link #TIMEOUT} (kube gives up after three,
 * answering the conflict). A write charged and then refused by a later step (the name already exists) stays
 * charged until the quota controller recomputes the usage, as in kube.
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
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public ResourceQuotaAdmission(Quotas quotas, Evaluators evaluators, QuotaConfiguration config) {
        this.quotas = quotas;
        this.evaluators = evaluators;
        this.config = config;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock(true);
        }
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
        if (!evaluator.handles(a)) {
            return;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        ReentrantLock lock = locks[Math.floorMod(a.namespace().hashCode(), locks.length)];
        try {
            if (!lock.tryLock(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw timedOut();
        }
        try {
            charge(a, evaluator, deadline);
        } finally {
            lock.unlock();
        }
    }

    /** Decides on the namespace's quotas and writes the changed ones, again on the conflicting ones. */
    private void charge(AdmissionAttributes a, Evaluator evaluator, long deadline) {
        List<ResourceQuota> current = quotas.inNamespace(a.namespace());
        if (current.isEmpty() && config.limitedResources().isEmpty()) {
            return;
        }
        while (true) {
            List<ResourceQuota> next = QuotaCheck.check(current, a, evaluator, config);
            if (a.dryRun()) {
                return;
            }
            Set<String> failed = new TreeSet<>();
            StatusError lastError = null;
            for (int i = 0; i < next.size(); i++) {
                if (sameUsage(next.get(i), current.get(i))) {
                    continue;
                }
                try {
                    quotas.updateStatus(next.get(i));
                } catch (StatusError e) {
                    if (e.code() != 409 && e.code() != 404) {
                        throw e;
                    }
                    failed.add(next.get(i).getMetadata().getName());
                    lastError = e;
                }
            }
            if (failed.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw lastError;
            }
            pause();
            List<ResourceQuota> again = new ArrayList<>();
            for (ResourceQuota q : quotas.inNamespace(a.namespace())) {
                if (failed.contains(q.getMetadata().getName())) {
                    again.add(q); // the others were charged already; a deleted one is let go
                }
            }
            current = again;
        }
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
