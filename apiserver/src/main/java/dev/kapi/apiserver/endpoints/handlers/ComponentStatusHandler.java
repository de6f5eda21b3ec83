package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListPage;
import io.fabric8.kubernetes.api.model.ComponentCondition;
import io.fabric8.kubernetes.api.model.ComponentStatus;
import io.fabric8.kubernetes.api.model.ComponentStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * GET of {@code componentstatuses} and {@code componentstatuses/<name>} (kube's deprecated, read-only health
 * view; every answer carries kube's deprecation Warning from the definition). What it reports is this server's:
 * {@code etcd-0} is the storage's own health check, {@code controller-manager} is the controllers running in
 * this process (healthy while it answers), and {@code scheduler} the scheduler that runs with them (healthy unless
 * {@code --controllers} turned it off: then nothing binds pods to nodes but a client's {@code pods/binding}).
 */
public final class ComponentStatusHandler implements VerbHandler {

    static final String NO_SCHEDULER = "no scheduler runs with this API server (--controllers=-kube-scheduler): "
            + "pods stay unscheduled until a client binds them (pods/binding)";

    private final BooleanSupplier etcdHealthy;
    private final boolean schedulerRuns;

    /** @param schedulerRuns whether {@code --controllers} runs the scheduler */
    public ComponentStatusHandler(BooleanSupplier etcdHealthy, boolean schedulerRuns) {
        this.etcdHealthy = etcdHealthy;
        this.schedulerRuns = schedulerRuns;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        List<ComponentStatus> all = statuses();
        if (!scope.getsOne()) {
            java.util.function.Predicate<HasMetadata> filter = SelectorFilter.of(scope);
            List<HasMetadata> selected = all.stream().<HasMetadata>map(c -> c)
                    .filter(c -> filter == null || filter.test(c)).toList();
            ObjectWriter.writeList(scope, new ListPage<>(selected, "", null, null));
            return;
        }
        ComponentStatus one = all.stream().filter(c -> c.getMetadata().getName().equals(scope.name())).findFirst()
                .orElseThrow(() -> StatusError.notFound(scope.definition().groupResource(), scope.name()));
        ObjectWriter.writeObject(scope, 200, one);
    }

    /** kube's order: scheduler, controller-manager, then the etcd servers. */
    List<ComponentStatus> statuses() {
        boolean etcd = etcdHealthy.getAsBoolean();
        return List.of(
                status("scheduler", schedulerRuns, schedulerRuns ? "ok" : null, schedulerRuns ? null : NO_SCHEDULER),
                status("controller-manager", true, "ok", null),
                status("etcd-0", etcd, etcd ? "ok" : null, etcd ? null : "etcd does not answer the health check"));
    }

    private static ComponentStatus status(String name, boolean healthy, String message, String error) {
        ComponentCondition c = new ComponentCondition();
        c.setType("Healthy");
        c.setStatus(healthy ? "True" : "False");
        c.setMessage(message);
        c.setError(error);
        return new ComponentStatusBuilder().withApiVersion("v1").withKind("ComponentStatus")
                .withNewMetadata().withName(name).endMetadata().withConditions(c).build();
    }
}
