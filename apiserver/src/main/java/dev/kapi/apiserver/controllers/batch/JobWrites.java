package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The job controller's writes, through the {@link WritePipeline} as {@code job-controller} (kube's
 * PodControl and its status update): create a pod, delete one, remove a pod's tracking finalizer, replace a
 * job's status if the job is still the version the controller computed it from; and its Events.
 */
final class JobWrites {

    private static final GroupResource JOBS = new GroupResource("batch", "jobs");

    private final WritePipeline writes;
    private final Store<Job> jobs;
    private final Store<Pod> pods;
    private final UserInfo user;
    private final EventRecorder events;

    JobWrites(WritePipeline writes, Store<Job> jobs, Store<Pod> pods, UserInfo user, EventRecorder events) {
        this.writes = writes;
        this.jobs = jobs;
        this.pods = pods;
        this.user = user;
        this.events = events;
    }

    /** Records an Event about the job ({@code Normal} or {@code Warning}). */
    void event(Job job, String type, String reason, String message) {
        events.record(job, type, reason, message);
    }

    Pod create(Pod pod) {
        return writes.create(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod,
                OperationOptions.create());
    }

    /** Deletes the pod with this uid; false when it is gone already. */
    boolean delete(Pod pod) {
        try {
            writes.delete(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod.getMetadata().getName(),
                    OperationOptions.deleteWithUid(pod.getMetadata().getUid()));
            return true;
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return false;
            }
            throw e;
        }
    }

    /** Removes the tracking finalizer of the pod with this uid (kube's JSON patch); a pod gone is done too. */
    void removeFinalizer(Pod pod) {
        String uid = pod.getMetadata().getUid();
        try {
            writes.update(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod.getMetadata().getName(),
                    current -> {
                        if (!uid.equals(current.getMetadata().getUid())) {
                            throw StatusError.notFound(new GroupResource("", "pods"), pod.getMetadata().getName());
                        }
                        List<String> f = new ArrayList<>(JobPods.nz(current.getMetadata().getFinalizers()));
                        f.remove(JobPods.TRACKING_FINALIZER);
                        current.getMetadata().setFinalizers(f);
                        return current;
                    }, OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    /** Adds the job as controller of the orphan pod, with the tracking finalizer; null when it changed meanwhile. */
    Pod adopt(Pod pod, Job job) {
        return changePod(pod, current -> {
            if (JobPods.nz(current.getMetadata().getOwnerReferences()).stream()
                    .anyMatch(r -> Boolean.TRUE.equals(r.getController()))) {
                return false;
            }
            List<OwnerReference> refs = new ArrayList<>(JobPods.nz(current.getMetadata().getOwnerReferences()));
            refs.add(Owners.controllerRef(job, "batch/v1", "Job"));
            current.getMetadata().setOwnerReferences(refs);
            List<String> f = new ArrayList<>(JobPods.nz(current.getMetadata().getFinalizers()));
            if (!f.contains(JobPods.TRACKING_FINALIZER)) {
                f.add(JobPods.TRACKING_FINALIZER);
            }
            current.getMetadata().setFinalizers(f);
            return true;
        });
    }

    /** Removes the job's controller reference (and the tracking finalizer) from a pod it no longer selects. */
    void release(Pod pod, String jobUid) {
        changePod(pod, current -> {
            List<OwnerReference> refs = new ArrayList<>(JobPods.nz(current.getMetadata().getOwnerReferences()));
            if (!refs.removeIf(r -> jobUid.equals(r.getUid()))) {
                return false;
            }
            current.getMetadata().setOwnerReferences(refs);
            List<String> f = new ArrayList<>(JobPods.nz(current.getMetadata().getFinalizers()));
            f.remove(JobPods.TRACKING_FINALIZER);
            current.getMetadata().setFinalizers(f);
            return true;
        });
    }

    /** Changes the pod of this uid if {@code change} says so; null when it did not (or the pod is gone). */
    private Pod changePod(Pod pod, Predicate<Pod> change) {
        String uid = pod.getMetadata().getUid();
        try {
            return writes.update(WriteScope.of(pods, pod.getMetadata().getNamespace(), user), pod.getMetadata().getName(),
                    current -> {
                        if (!uid.equals(current.getMetadata().getUid()) || !change.test(current)) {
                            throw new Unchanged();
                        }
                        return current;
                    }, OperationOptions.update());
        } catch (Unchanged e) {
            return null;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Thrown out of an update that is not to be made. */
    private static final class Unchanged extends RuntimeException {
        Unchanged() {
            super(null, null, false, false);
        }
    }

    /**
     * Writes the status of {@code job}, computed from that version of it: a 409 when the job changed since
     * (it is synced again from the newer version). Returns the job as stored.
     */
    Job updateStatus(Job job, JobStatus status) {
        String version = job.getMetadata().getResourceVersion();
        return writes.update(WriteScope.of(jobs, job.getMetadata().getNamespace(), user).subresource("status"),
                job.getMetadata().getName(), current -> {
                    if (!current.getMetadata().getResourceVersion().equals(version)) {
                        throw StatusError.conflict(JOBS, job.getMetadata().getName(), StatusError.MODIFIED);
                    }
                    current.setStatus(status);
                    return current;
                }, OperationOptions.update());
    }
}
