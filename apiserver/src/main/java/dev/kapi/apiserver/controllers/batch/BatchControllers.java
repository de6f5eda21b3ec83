package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.ControllerContext.Candidate;
import dev.kapi.apiserver.controllers.EventRecorder;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube-controller-manager's batch controllers: the job controller ({@code job-controller}), the
 * TTL-after-finished controller and the CronJob controller, on the manager's shared informers, each writing
 * as its own service account.
 */
public final class BatchControllers {

    /** kube's {@code DefaultJobPodFailureBackOff} and {@code MaxJobPodFailureBackOff}. */
    static final Duration POD_FAILURE_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_POD_FAILURE_BACKOFF = Duration.ofMinutes(10);

    private BatchControllers() {
    }

    /** A controller's Events about objects of one kind; reportingInstance "" as kube's controllers write it. */
    private static EventRecorder events(ControllerContext context, String controller, String kind) {
        return EventRecorder.builder(context.writes(),
                context.stores().find("", "v1", "events", Event.class).orElse(null), SystemUsers.controller(controller),
                controller).about("batch/v1", kind).reportingInstance("").build();
    }

    public static List<Controller> create(ControllerContext context) {
        return create(context, Clock.systemDefaultZone(), POD_FAILURE_BACKOFF);
    }

    /** With a clock of the test's and a shorter pod failure back-off. */
    static List<Controller> create(ControllerContext context, Clock clock, Duration podFailureBackoff) {
        var informers = context.informers();
        Supplier<Informer<Job>> jobs = () -> informers.of("batch", "v1", "jobs", Job.class);
        return context.selected(
                new Candidate(JobController.NAME, () -> new JobController(jobs.get(),
                        informers.of("", "v1", "pods", Pod.class), new JobWrites(context.writes(),
                        informers.store("batch", "v1", "jobs", Job.class), informers.store("", "v1", "pods", Pod.class),
                        SystemUsers.controller(JobController.NAME), events(context, JobController.NAME, "Job")),
                        clock, podFailureBackoff, MAX_POD_FAILURE_BACKOFF)),
                new Candidate(TtlAfterFinishedController.NAME, () -> new TtlAfterFinishedController(jobs.get(),
                        informers.store("batch", "v1", "jobs", Job.class), context.writes(), clock)),
                new Candidate(CronJobController.NAME, () -> new CronJobController(
                        informers.of("batch", "v1", "cronjobs", CronJob.class), jobs.get(),
                        informers.store("batch", "v1", "cronjobs", CronJob.class),
                        informers.store("batch", "v1", "jobs", Job.class), context.writes(), clock,
                        events(context, CronJobController.NAME, "CronJob"))));
    }
}
