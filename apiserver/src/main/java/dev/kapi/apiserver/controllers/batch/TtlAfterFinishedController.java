package dev.kapi.apiserver.controllers.batch;

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
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * kube's TTL-after-finished controller ({@code ttl-after-finished-controller}): a Job that finished (Complete
 * or Failed) and has {@code spec.ttlSecondsAfterFinished} is deleted that long after the condition's
 * lastTransitionTime. Until then it is queued again for the moment it expires; when due, the job is read
 * again from the registry (its TTL may have changed) and deleted with that uid as precondition, propagation
 * Foreground as kube's controller does, so the garbage collector removes its pods first.
 */
final class TtlAfterFinishedController extends Controller {

    static final String NAME = "ttl-after-finished-controller";
    private static final Logger LOG = LoggerFactory.getLogger(TtlAfterFinishedController.class);
    private static final UserInfo USER = SystemUsers.controller(NAME);

    private final Informer<Job> jobs;
    private final Store<Job> store;
    private final WritePipeline writes;
    private final Clock clock;

    TtlAfterFinishedController(Informer<Job> jobs, Store<Job> store, WritePipeline writes, Clock clock) {
        super(NAME, 5, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(60)), List.of(jobs));
        this.jobs = jobs;
        this.store = store;
        this.writes = writes;
        this.clock = clock;
        jobs.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Job job) {
                queueIfDue(job);
            }

            @Override
            public void onUpdate(Job old, Job job) {
                queueIfDue(job);
            }
        });
    }

    private void queueIfDue(Job job) {
        if (expiry(job) != null) {
            queue.add(Owners.key(job));
        }
    }

    @Override
    protected boolean reconcile(String key) {
        Job cached = jobs.cache().get(Owners.namespace(key), Owners.name(key));
        Instant expires = cached == null ? null : expiry(cached);
        if (expires == null) {
            return true;
        }
        Instant now = clock.instant();
        if (now.isBefore(expires)) {
            queue.addAfter(key, Duration.between(now, expires));
            return true;
        }
        try {
            Job fresh = store.get(Owners.namespace(key), Owners.name(key));
            Instant freshExpires = expiry(fresh);
            if (freshExpires == null) {
                return true;
            }
            if (now.isBefore(freshExpires)) {
                queue.addAfter(key, Duration.between(now, freshExpires));
                return true;
            }
            DeleteOptions options = OperationOptions.deleteWithUid(fresh.getMetadata().getUid());
            options.setPropagationPolicy("Foreground");
            writes.delete(WriteScope.of(store, fresh.getMetadata().getNamespace(), USER), fresh.getMetadata().getName(),
                    options);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return true; // gone, or a namesake: its own events queue it
            }
            if (!stopping()) {
                LOG.warn("{}: could not delete job {}: {}", NAME, key, e.getMessage());
            }
            return false;
        }
    }

    /** When the finished job's TTL expires; null when it has none or has not finished. */
    static Instant expiry(Job job) {
        Integer ttl = job.getSpec() == null ? null : job.getSpec().getTtlSecondsAfterFinished();
        if (ttl == null || job.getStatus() == null) {
            return null;
        }
        for (String type : List.of(JobConditions.COMPLETE, JobConditions.FAILED)) {
            JobCondition c = JobConditions.find(job.getStatus(), type);
            if (c != null && "True".equals(c.getStatus())) {
                Instant finished = Owners.instant(c.getLastTransitionTime());
                return finished == null ? null : finished.plusSeconds(ttl);
            }
        }
        return null;
    }
}
