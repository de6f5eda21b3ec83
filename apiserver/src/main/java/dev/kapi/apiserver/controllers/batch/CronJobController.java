package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's CronJob controller, v2 ({@code cronjob-controller}): a CronJob added or changed, or a Job it controls
 * added, changed or deleted, queues the CronJob; reconciling it ({@link CronJobSync}) keeps
 * {@code status.active} and {@code lastSuccessfulTime} in step with its jobs, creates the Job of the most
 * recent schedule time not yet acted on (within {@code startingDeadlineSeconds}, under the concurrency policy,
 * unless suspended), deletes finished jobs beyond the history limits, writes the status if it changed, and is
 * queued again for the next schedule time. The clock is the controller's (a test's may be fake).
 */
final class CronJobController extends Controller {

    static final String NAME = "cronjob-controller";
    static final UserInfo USER = SystemUsers.controller(NAME);
    private static final Logger LOG = LoggerFactory.getLogger(CronJobController.class);
    private static final GroupResource CRONJOBS = new GroupResource("batch", "cronjobs");

    private final Informer<CronJob> cronJobs;
    private final Informer<Job> jobs;
    private final Store<CronJob> cronJobStore;
    private final Store<Job> jobStore;
    private final WritePipeline writes;
    private final Clock clock;
    private final EventRecorder events;
    private final Map<String, String> notices = new ConcurrentHashMap<>();

    CronJobController(Informer<CronJob> cronJobs, Informer<Job> jobs, Store<CronJob> cronJobStore, Store<Job> jobStore,
                      WritePipeline writes, Clock clock, EventRecorder events) {
        super(NAME, 5, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)), List.of(cronJobs, jobs));
        this.cronJobs = cronJobs;
        this.jobs = jobs;
        this.cronJobStore = cronJobStore;
        this.jobStore = jobStore;
        this.writes = writes;
        this.clock = clock;
        this.events = events;
        cronJobs.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(CronJob cj) {
                queue.add(Owners.key(cj));
            }

            @Override
            public void onUpdate(CronJob old, CronJob cj) {
                queue.add(Owners.key(cj));
            }

            @Override
            public void onDelete(CronJob cj) {
                String uid = cj.getMetadata().getUid();
                notices.keySet().removeIf(key -> key.startsWith(uid));
            }
        });
        jobs.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Job job) {
                queueOwner(job);
            }

            @Override
            public void onUpdate(Job old, Job job) {
                queueOwner(job);
            }

            @Override
            public void onDelete(Job job) {
                queueOwner(job);
            }
        });
    }

    private void queueOwner(Job job) {
        OwnerReference ref = Owners.controllerOf(job, "CronJob");
        if (ref != null) {
            queue.add(Owners.key(job.getMetadata().getNamespace(), ref.getName()));
        }
    }

    /** Queues the CronJob now (a test that moved its clock). */
    void resync(String key) {
        queue.add(key);
    }

    @Override
    protected boolean reconcile(String key) {
        String namespace = Owners.namespace(key);
        CronJob cached = cronJobs.cache().get(namespace, Owners.name(key));
        if (cached == null) {
            return true;
        }
        String uid = cached.getMetadata().getUid();
        List<Job> owned = jobs.cache().list(namespace).stream()
                .filter(j -> Owners.controlledBy(j, "CronJob", uid)).toList();
        Instant now = clock.instant();
        try {
            cached = listingEveryRunningJob(cached, owned);
            CronJob cj = Owners.copy(cached, CronJob.class);
            if (cj.getStatus() == null) {
                cj.setStatus(new CronJobStatus());
            }
            CronJobSync sync = new CronJobSync(cj, owned, jobStore, writes, clock.getZone(), now, events, notices);
            Duration next = sync.run();
            sync.deleteBeyondHistoryLimits();
            CronJobStatus was = cached.getStatus() == null ? new CronJobStatus() : cached.getStatus();
            if (!Json.tree(cj.getStatus()).equals(Json.tree(was))) {
                updateStatus(cached, cj.getStatus());
            }
            if (next != null) {
                queue.addAfter(key, next);
            }
            return true;
        } catch (StatusError e) {
            if (JobPodManager.namespaceTerminating(e)) {
                return true;
            }
            if (e.code() != 409 && e.code() != 404 && !stopping()) {
                LOG.warn("{}: syncing cronjob {} failed: {}", NAME, key, e.getMessage());
            }
            return false;
        }
    }

    /**
     * kube's answer to a jobs informer ahead of the CronJobs': a running job it controls that the cached CronJob
     * does not list as active sends it to storage for the CronJob, which is taken when it lists the job (the
     * controller created it and wrote the status since). Otherwise the cached one stays: the job was made by
     * someone else or its status write was lost, which the sync reports as {@code UnexpectedJob}.
     */
    private CronJob listingEveryRunningJob(CronJob cached, List<Job> owned) {
        List<Job> unlisted = CronJobSync.unlistedRunning(cached, owned);
        if (unlisted.isEmpty()) {
            return cached;
        }
        CronJob fresh = cronJobStore.get(cached.getMetadata().getNamespace(), cached.getMetadata().getName());
        boolean listsOne = fresh.getMetadata().getUid().equals(cached.getMetadata().getUid())
                && !CronJobSync.unlistedRunning(fresh, unlisted).equals(unlisted);
        return listsOne ? fresh : cached;
    }

    /** Writes the status computed from {@code cached}: a 409 when the CronJob changed since. */
    private void updateStatus(CronJob cached, CronJobStatus status) {
        String version = cached.getMetadata().getResourceVersion();
        writes.update(WriteScope.of(cronJobStore, cached.getMetadata().getNamespace(), USER).subresource("status"),
                cached.getMetadata().getName(), current -> {
                    if (!version.equals(current.getMetadata().getResourceVersion())) {
                        throw StatusError.conflict(CRONJOBS, cached.getMetadata().getName(), StatusError.MODIFIED);
                    }
                    current.setStatus(status);
                    return current;
                }, OperationOptions.update());
    }

    /** kube's CronJob controller deletes jobs in the background: the job goes first, its pods after. */
    static DeleteOptions background(String uid) {
        DeleteOptions options = OperationOptions.deleteWithUid(uid);
        options.setPropagationPolicy("Background");
        return options;
    }
}
