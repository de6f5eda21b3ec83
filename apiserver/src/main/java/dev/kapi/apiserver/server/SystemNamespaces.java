package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Creates the namespaces every cluster has ({@code default}, {@code kube-system}, {@code kube-public},
 * {@code kube-node-lease}) when they are missing, as kube-apiserver's system namespaces controller does,
 * through the {@link WritePipeline} as the API server itself ({@link SystemUsers#API_SERVER}).
 */
@Component
public class SystemNamespaces {

    private static final Logger LOG = LoggerFactory.getLogger(SystemNamespaces.class);
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final StoreRegistry stores;
    private final WritePipeline writes;

    public SystemNamespaces(StoreRegistry stores, WritePipeline writes) {
        this.stores = stores;
        this.writes = writes;
    }

    @EventListener
    public void onStarted(ApplicationStartedEvent event) {
        createMissing();
    }

    /** Creates those that are missing (the controllers' startup calls it first: their Lease is in kube-system). */
    public void createMissing() {
        WriteScope<Namespace> namespaces = WriteScope.of(stores.find("", "v1", "namespaces", Namespace.class)
                .orElseThrow(), null, SystemUsers.API_SERVER);
        for (String name : NAMES) {
            Namespace ns = new Namespace();
            ns.setMetadata(new ObjectMeta());
            ns.getMetadata().setName(name);
            try {
                writes.create(namespaces, ns, OperationOptions.create());
            } catch (StatusError e) {
                if (e.code() != 409) {
                    LOG.warn("could not create namespace {}: {}", name, e.getMessage());
                }
            }
        }
    }
}
