package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The batch controllers on a fresh etcd prefix, as the controller manager runs them (shared informers, the
 * write pipeline without admission plugins), with the test's clock and pod failure back-off. Controller's
 * start and stop are the manager's (package-private): reached here by reflection.
 */
final class BatchTestbed implements AutoCloseable {

    final Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
    final StoreRegistry stores;
    final Store<Job> jobs;
    final Store<Pod> pods;
    final Store<CronJob> cronJobs;
    final List<Controller> controllers;
    private final SharedInformers informers;

    BatchTestbed(Clock clock, Duration podFailureBackoff) {
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        informers = new SharedInformers(stores);
        controllers = BatchControllers.create(new ControllerContext(stores, Writes.PIPELINE, informers, 0,
                Duration.ofSeconds(1)), clock, podFailureBackoff);
        jobs = informers.store("batch", "v1", "jobs", Job.class);
        pods = informers.store("", "v1", "pods", Pod.class);
        cronJobs = informers.store("batch", "v1", "cronjobs", CronJob.class);
        informerList().forEach(Informer::start);
        controllers.forEach(c -> call(c, "start"));
    }

    @SuppressWarnings("unchecked")
    <T extends Controller> T controller(Class<T> type) {
        return (T) controllers.stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    /** Whether the controllers' pod informer has the pod (what they act on). */
    boolean podCached(String namespace, String name) {
        return cached("", "pods", Pod.class, namespace, name);
    }

    /** Whether the controllers' job informer has the job. */
    boolean jobCached(String namespace, String name) {
        return cached("batch", "jobs", Job.class, namespace, name);
    }

    /** Whether the controllers' CronJob informer has the CronJob at {@code resourceVersion} or later. */
    boolean cronJobCachedAt(String namespace, String name, String resourceVersion) {
        CronJob cached = informers.of("batch", "v1", "cronjobs", CronJob.class).cache().get(namespace, name);
        return cached != null && Long.parseLong(cached.getMetadata().getResourceVersion())
                >= Long.parseLong(resourceVersion);
    }

    private <T extends HasMetadata> boolean cached(String group, String resource, Class<T> type, String namespace,
                                                   String name) {
        return informers.of(group, "v1", resource, type).cache().get(namespace, name) != null;
    }

    /** The Events recorded about {@code name} as {@code type reason: message}, oldest first. */
    List<String> events(String namespace, String name) {
        Store<Event> events = stores.find("", "v1", "events", Event.class).orElseThrow();
        return events.list(namespace, ListParams.all()).items().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getName()))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage() + " (" + e.getSource().getComponent()
                        + ")")
                .toList();
    }

    private List<Informer<?>> informerList() {
        return List.of(informers.of("batch", "v1", "jobs", Job.class), informers.of("", "v1", "pods", Pod.class),
                informers.of("batch", "v1", "cronjobs", CronJob.class));
    }

    private static void call(Controller c, String method) {
        try {
            Method m = Controller.class.getDeclaredMethod(method);
            m.setAccessible(true);
            m.invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        controllers.forEach(c -> call(c, "stop"));
        Informer.closeAll(informerList(), Informer.STOP_WAIT);
        storage.close();
    }
}
