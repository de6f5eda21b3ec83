package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.groups.policy.DisruptionBudgets;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerCache;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * kube's disruption controller: keeps each PodDisruptionBudget's status ({@link DisruptionStatus}) up to date
 * with the pods it selects, which is what the eviction subresource trusts. A budget added or changed, or a pod
 * added, changed or deleted that a budget of its namespace selects (before or after the change), queues that
 * budget; reconciling it computes the status from the informers' caches and writes it through the
 * {@link WritePipeline} as kube's controller ({@link SystemUsers#DISRUPTION_CONTROLLER}) when it differs.
 * The write computes again from the stored budget, so an eviction's decrement and its record of the evicted
 * pod, written meanwhile, are taken into account rather than overwritten. While evicted pods are held, the
 * budget is looked at again when the oldest of them expires.
 */
final class DisruptionController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(DisruptionController.class);

    private final Informer<PodDisruptionBudget> budgets;
    private final Informer<Pod> pods;
    private final Store<PodDisruptionBudget> budgetStore;
    private final WritePipeline writes;

    DisruptionController(Informer<PodDisruptionBudget> budgets, Informer<Pod> pods,
                         Store<PodDisruptionBudget> budgetStore, WritePipeline writes) {
        super("disruption-controller", 1, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)),
                List.of(budgets, pods));
        this.budgets = budgets;
        this.pods = pods;
        this.budgetStore = budgetStore;
        this.writes = writes;
        budgets.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(PodDisruptionBudget pdb) {
                queue.add(InformerCache.key(pdb));
            }

            @Override
            public void onUpdate(PodDisruptionBudget old, PodDisruptionBudget pdb) {
                queue.add(InformerCache.key(pdb));
            }
        });
        pods.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                queueBudgetsOf(pod, pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                queueBudgetsOf(pod, old);
            }

            @Override
            public void onDelete(Pod pod) {
                queueBudgetsOf(pod, pod);
            }
        });
    }

    /** Queues the budgets that select the pod as it is or as it was. */
    private void queueBudgetsOf(Pod pod, Pod old) {
        for (PodDisruptionBudget pdb : budgets.cache().list(pod.getMetadata().getNamespace())) {
            Predicate<Pod> selects = DisruptionBudgets.selector(pdb);
            if (selects.test(pod) || (old != pod && selects.test(old))) {
                queue.add(InformerCache.key(pdb));
            }
        }
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        PodDisruptionBudget cached = budgets.cache().get(namespace, name);
        if (cached == null) {
            return true;
        }
        Instant now = Instant.now();
        DisruptionStatus computed = DisruptionStatus.of(cached, pods.cache().list(namespace), now);
        if (!DisruptionStatus.same(cached.getStatus(), computed.status())) {
            try {
                writes.update(WriteScope.of(budgetStore, namespace, SystemUsers.DISRUPTION_CONTROLLER)
                        .subresource("status"), name, current -> {
                            current.setStatus(DisruptionStatus.of(current, pods.cache().list(namespace), now)
                                    .status());
                            return current;
                        }, OperationOptions.update());
            } catch (StatusError e) {
                if (e.code() == 404) {
                    return true;
                }
                if (!stopping() && e.code() != 409) {
                    LOG.warn("could not update the status of poddisruptionbudget {}: {}", key, e.getMessage());
                }
                return false;
            }
        }
        if (computed.recheckAt() != null) {
            queue.addAfter(key, Duration.between(now, computed.recheckAt()).plusMillis(100));
        }
        return true;
    }
}
