package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.admission.plugin.resourcequota.Evaluators;
import dev.kapi.apiserver.admission.plugin.resourcequota.QuotaUsage;
import dev.kapi.apiserver.admission.plugin.resourcequota.ResourceLists;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerCache;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's resourcequota controller: keeps each ResourceQuota's {@code status.hard} equal to {@code spec.hard}
 * and computes {@code status.used} from the objects of its namespace ({@link QuotaUsage}, listed from their
 * stores, so the sum is of one consistent read), writing the status through the {@link WritePipeline} as
 * kube's controller ({@link SystemUsers#RESOURCE_QUOTA_CONTROLLER}) at the resourceVersion it computed
 * against: a charge the admission plugin wrote meanwhile is a conflict, and the quota is computed again.
 *
 * <p>A quota is computed when it is added, when its spec changes (or its status stops matching its spec),
 * every {@link #RESYNC} (kube's {@code --resource-quota-sync-period}), and when an object it counts is deleted
 * or changes what it uses (a pod that finishes): its monitors ({@link QuotaMonitors}) tell. So usage drops after
 * deletes, and a create that was charged but then not stored (its name was taken) stops counting, as in kube;
 * a lower usage is written only when a second computation {@link #LOWER_AFTER} later still finds it, so that a
 * create charged but not yet stored is never uncounted. Quotas on {@code count/} of resources without a monitor here are computed again
 * every {@link #UNWATCHED_RECHECK} instead (kube watches every resource).
 */
final class ResourceQuotaController extends Controller {

    static final Duration RESYNC = Duration.ofMinutes(5);
    static final Duration UNWATCHED_RECHECK = Duration.ofSeconds(10);
    /**
     * How long a lower usage must hold before it is written. Admission charges a quota before the object is
     * stored; a computation between the two would count one object less and let the next creates past the
     * quota (kube's controller has that window too, though it computes less often).
     */
    static final Duration LOWER_AFTER = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ResourceQuotaController.class);
    private static final GroupResource QUOTAS = new GroupResource("", "resourcequotas");

    private final Informer<ResourceQuota> quotas;
    private final List<Informer<?>> informers;
    private final Set<GroupResource> monitored;
    private final Store<ResourceQuota> quotaStore;
    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final Evaluators evaluators;
    /** Per quota key, when a computation first found a lower usage than the quota's (System.nanoTime). */
    private final Map<String, Long> lowerSeen = new ConcurrentHashMap<>();

    ResourceQuotaController(Informer<ResourceQuota> quotas, QuotaMonitors monitors, Store<ResourceQuota> quotaStore,
                            StoreRegistry stores, WritePipeline writes, Evaluators evaluators) {
        super("resourcequota-controller", 2, new WorkQueue(Duration.ofMillis(50), Duration.ofSeconds(30)),
                informers(quotas, monitors));
        this.quotas = quotas;
        this.informers = informers(quotas, monitors);
        this.monitored = monitors.resources();
        this.quotaStore = quotaStore;
        this.stores = stores;
        this.writes = writes;
        this.evaluators = evaluators;
        quotas.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(ResourceQuota q) {
                queue.add(InformerCache.key(q));
            }

            @Override
            public void onUpdate(ResourceQuota old, ResourceQuota q) {
                if (old == q || !Objects.equals(old.getSpec(), q.getSpec()) || !statusFollowsSpec(q)) {
                    queue.add(InformerCache.key(q));
                }
            }

            @Override
            public void onDelete(ResourceQuota q) {
                replenish(QUOTAS, q.getMetadata().getNamespace());
            }
        });
        monitors.onChange(this::replenish);
    }

    /** The controller with its informers (not started) on the served resourcequotas. */
    static ResourceQuotaController create(StoreRegistry stores, WritePipeline writes) {
        Evaluators evaluators = new Evaluators(Clock.systemUTC());
        Store<ResourceQuota> quotaStore = stores.find("", "v1", "resourcequotas", ResourceQuota.class)
                .orElseThrow(() -> new IllegalStateException("the controllers need resourcequotas"));
        Informer<ResourceQuota> quotas = new Informer<>(quotaStore, "controllers",
                InformerOptions.DEFAULTS.withResync(RESYNC));
        return new ResourceQuotaController(quotas, new QuotaMonitors(stores, evaluators), quotaStore, stores, writes,
                evaluators);
    }

    /** Every informer this controller reads, for its owner to start and close. */
    List<Informer<?>> informers() {
        return informers;
    }

    private static List<Informer<?>> informers(Informer<ResourceQuota> quotas, QuotaMonitors monitors) {
        List<Informer<?>> all = new ArrayList<>(monitors.informers());
        all.add(quotas);
        return all;
    }

    /** kube's {@code replenishQuota}: queues the namespace's quotas that limit a name of the resource. */
    private void replenish(GroupResource gr, String namespace) {
        for (ResourceQuota q : quotas.cache().list(namespace)) {
            Set<String> hard = q.getSpec() == null || q.getSpec().getHard() == null ? Set.of()
                    : q.getSpec().getHard().keySet();
            if (!evaluators.of(gr).matchingResources(hard).isEmpty()) {
                queue.add(InformerCache.key(q));
            }
        }
    }

    /** status.hard says what spec.hard says, and there is a status.used. */
    private static boolean statusFollowsSpec(ResourceQuota q) {
        return q.getStatus() != null && q.getStatus().getUsed() != null && q.getStatus().getHard() != null
                && ResourceLists.same(ResourceLists.of(q.getStatus().getHard()),
                ResourceLists.of(q.getSpec() == null ? null : q.getSpec().getHard()));
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (quotas.cache().get(namespace, name) == null) {
            lowerSeen.remove(key);
            return true;
        }
        ResourceQuota quota;
        try {
            quota = quotaStore.get(namespace, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                lowerSeen.remove(key);
                return true;
            }
            throw e;
        }
        ResourceQuotaStatus status = QuotaUsage.status(quota, evaluators, this::list);
        if (lowers(quota.getStatus(), status)) {
            // a create that admission charged may not be stored yet: lower the usage only if a computation at
            // least LOWER_AFTER later still finds it lower (a charge whose object was never stored, or a delete)
            Long first = lowerSeen.putIfAbsent(key, System.nanoTime());
            if (first == null || System.nanoTime() - first < LOWER_AFTER.toNanos()) {
                queue.addAfter(key, LOWER_AFTER);
                return true;
            }
        }
        lowerSeen.remove(key);
        if (!QuotaUsage.same(quota.getStatus(), status)) {
            String resourceVersion = quota.getMetadata().getResourceVersion();
            try {
                writes.update(WriteScope.of(quotaStore, namespace, SystemUsers.RESOURCE_QUOTA_CONTROLLER)
                        .subresource("status"), name, current -> {
                            current.getMetadata().setResourceVersion(resourceVersion);
                            current.setStatus(status);
                            return current;
                        }, OperationOptions.update());
            } catch (StatusError e) {
                if (e.code() == 404) {
                    return true;
                }
                if (!stopping() && e.code() != 409) {
                    LOG.warn("could not update the status of resourcequota {}: {}", key, e.getMessage());
                }
                return false; // a charge came first: computed again after a short wait
            }
        }
        if (!monitored.containsAll(QuotaUsage.tracked(quota, evaluators))) {
            queue.addAfter(key, UNWATCHED_RECHECK);
        }
        return true;
    }

    /** Whether {@code computed} uses less of some resource than {@code current} says is used. */
    private static boolean lowers(ResourceQuotaStatus current, ResourceQuotaStatus computed) {
        if (current == null || current.getUsed() == null || computed.getUsed() == null) {
            return false;
        }
        for (var used : computed.getUsed().entrySet()) {
            var was = current.getUsed().get(used.getKey());
            if (was != null && used.getValue().getNumericalAmount().compareTo(was.getNumericalAmount()) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The objects of a served namespaced resource in one namespace, read from its store. */
    private Optional<List<? extends HasMetadata>> list(GroupResource gr, String namespace) {
        for (ResourceDefinition<?> d : stores.resources().all()) {
            if (d.namespaced() && d.group().equals(gr.group()) && d.resource().equals(gr.resource())
                    && d.serves("list")) {
                Store<?> store = stores.store(d);
                if (store != null) {
                    return Optional.of(store.list(namespace, ListParams.all()).items());
                }
            }
        }
        return Optional.empty();
    }
}
