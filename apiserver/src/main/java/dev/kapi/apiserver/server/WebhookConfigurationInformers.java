package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.matching.Selectors;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookSource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the webhook plugins read, followed by informers (list + watch, so every server sharing the store sees a
 * change within the watch's latency): the MutatingWebhookConfigurations and ValidatingWebhookConfigurations,
 * published as new lists sorted by name after each batch of changes, and the namespaces' labels (for
 * {@code namespaceSelector}; a namespace the cache does not have yet is read from storage, as kube's matcher
 * does a live lookup). When this server does not serve admissionregistration.k8s.io/v1, there are no webhooks.
 */
final class WebhookConfigurationInformers implements WebhookSource, Selectors.NamespaceLabels, AutoCloseable {

    static final String GROUP = "admissionregistration.k8s.io";

    private final List<Informer<?>> informers = new ArrayList<>();
    private final Store<Namespace> namespaceStore;
    private final Informer<Namespace> namespaces;
    private volatile List<MutatingWebhookConfiguration> mutating = List.of();
    private volatile List<ValidatingWebhookConfiguration> validating = List.of();

    WebhookConfigurationInformers(StoreRegistry stores, InformerOptions options) {
        stores.find(GROUP, "v1", "mutatingwebhookconfigurations", MutatingWebhookConfiguration.class)
                .ifPresent(s -> follow(s, options, list -> mutating = list));
        stores.find(GROUP, "v1", "validatingwebhookconfigurations", ValidatingWebhookConfiguration.class)
                .ifPresent(s -> follow(s, options, list -> validating = list));
        namespaceStore = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
        namespaces = new Informer<>(namespaceStore, "webhook-admission", options, WebhookConfigurationInformers::labelsOnly);
        informers.add(namespaces);
    }

    private <T extends HasMetadata> void follow(Store<T> store, InformerOptions options, Consumer<List<T>> publish) {
        Informer<T> informer = new Informer<>(store, "webhook-admission", options);
        informer.addHandler(new EventHandler<>() {
            @Override
            public void onBatchEnd() {
                List<T> all = new ArrayList<>(informer.cache().list());
                all.sort(Comparator.comparing(c -> c.getMetadata().getName()));
                publish.accept(List.copyOf(all));
            }
        });
        informers.add(informer);
    }

    void start() {
        informers.forEach(Informer::start);
    }

    @Override
    public List<MutatingWebhookConfiguration> mutating() {
        return mutating;
    }

    @Override
    public List<ValidatingWebhookConfiguration> validating() {
        return validating;
    }

    /** Whether every informer listed once. */
    public boolean synced() {
        return informers.stream().allMatch(Informer::hasSynced);
    }

    @Override
    public boolean awaitSynced(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Informer<?> informer : informers) {
                if (!informer.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Optional<Map<String, String>> labels(String namespace) {
        Namespace ns = namespaces.cache().get(null, namespace);
        if (ns == null) {
            try {
                ns = namespaceStore.get("", namespace);
            } catch (StatusError e) {
                if (e.code() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        Map<String, String> labels = ns.getMetadata().getLabels();
        return Optional.of(labels == null ? Map.of() : labels);
    }

    @Override
    public void close() {
        Informer.closeAll(informers, Informer.STOP_WAIT);
    }

    /** The informer keeps of a namespace only what the selectors read. */
    private static Namespace labelsOnly(Namespace ns) {
        return new NamespaceBuilder().withNewMetadata().withName(ns.getMetadata().getName())
                .withResourceVersion(ns.getMetadata().getResourceVersion())
                .withLabels(ns.getMetadata().getLabels()).endMetadata().build();
    }
}
