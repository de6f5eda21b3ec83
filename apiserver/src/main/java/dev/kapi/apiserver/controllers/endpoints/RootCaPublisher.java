package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * kube's root CA certificate publisher: every namespace that is not terminating has the ConfigMap
 * {@code kube-root-ca.crt} whose {@code ca.crt} is the CA bundle clients should trust for this server (what
 * projected service account token volumes mount), annotated with kube's {@code kubernetes.io/description}.
 * A namespace added or updated while Active, or the ConfigMap changed or deleted, queues the namespace; the
 * ConfigMap is created when missing and its data (all of it) and description set back when they differ.
 * Writes go through the {@link WritePipeline} as {@code root-ca-cert-publisher}.
 */
final class RootCaPublisher extends Controller {

    static final String NAME = "root-ca-certificate-publisher-controller";
    static final UserInfo USER = SystemUsers.controller("root-ca-cert-publisher");
    static final String CONFIG_MAP = "kube-root-ca.crt";
    /**
     * What the publisher's ConfigMap informer follows: the shared informer of every ConfigMap would keep all of
     * them in memory for the sake of one per namespace.
     */
    static final String SELECTOR = "metadata.name=" + CONFIG_MAP;
    static final String KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using "
            + "internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
            + "guaranteed across distributions of Kubernetes clusters.";
    private static final Logger LOG = LoggerFactory.getLogger(RootCaPublisher.class);

    private final Informer<Namespace> namespaces;
    private final Informer<ConfigMap> configMaps;
    private final Store<ConfigMap> store;
    private final WritePipeline writes;
    private final Supplier<String> rootCaPem;

    RootCaPublisher(Informer<Namespace> namespaces, Informer<ConfigMap> configMaps, Store<ConfigMap> store,
                    WritePipeline writes, Supplier<String> rootCaPem) {
        super(NAME, 1, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)), List.of(namespaces, configMaps));
        this.namespaces = namespaces;
        this.configMaps = configMaps;
        this.store = store;
        this.writes = writes;
        this.rootCaPem = rootCaPem;
        namespaces.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                queue.add(ns.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                if (active(ns)) {
                    queue.add(ns.getMetadata().getName());
                }
            }
        });
        configMaps.addHandler(new EventHandler<>() {
            @Override
            public void onUpdate(ConfigMap old, ConfigMap cm) {
                queueNamespaceOf(cm);
            }

            @Override
            public void onDelete(ConfigMap cm) {
                queueNamespaceOf(cm);
            }
        });
    }

    private void queueNamespaceOf(ConfigMap cm) {
        if (CONFIG_MAP.equals(cm.getMetadata().getName())) {
            queue.add(cm.getMetadata().getNamespace());
        }
    }

    private static boolean active(Namespace ns) {
        return ns.getMetadata().getDeletionTimestamp() == null
                && (ns.getStatus() == null || ns.getStatus().getPhase() == null || "Active".equals(ns.getStatus().getPhase()));
    }

    @Override
    protected boolean reconcile(String namespace) {
        Namespace ns = namespaces.cache().get(null, namespace);
        if (ns == null || !active(ns)) {
            return true;
        }
        Map<String, String> data = Map.of(KEY, rootCaPem.get());
        WriteScope<ConfigMap> scope = WriteScope.of(store, namespace, USER);
        try {
            ConfigMap cm = configMaps.cache().get(namespace, CONFIG_MAP);
            if (cm == null) {
                ConfigMap fresh = new ConfigMap();
                fresh.setMetadata(new ObjectMeta());
                fresh.getMetadata().setName(CONFIG_MAP);
                fresh.getMetadata().setNamespace(namespace);
                fresh.getMetadata().setAnnotations(new LinkedHashMap<>(Map.of(DESCRIPTION_ANNOTATION, DESCRIPTION)));
                fresh.setData(new LinkedHashMap<>(data));
                writes.create(scope, fresh, OperationOptions.create());
                return true;
            }
            String description = ServicePods.orEmpty(cm.getMetadata().getAnnotations()).get(DESCRIPTION_ANNOTATION);
            if (data.equals(ServicePods.orEmpty(cm.getData())) && description != null && !description.isEmpty()) {
                return true;
            }
            writes.update(scope, CONFIG_MAP, stored -> {
                stored.setData(new LinkedHashMap<>(data));
                Map<String, String> annotations = new LinkedHashMap<>(ServicePods.orEmpty(stored.getMetadata().getAnnotations()));
                annotations.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
                stored.getMetadata().setAnnotations(annotations);
                return stored;
            }, OperationOptions.update());
            return true;
        } catch (StatusError e) {
            if (ServicePods.namespaceTerminating(e) || (e.code() == 404 && namespaces.cache().get(null, namespace) == null)) {
                return true;
            }
            if (!stopping() && e.code() != 409 && e.code() != 404) {
                LOG.warn("{}: could not publish {} in namespace {}: {}", NAME, CONFIG_MAP, namespace, e.getMessage());
            }
            return false;
        }
    }
}
