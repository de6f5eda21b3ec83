package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a group of controllers is built from: the registry's stores (reads an informer cannot answer), the
 * {@link WritePipeline} (every write, so that admission and validation see it, under the controller's own
 * identity), the {@link SharedInformers} of the manager, and the settings of the simulated nodes.
 *
 * @param simulatedNodes       {@code --simulated-nodes}: how many Nodes a kubelet stand-in keeps (0: none)
 * @param selection            {@code --controllers}
 * @param rootCaPem            the CA bundle (PEM) clients should trust for this server, which the root CA
 *                             publisher puts in every namespace's {@code kube-root-ca.crt}; null: none
 * @param simulatedJobRunTime  {@code --simulated-job-run-time}: how long a simulated Job pod runs before it
 *                             succeeds
 */
public record ControllerContext(StoreRegistry stores, WritePipeline writes, SharedInformers informers,
                                int simulatedNodes, Duration simulatedJobRunTime, ControllerSelection selection,
                                String rootCaPem) {

    /** No CA bundle to publish. */
    public ControllerContext(StoreRegistry stores, WritePipeline writes, SharedInformers informers,
                             int simulatedNodes, Duration simulatedJobRunTime, ControllerSelection selection) {
        this(stores, writes, informers, simulatedNodes, simulatedJobRunTime, selection, null);
    }

    /** Every default controller selected. */
    public ControllerContext(StoreRegistry stores, WritePipeline writes, SharedInformers informers,
                             int simulatedNodes, Duration simulatedJobRunTime) {
        this(stores, writes, informers, simulatedNodes, simulatedJobRunTime, ControllerSelection.ALL);
    }

    /** Whether {@code --controllers} selects the controller of this kube name. */
    public boolean enabled(String controller) {
        return selection.enabled(controller);
    }

    /** A controller of a group, by its kube name, built only when asked for (its informers with it). */
    public record Candidate(String name, Supplier<? extends Controller> build) {
    }

    /**
     * The candidates {@code --controllers} selects, built in order; the others are never built, so that the
     * informers only they would use are never started.
     */
    public List<Controller> selected(Candidate... candidates) {
        List<Controller> built = new ArrayList<>();
        for (Candidate c : candidates) {
            if (enabled(c.name())) {
                built.add(c.build().get());
            }
        }
        return built;
    }
}
