package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.KeyQueueing;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * kube's job controller ({@code job-controller}): runs each Job's pods to completion. A job added, changed or
 * deleted, or a pod it controls added, changed or deleted, queues the job; reconciling it (five workers, as
 * kube's {@code --concurrent-job-syncs}) claims the job's pods ({@link JobPodClaims}) and runs a
 * {@link JobSync} over them, unless the informer has not yet shown every pod write of the last sync
 * ({@link Expectations}), or the job is {@code managedBy} another controller. Pods whose job is gone (or
 * replaced by a namesake) lose their tracking finalizer, so they can go.
 */
final class JobController extends Controller {

    static final String NAME = "job-controller";
    /** Keys of pods with the tracking finalizer and no controlling job: {@code orphan-pod:<namespace>/<name>}. */
    private static final String ORPHAN = "orphan-pod:";
    /** {@code spec.managedBy} of the jobs this controller runs (the default when unset). */
    static final String MANAGED_BY = "kubernetes.io/job-controller";
    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

    private final Informer<Job> jobs;
    private final Informer<Pod> pods;
    private final JobWrites writes;
    private final Clock clock;
    private final Expectations expectations = new Expectations();
    private final JobBackoff backoff;

    /** @param podFailureBackoff kube's 10 s: the wait before replacing a failed pod, doubled per failure */
    JobController(Informer<Job> jobs, Informer<Pod> pods, JobWrites writes, Clock clock, Duration podFailureBackoff,
                  Duration maxPodFailureBackoff) {
        super(NAME, 5, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)), List.of(jobs, pods));
        this.jobs = jobs;
        this.pods = pods;
        this.writes = writes;
        this.clock = clock;
        this.backoff = new JobBackoff(podFailureBackoff, maxPodFailureBackoff);
        jobs.addHandler(new KeyQueueing<>(queue::add));
        pods.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                podChanged(pod, pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                podChanged(pod, pod);
                OwnerReference was = Owners.controllerOf(old, "Job");
                OwnerReference is = Owners.controllerOf(pod, "Job");
                if (was != null && (is == null || !was.getName().equals(is.getName()))) {
                    queue.add(Owners.key(old.getMetadata().getNamespace(), was.getName()));
                }
            }

            @Override
            public void onDelete(Pod pod) {
                podChanged(pod, null);
            }
        });
    }

    private void podChanged(Pod pod, Pod now) {
        OwnerReference ref = Owners.controllerOf(pod, "Job");
        if (ref == null) {
            if (now != null && JobPods.hasTrackingFinalizer(now)) {
                queue.add(ORPHAN + Owners.key(now)); // released by the garbage collector (orphaning delete)
            }
            return;
        }
        String key = Owners.key(pod.getMetadata().getNamespace(), ref.getName());
        expectations.observed(key, pod.getMetadata().getUid(), now);
        queue.add(key);
    }

    @Override
    protected boolean reconcile(String key) {
        if (key.startsWith(ORPHAN)) {
            releaseOrphan(key.substring(ORPHAN.length()));
            return true;
        }
        String namespace = Owners.namespace(key);
        String name = Owners.name(key);
        Job job = jobs.cache().get(namespace, name);
        String uid = job == null ? null : job.getMetadata().getUid();
        try {
            releaseOrphans(namespace, name, uid);
            if (job == null) {
                expectations.forget(key);
                backoff.forget(key);
                return true;
            }
            String managedBy = job.getSpec() == null ? null : job.getSpec().getManagedBy();
            if (managedBy != null && !MANAGED_BY.equals(managedBy)) {
                return true; // kube's JobManagedBy: another controller runs this job
            }
            if (!expectations.satisfied(key)) {
                queue.addAfter(key, Expectations.TIMEOUT);
                return true;
            }
            List<Pod> owned = JobPodClaims.claim(job, pods.cache().list(namespace), writes);
            Instant now = clock.instant();
            JobPodManager manager = new JobPodManager(key, job, writes, expectations,
                    podName -> pods.cache().get(namespace, podName));
            Duration again = new JobSync(key, job, owned, writes, expectations, backoff, manager, now).run();
            if (again != null) {
                queue.addAfter(key, again.plusMillis(50));
            }
            return true;
        } catch (StatusError e) {
            if (JobPodManager.namespaceTerminating(e)) {
                return true;
            }
            if (e.code() != 409 && e.code() != 404 && !stopping()) {
                LOG.warn("job-controller: syncing job {} failed: {}", key, e.getMessage());
            }
            return false;
        }
    }

    /**
     * A pod with the tracking finalizer that no job controls any more loses it, unless a job will adopt it
     * (kube's orphan pod sync).
     */
    private void releaseOrphan(String podKey) {
        Pod pod = pods.cache().get(Owners.namespace(podKey), Owners.name(podKey));
        if (pod == null || Owners.controllerOf(pod, "Job") != null || !JobPods.hasTrackingFinalizer(pod)) {
            return;
        }
        for (Job job : jobs.cache().list(pod.getMetadata().getNamespace())) {
            if (JobPodClaims.wouldAdopt(job, pod)) {
                queue.add(Owners.key(job)); // a job will adopt it
                return;
            }
        }
        writes.removeFinalizer(pod);
    }

    /** Removes the tracking finalizer of pods whose controlling job of this name is not the one cached. */
    private void releaseOrphans(String namespace, String name, String uid) {
        for (Pod pod : pods.cache().list(namespace)) {
            OwnerReference ref = Owners.controllerOf(pod, "Job");
            if (ref != null && name.equals(ref.getName()) && !ref.getUid().equals(uid)
                    && JobPods.hasTrackingFinalizer(pod)) {
                writes.removeFinalizer(pod);
            }
        }
    }
}
