package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * POST {@code pods/<name>/eviction}: the CREATE of a policy/v1 Eviction (admitted as such through the write
 * pipeline, as kube does), which deletes the pod unless a PodDisruptionBudget selecting it would be
 * violated (429 TooManyRequests with kube-apiserver's message). Disruptions allowed are computed at the
 * moment of the request from the matching pods' Ready condition, since no disruption controller keeps
 * PDB status up to date yet.
 */
public final class EvictionHandler implements VerbHandler {

    private final StoreRegistry stores;

    public EvictionHandler(StoreRegistry stores) {
        this.stores = stores;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        boolean requestDryRun = scope.dryRun();
        Eviction eviction = ObjectDecoder.readObject(scope, Eviction.class, "policy/v1", "Eviction", "policy/v1beta1");
        String bodyName = eviction.getMetadata() == null || eviction.getMetadata().getName() == null ? ""
                : eviction.getMetadata().getName();
        if (!bodyName.isEmpty() && !bodyName.equals(scope.name())) {
            throw StatusError.badRequest("name in URL does not match name in Eviction object");
        }
        Status ok = scope.writes().create(scope.writeScope(), scope.name(), eviction,
                scope.createOptions(requestDryRun), (admitted, validation) -> {
                    validation.accept(admitted);
                    return evict(scope, requestDryRun || dryRun(admitted));
                });
        ObjectWriter.writeRaw(scope, 201, ok);
    }

    /** Deletes the pod unless a budget forbids it; its deletion was admitted as this eviction (kube's way). */
    private Status evict(RequestScope scope, boolean dryRun) {
        Pod pod = (Pod) scope.store().get(scope.namespace(), scope.name());
        for (PodDisruptionBudget pdb : budgetsFor(pod)) {
            if (allowedDisruptions(pdb, pod.getMetadata().getNamespace()) <= 0) {
                throw StatusError.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.");
            }
        }
        scope.writes().deleteAdmittedWith(WriteScope.of(scope.store(), scope.namespace(), scope.user()), scope.name(),
                OperationOptions.delete(new DeleteOptions(), dryRun));
        Status ok = DeleteHandler.success(scope, pod);
        ok.setDetails(null);
        return ok;
    }

    /** The eviction's own {@code deleteOptions.dryRun}. */
    private static boolean dryRun(Eviction eviction) {
        return eviction.getDeleteOptions() != null
                && OperationOptions.isDryRun(eviction.getDeleteOptions().getDryRun());
    }

    @SuppressWarnings("unchecked")
    private List<PodDisruptionBudget> budgetsFor(Pod pod) {
        return stores.resources().find("policy", "v1", "poddisruptionbudgets")
                .map(d -> stores.store((ResourceDefinition<HasMetadata>) d)
                        .list(pod.getMetadata().getNamespace(), ListParams.all()).items().stream()
                        .map(o -> (PodDisruptionBudget) o)
                        .filter(b -> selects(b, pod)).toList())
                .orElse(List.of());
    }

    private int allowedDisruptions(PodDisruptionBudget pdb, String namespace) {
        List<Pod> pods = podsOf(pdb, namespace);
        int expected = pods.size();
        int healthy = (int) pods.stream().filter(EvictionHandler::ready).count();
        IntOrString min = pdb.getSpec().getMinAvailable();
        IntOrString max = pdb.getSpec().getMaxUnavailable();
        if (min != null) {
            return healthy - scaled(min, expected, true);
        }
        if (max != null) {
            return scaled(max, expected, true) - (expected - healthy);
        }
        return healthy;
    }

    @SuppressWarnings("unchecked")
    private List<Pod> podsOf(PodDisruptionBudget pdb, String namespace) {
        ResourceDefinition<HasMetadata> pods = (ResourceDefinition<HasMetadata>) stores.resources()
                .find("", "v1", "pods").orElseThrow();
        return stores.store(pods).list(namespace, ListParams.all()).items().stream().map(o -> (Pod) o)
                .filter(p -> selects(pdb, p)).toList();
    }

    private static int scaled(IntOrString v, int total, boolean roundUp) {
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal().trim();
        int pct = Integer.parseInt(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
        return roundUp ? (int) Math.ceil(total * pct / 100.0) : (int) Math.floor(total * pct / 100.0);
    }

    private static boolean ready(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                return true;
            }
        }
        return false;
    }

    static boolean selects(PodDisruptionBudget pdb, Pod pod) {
        if (pdb.getSpec() == null || pdb.getSpec().getSelector() == null) {
            return false;
        }
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        return LabelSelector.fromObject(pdb.getSpec().getSelector()).matches(labels);
    }
}
