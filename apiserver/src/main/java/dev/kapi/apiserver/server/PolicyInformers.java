package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.policy.validating.ParamSource;
import dev.kapi.apiserver.admission.plugin.policy.validating.PolicyNamespaces;
import dev.kapi.apiserver.admission.plugin.policy.validating.PolicySource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The informers behind the ValidatingAdmissionPolicy plugin: policies and bindings (every event bumps the
 * {@link #revision}), namespaces, and one informer per paramKind resource, started when a policy first needs
 * it (kube starts one per paramKind too) and kept until the server stops. Reads come from the caches; a param
 * or namespace not cached yet (just created) is read from storage, as kube's lister falls back to a live GET.
 */
final class PolicyInformers implements PolicySource, AutoCloseable {

    static final String GROUP = "admissionregistration.k8s.io";
    /** How long a request waits for the first lists of policies and bindings (kube waits for them too). */
    private static final Duration POLICY_SYNC_WAIT = Duration.ofSeconds(10);
    /** How long a request waits for the first list of a paramKind (kube's 1 s). */
    private static final Duration PARAM_SYNC_WAIT = Duration.ofSeconds(1);

    private final StoreRegistry stores;
    private final Informer<ValidatingAdmissionPolicy> policies;
    private final Informer<ValidatingAdmissionPolicyBinding> bindings;
    private final Store<Namespace> namespaceStore;
    private final Informer<Namespace> namespaceInformer;
    private final AtomicLong revision = new AtomicLong();
    private final Map<ResourceDefinition<?>, Informer<?>> paramInformers = new IdentityHashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    PolicyInformers(StoreRegistry stores) {
        this.stores = stores;
        this.policies = stores.find(GROUP, "v1", "validatingadmissionpolicies", ValidatingAdmissionPolicy.class)
                .map(s -> informer(s, true)).orElse(null);
        this.bindings = stores.find(GROUP, "v1", "validatingadmissionpolicybindings",
                ValidatingAdmissionPolicyBinding.class).map(s -> informer(s, true)).orElse(null);
        this.namespaceStore = stores.find("", "v1", "namespaces", Namespace.class).orElseThrow();
        this.namespaceInformer = informer(namespaceStore, false);
    }

    private <T extends HasMetadata> Informer<T> informer(Store<T> store, boolean counted) {
        Informer<T> informer = new Informer<>(store, "admission", InformerOptions.DEFAULTS);
        if (counted) {
            informer.addHandler(new EventHandler<>() {
                @Override
                public void onAdd(T obj) {
                    revision.incrementAndGet();
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    revision.incrementAndGet();
                }

                @Override
                public void onDelete(T obj) {
                    revision.incrementAndGet();
                }
            });
        }
        return informer;
    }

    void start() {
        if (policies != null) {
            policies.start();
            bindings.start();
        }
        namespaceInformer.start();
    }

    @Override
    public List<ValidatingAdmissionPolicy> policies() {
        return policies == null ? List.of() : policies.cache().list();
    }

    @Override
    public List<ValidatingAdmissionPolicyBinding> bindings() {
        return bindings == null ? List.of() : bindings.cache().list();
    }

    @Override
    public long revision() {
        return revision.get();
    }

    @Override
    public boolean synced() {
        return policies == null || await(policies, POLICY_SYNC_WAIT) && await(bindings, POLICY_SYNC_WAIT);
    }

    /** Whether the policies, bindings and namespaces were listed once, without waiting (/readyz asks). */
    boolean listed() {
        return (policies == null || policies.hasSynced() && bindings.hasSynced()) && namespaceInformer.hasSynced();
    }

    private static boolean await(Informer<?> informer, Duration wait) {
        if (informer.hasSynced()) {
            return true;
        }
        try {
            return informer.awaitSynced(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    PolicyNamespaces namespaces() {
        return name -> {
            Namespace cached = namespaceInformer.cache().get("", name);
            return cached != null ? Optional.of(cached) : read(namespaceStore, "", name);
        };
    }

    private static <T extends HasMetadata> Optional<T> read(Store<T> store, String namespace, String name) {
        try {
            return Optional.of(store.get(namespace, name));
        } catch (StatusError e) {
            if (e.code() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    ParamSource params() {
        return (apiVersion, kind) -> {
            int slash = apiVersion.indexOf('/');
            String group = slash < 0 ? "" : apiVersion.substring(0, slash);
            String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
            return stores.resources().all().stream()
                    .filter(d -> d.group().equals(group) && d.version().equals(version) && d.kind().equals(kind))
                    .findFirst().map(this::params);
        };
    }

    private <T extends HasMetadata> ParamSource.Params params(ResourceDefinition<T> definition) {
        Store<T> store = stores.store(definition);
        Informer<T> informer = paramInformer(definition, store);
        return new ParamSource.Params() {
            @Override
            public boolean namespaced() {
                return definition.namespaced();
            }

            @Override
            public boolean synced() {
                return informer != null && await(informer, PARAM_SYNC_WAIT);
            }

            @Override
            public Optional<HasMetadata> get(String namespace, String name) {
                T cached = informer.cache().get(namespace.isEmpty() ? null : namespace, name);
                return cached != null ? Optional.of(cached) : read(store, namespace, name).map(o -> o);
            }

            @Override
            public List<HasMetadata> list(String namespace, LabelSelector selector) {
                List<HasMetadata> out = new ArrayList<>();
                for (T o : namespace.isEmpty() ? informer.cache().list() : informer.cache().list(namespace)) {
                    Map<String, String> labels = o.getMetadata().getLabels();
                    if (selector.matches(labels == null ? Map.of() : labels)) {
                        out.add(o);
                    }
                }
                return out;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private synchronized <T extends HasMetadata> Informer<T> paramInformer(ResourceDefinition<T> definition,
                                                                           Store<T> store) {
        if (closed || store == null) {
            return null;
        }
        return (Informer<T>) paramInformers.computeIfAbsent(definition, d -> {
            Informer<T> informer = new Informer<>(store, "admission-params", InformerOptions.DEFAULTS);
            informer.start();
            return informer;
        });
    }

    @Override
    public void close() {
        List<Informer<?>> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            all.addAll(paramInformers.values());
        }
        if (policies != null) {
            all.add(policies);
            all.add(bindings);
        }
        all.add(namespaceInformer);
        Informer.closeAll(all, Informer.STOP_WAIT);
    }
}
