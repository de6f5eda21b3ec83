package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.apiextensions.CrdConditions;
import dev.kapi.apiserver.registry.apiextensions.CustomResources;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves the custom resources of the CRDs the informer sees, on every server sharing the store (kube's
 * {@code crdHandler}): an established CRD's served versions are registered in the {@link ResourceRegistry}
 * (and with them discovery, OpenAPI, the dispatcher and RBAC), replaced when its spec or accepted names
 * change (not on status changes: a CRD being deleted only refuses creates, and watches of its objects go on to see
 * the cleanup's deletes), and unregistered
 * when it is deleted. Built-in resources are never replaced.
 */
final class CustomResourceServing implements EventHandler<CustomResourceDefinition> {

    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceServing.class);

    /** What was last registered for one CRD, what it was built from, and whether the CRD is being deleted. */
    private record Served(String fingerprint, List<ResourceDefinition<?>> definitions, AtomicBoolean terminating) {
    }

    private final ResourceRegistry registry;
    private final ServiceUrls webhookServices;
    private final Map<String, Served> served = new HashMap<>();

    CustomResourceServing(ResourceRegistry registry, ServiceUrls webhookServices) {
        this.registry = registry;
        this.webhookServices = webhookServices;
    }

    @Override
    public void onAdd(CustomResourceDefinition crd) {
        sync(crd);
    }

    @Override
    public void onUpdate(CustomResourceDefinition old, CustomResourceDefinition crd) {
        sync(crd);
    }

    @Override
    public void onDelete(CustomResourceDefinition crd) {
        Served before;
        synchronized (served) {
            before = served.remove(crd.getMetadata().getName());
        }
        if (before != null) {
            before.definitions().forEach(d -> registry.unregister(d.group(), d.version(), d.resource()));
        }
    }

    private void sync(CustomResourceDefinition crd) {
        String name = crd.getMetadata().getName();
        String fingerprint = fingerprint(crd);
        synchronized (served) {
            Served before = served.get(name);
            AtomicBoolean terminating = before != null ? before.terminating() : new AtomicBoolean();
            terminating.set(CrdConditions.isTrue(crd, CrdConditions.TERMINATING));
            if (before != null && before.fingerprint().equals(fingerprint)) {
                return;
            }
            List<ResourceDefinition<?>> now;
            try {
                now = CustomResources.definitionsOf(crd, terminating::get, webhookServices);
            } catch (RuntimeException e) {
                LOG.warn("cannot serve customresourcedefinition {}: {}", name, e.toString());
                now = List.of();
            }
            List<ResourceDefinition<?>> kept = new ArrayList<>();
            for (ResourceDefinition<?> d : now) {
                var existing = registry.find(d.group(), d.version(), d.resource());
                if (existing.isPresent() && existing.get().type() != GenericKubernetesResource.class) {
                    LOG.warn("customresourcedefinition {} asks for built-in resource {}/{}/{}; not served", name,
                            d.group(), d.version(), d.resource());
                    continue;
                }
                registry.replace(d);
                kept.add(d);
            }
            if (before != null) {
                for (ResourceDefinition<?> d : before.definitions()) {
                    boolean still = kept.stream().anyMatch(k -> k.group().equals(d.group())
                            && k.version().equals(d.version()) && k.resource().equals(d.resource()));
                    if (!still) {
                        registry.unregister(d.group(), d.version(), d.resource());
                    }
                }
            }
            served.put(name, new Served(fingerprint, List.copyOf(kept), terminating));
        }
    }

    /** What the served definitions are built from: the spec, the accepted names and Established. */
    private static String fingerprint(CustomResourceDefinition crd) {
        Object names = crd.getStatus() == null ? null : crd.getStatus().getAcceptedNames();
        return Json.string(crd.getSpec()) + "|" + Json.string(Objects.requireNonNullElse(names, ""))
                + "|" + CrdConditions.isTrue(crd, CrdConditions.ESTABLISHED);
    }
}
