package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.PodConditions;
import dev.kapi.apiserver.registry.groups.policy.DisruptionBudgets;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * POST {@code pods/<name>/eviction} (kube's {@code EvictionREST}): the CREATE of a policy/v1 Eviction, admitted
 * as such through the write pipeline, which deletes the pod unless the PodDisruptionBudget selecting it has no
 * disruption left. It trusts the budget's status, which the disruption controller keeps: a disruption is taken
 * by decrementing {@code status.disruptionsAllowed} and recording the pod in {@code status.disruptedPods}
 * (a compare-and-swap on the budget, so two evictions never take the same disruption), and only then is the
 * pod deleted. A pod Pending, finished or already being deleted goes without a budget check; a pod not Ready
 * goes without taking a disruption while its budget has the healthy pods it wants. Both delete only the pod
 * version looked at (a resourceVersion precondition), so a pod that became Ready meanwhile is not lost.
 */
public final class EvictionHandler implements VerbHandler {

    /** kube's {@code EvictionsRetry}: conflicts on the pod are retried this many times. */
    private static final int CONFLICT_RETRIES = 20;
    private static final long CONFLICT_PAUSE_MILLIS = 500;
    private static final String DISRUPTION_TARGET = "DisruptionTarget";
    private static final GroupResource PODS = new GroupResource("", "pods");
    private static final String TWO_BUDGETS =
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

    private final StoreRegistry stores;

    public EvictionHandler(StoreRegistry stores) {
        this.stores = stores;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        Eviction eviction = ObjectDecoder.readObject(scope, Eviction.class, "policy/v1", "Eviction", "policy/v1beta1");
        scope.checkObjectNamespace(eviction);
        String bodyName = eviction.getMetadata() == null || eviction.getMetadata().getName() == null ? ""
                : eviction.getMetadata().getName();
        if (!bodyName.equals(scope.name())) {
            throw StatusError.badRequest("name in URL does not match name in Eviction object");
        }
        CreateOptions options = scope.createOptions(scope.dryRun());
        Status ok = scope.writes().create(scope.writeScope(), scope.name(), eviction, options,
                (admitted, validation) -> {
                    DeleteOptions deleteOptions = propagateDryRun(admitted, options);
                    validation.accept(admitted);
                    evict(scope, deleteOptions);
                    return DeleteHandler.success();
                });
        ObjectWriter.writeRaw(scope, 201, ok);
    }

    private void evict(RequestScope scope, DeleteOptions options) {
        boolean retryConflicts = resourceVersionUnset(options);
        Pod pod = null;
        for (int attempt = 1; pod == null; attempt++) {
            Pod read = (Pod) scope.store().get(scope.namespace(), scope.name());
            if (!DisruptionBudgets.canIgnoreBudgets(read)) {
                pod = read;
                break;
            }
            try {
                boolean enforce = DisruptionBudgets.shouldEnforceResourceVersion(read) && retryConflicts;
                deletePod(scope, enforce ? withResourceVersion(options, read) : options);
                return;
            } catch (StatusError e) {
                if (e.code() != 409 || !retryConflicts || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
                pause();
            }
        }
        List<PodDisruptionBudget> budgets = budgetsOf(pod);
        if (budgets.size() > 1) {
            throw StatusError.failure(500, TWO_BUDGETS);
        }
        boolean unhealthy = !budgets.isEmpty() && DisruptionBudgets.unhealthyMayGo(budgets.getFirst(), pod);
        if (!budgets.isEmpty() && !unhealthy) {
            takeDisruption(scope, budgets.getFirst(), pod.getMetadata().getName(),
                    OperationOptions.isDryRun(options.getDryRun()));
        }
        boolean addVersion = unhealthy && retryConflicts;
        try {
            deletePod(scope, addVersion ? withResourceVersion(options, pod) : options);
        } catch (StatusError e) {
            if (e.code() == 409 && addVersion) {
                // the pod changed since it was looked at (it may be Ready now): the client tries again
                throw StatusError.tooManyRequests(DisruptionBudgets.TOO_MANY, 10, "DisruptionBudget",
                        "The disruption budget " + budgets.getFirst().getMetadata().getName()
                                + " is still being processed by the server.");
            }
            throw e;
        }
    }

    /** kube's {@code EvictionsRetry}: 500 ms, with 10% jitter, between attempts. */
    private static void pause() {
        try {
            Thread.sleep(CONFLICT_PAUSE_MILLIS + ThreadLocalRandom.current().nextLong(CONFLICT_PAUSE_MILLIS / 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusError.serviceUnavailable("the server is shutting down");
        }
    }

    /** Decrements the budget's allowed disruptions (only checks them on a dry run) or refuses the eviction. */
    private void takeDisruption(RequestScope scope, PodDisruptionBudget pdb, String podName, boolean dryRun) {
        Instant now = Instant.now();
        if (dryRun) {
            DisruptionBudgets.checkAndDecrement(pdb, podName, now);
            return;
        }
        scope.writes().update(WriteScope.of(budgetStore(), pdb.getMetadata().getNamespace(), SystemUsers.API_SERVER)
                .subresource("status"), pdb.getMetadata().getName(), current -> {
                    current.setStatus(DisruptionBudgets.checkAndDecrement(current, podName, now));
                    return current;
                }, OperationOptions.update());
    }

    /**
     * The pod's deletion, admitted as this eviction (kube's {@code rest.ValidateAllObjectFunc}); unless it is a
     * dry run, the pod first gets kube's {@code DisruptionTarget} condition (its watchers see why it goes), on
     * the version the preconditions name, which the delete then names in turn (kube's
     * {@code addConditionAndDeletePod}).
     */
    private static void deletePod(RequestScope scope, DeleteOptions options) {
        WriteScope<HasMetadata> pods = WriteScope.of(scope.store(), scope.namespace(), scope.user());
        if (!OperationOptions.isDryRun(options.getDryRun())) {
            HasMetadata marked = scope.writes().updateAdmittedWith(pods.subresource("status"), scope.name(),
                    current -> disruptionTarget(checked(current, options.getPreconditions())),
                    OperationOptions.update());
            if (!resourceVersionUnset(options)) {
                options.getPreconditions().setResourceVersion(marked.getMetadata().getResourceVersion());
            }
        }
        scope.writes().deleteAdmittedWith(pods, scope.name(), options);
    }

    /** The stored pod, if the delete's preconditions hold for it; else kube's 409. */
    private static HasMetadata checked(HasMetadata pod, Preconditions p) {
        String name = pod.getMetadata().getName();
        if (p != null && p.getUid() != null && !p.getUid().isEmpty()
                && !p.getUid().equals(pod.getMetadata().getUid())) {
            throw StatusError.conflict(PODS, name, "the UID in the precondition (" + p.getUid()
                    + ") does not match the UID in record (" + pod.getMetadata().getUid()
                    + "). The object might have been deleted and then recreated");
        }
        if (p != null && p.getResourceVersion() != null && !p.getResourceVersion().isEmpty()
                && !p.getResourceVersion().equals(pod.getMetadata().getResourceVersion())) {
            throw StatusError.conflict(PODS, name, "the ResourceVersion in the precondition ("
                    + p.getResourceVersion() + ") does not match the ResourceVersion in record ("
                    + pod.getMetadata().getResourceVersion() + "). The object might have been modified");
        }
        return pod;
    }

    /** kube's {@code UpdatePodCondition} with DisruptionTarget True, reason EvictionByEvictionAPI. */
    private static HasMetadata disruptionTarget(HasMetadata obj) {
        PodConditions.set((Pod) obj, DISRUPTION_TARGET, "True", "EvictionByEvictionAPI", "Eviction API: evicting");
        return obj;
    }

    /** The budgets of the pod's namespace that select it, read from storage (not a cache). */
    private List<PodDisruptionBudget> budgetsOf(Pod pod) {
        return budgetStore().list(pod.getMetadata().getNamespace(), ListParams.all()).items().stream()
                .map(PodDisruptionBudget.class::cast)
                .filter(b -> DisruptionBudgets.selects(b, pod)).toList();
    }

    private Store<PodDisruptionBudget> budgetStore() {
        return stores.find("policy", "v1", "poddisruptionbudgets", PodDisruptionBudget.class)
                .orElseThrow(() -> StatusError.internal("poddisruptionbudgets are not served"));
    }

    /**
     * kube's {@code propagateDryRun}: the request's dryRun goes into the eviction's DeleteOptions; both set and
     * different is a 400.
     */
    private static DeleteOptions propagateDryRun(Eviction eviction, CreateOptions options) {
        List<String> requested = options.getDryRun() == null ? List.of() : options.getDryRun();
        DeleteOptions d = eviction.getDeleteOptions() == null ? new DeleteOptions() : eviction.getDeleteOptions();
        List<String> own = d.getDryRun() == null ? List.of() : d.getDryRun();
        if (!own.isEmpty() && !requested.isEmpty() && !Objects.equals(own, requested)) {
            throw StatusError.badRequest("Non-matching dry-run options in request and content: " + requested
                    + " and " + own);
        }
        return OperationOptions.delete(d, OperationOptions.isDryRun(requested) || OperationOptions.isDryRun(own));
    }

    private static boolean resourceVersionUnset(DeleteOptions options) {
        return options.getPreconditions() == null || options.getPreconditions().getResourceVersion() == null;
    }

    /** The options with a precondition on the pod's resourceVersion (kube's setPreconditionsResourceVersion). */
    private static DeleteOptions withResourceVersion(DeleteOptions options, HasMetadata pod) {
        String uid = options.getPreconditions() == null ? null : options.getPreconditions().getUid();
        return new DeleteOptionsBuilder(options)
                .withNewPreconditions().withResourceVersion(pod.getMetadata().getResourceVersion()).withUid(uid)
                .endPreconditions().build();
    }
}
