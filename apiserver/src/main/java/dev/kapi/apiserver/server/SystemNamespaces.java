package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * {@code kube-node-lease}) when they are missing, as kube-apiserver's system namespaces controller does.
 */
@Component
public class SystemNamespaces {

    private static final Logger LOG = LoggerFactory.getLogger(SystemNamespaces.class);
    static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final StoreRegistry stores;

    public SystemNamespaces(StoreRegistry stores) {
        this.stores = stores;
    }

    @EventListener
    @SuppressWarnings("unchecked")
    public void onStarted(ApplicationStartedEvent event) {
        ResourceDefinition<HasMetadata> def = (ResourceDefinition<HasMetadata>) stores.resources()
                .find("", "v1", "namespaces").orElseThrow();
        for (String name : NAMES) {
            Namespace ns = new Namespace();
            ns.setMetadata(new ObjectMeta());
            ns.getMetadata().setName(name);
            try {
                stores.store(def).create(null, ns, WriteOptions.plain());
            } catch (StatusError e) {
                if (e.code() != 409) {
                    LOG.warn("could not create namespace {}: {}", name, e.getMessage());
                }
            }
        }
    }
}
