package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the job controller tests share: the controllers on a fresh etcd prefix (real clock, a 50 ms pod
 * failure back-off), jobs built from a small template, pod phases set through the status subresource as a
 * kubelet would, and the job's conditions and counters as one text each.
 */
@ExtendWith(EtcdExtension.class)
abstract class JobTestBase {

    static final String NS = "jobs";
    static final Duration WAIT = Duration.ofSeconds(10);

    BatchTestbed bed;

    @BeforeEach
    void start() {
        bed = new BatchTestbed(Clock.systemUTC(), Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    static Job job(String name, Integer completions, Integer parallelism, UnaryOperator<JobBuilder> more) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withCompletions(completions).withParallelism(parallelism).withNewTemplate().withNewMetadata()
                .addToLabels("app", name).endMetadata().withNewSpec().withRestartPolicy("Never").addNewContainer()
                .withName("main").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
        return more.apply(b).build();
    }

    Job create(Job job) {
        return Writes.create(bed.jobs, NS, job);
    }

    Job get(String name) {
        return bed.jobs.get(NS, name);
    }

    List<Pod> pods(String job) {
        return bed.pods.list(NS, ListParams.all()).items().stream().filter(p -> p.getMetadata().getName().startsWith(job + "-")).toList();
    }

    List<Pod> active(String job) {
        return pods(job).stream().filter(JobPods::active).toList();
    }

    void phase(Pod pod, String phase) {
        Writes.update(bed.pods, NS, pod.getMetadata().getName(), "status", p -> {
            p.setStatus(new PodStatus());
            p.getStatus().setPhase(phase);
            return p;
        });
    }

    /** The job's conditions as {@code type=status/reason}, in order. */
    static String conditions(Job job) {
        List<JobCondition> c = job.getStatus() == null ? null : job.getStatus().getConditions();
        return c == null ? "" : c.stream().map(x -> x.getType() + "=" + x.getStatus() + "/" + x.getReason())
                .collect(Collectors.joining(","));
    }

    /** The counters a client reads, as one text. */
    static String counters(Job job) {
        JobStatus s = job.getStatus();
        return "active=" + s.getActive() + " ready=" + s.getReady() + " terminating=" + s.getTerminating()
                + " succeeded=" + s.getSucceeded() + " failed=" + s.getFailed() + " uncounted="
                + JobPods.nz(s.getUncountedTerminatedPods().getSucceeded()).size() + "/"
                + JobPods.nz(s.getUncountedTerminatedPods().getFailed()).size();
    }

    void awaitActive(String job, int n) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(active(job)).hasSize(n));
        // no more than that once the informer caught up
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> {
            assertThat(active(job)).hasSize(n);
            assertThat(get(job).getStatus().getActive()).isEqualTo(n == 0 ? null : n);
        });
    }
}
