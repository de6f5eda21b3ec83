package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;

import java.util.Map;

/**
 * Creates the PriorityClasses every cluster has, when they are missing, as kube-apiserver's
 * {@code scheduling/bootstrap-system-priority-classes} post-start hook does: {@code system-node-critical}
 * (2000001000) and {@code system-cluster-critical} (2000000000), through the {@link WritePipeline} as the
 * API server itself. A class that exists is left as it is.
 */
final class SystemPriorityClasses {

    private static final Logger LOG = LoggerFactory.getLogger(SystemPriorityClasses.class);
    static final Map<String, Integer> VALUES = Map.of(
            "system-node-critical", 2_000_001_000, "system-cluster-critical", 2_000_000_000);
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "system-node-critical", "Used for system critical pods that must not be moved from their current node.",
            "system-cluster-critical", "Used for system critical pods that must run in the cluster, but can be moved"
                    + " to another node if necessary.");

    private final StoreRegistry stores;
    private final WritePipeline writes;

    SystemPriorityClasses(StoreRegistry stores, WritePipeline writes) {
        this.stores = stores;
        this.writes = writes;
    }

    @EventListener
    public void onStarted(ApplicationStartedEvent event) {
        Store<PriorityClass> store = stores.find("scheduling.k8s.io", "v1", "priorityclasses", PriorityClass.class).orElseThrow();
        WriteScope<PriorityClass> scope = WriteScope.of(store, null, SystemUsers.API_SERVER);
        for (String name : new String[] {"system-node-critical", "system-cluster-critical"}) {
            if (exists(store, name)) {
                continue;
            }
            PriorityClass pc = new PriorityClass();
            pc.setMetadata(new ObjectMeta());
            pc.getMetadata().setName(name);
            pc.setValue(VALUES.get(name));
            pc.setDescription(DESCRIPTIONS.get(name));
            try {
                writes.create(scope, pc, OperationOptions.create());
            } catch (StatusError e) {
                if (e.code() != 409) {
                    LOG.warn("could not create priorityclass {}: {}", name, e.getMessage());
                }
            }
        }
    }

    private static boolean exists(Store<PriorityClass> store, String name) {
        try {
            store.get(null, name);
            return true;
        } catch (StatusError e) {
            if (e.code() != 404) {
                LOG.warn("could not read priorityclass {}: {}", name, e.getMessage());
            }
            return e.code() != 404;
        }
    }
}
