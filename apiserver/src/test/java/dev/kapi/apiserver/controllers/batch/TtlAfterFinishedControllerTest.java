package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The TTL-after-finished controller on real etcd with a fake clock: a finished job is deleted (Foreground, so
 * the garbage collector, not running here, would remove its pods first) once its TTL after the finishing
 * condition has passed, not before; a job without a TTL stays.
 */
@ExtendWith(EtcdExtension.class)
class TtlAfterFinishedControllerTest {

    private static final String NS = JobTestBase.NS;
    private static final Duration WAIT = JobTestBase.WAIT;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    private BatchTestbed bed;

    @BeforeEach
    void start() {
        bed = new BatchTestbed(clock, Duration.ZERO);
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    /** Whether the job is gone or its deletion began (Foreground: held by foregroundDeletion). */
    private boolean deleted(String name) {
        try {
            Job job = bed.jobs.get(NS, name);
            if (!Owners.deleting(job)) {
                return false;
            }
            assertThat(job.getMetadata().getFinalizers()).contains("foregroundDeletion");
            return true;
        } catch (StatusError e) {
            return e.code() == 404;
        }
    }

    /** Moves the clock and touches the job, as a resync would make the controller look again. */
    private void advance(String name, long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
        Writes.update(bed.jobs, NS, name, j -> {
            j.getMetadata().getLabels().put("touched", String.valueOf(clock.instant().getEpochSecond()));
            return j;
        });
    }

    @ParameterizedTest(name = "{1} job, ttl {0}: kept {2} s, deleted after {3} s more")
    @CsvSource(nullValues = "null", value = {
            "0,    Succeeded, 0,     0",
            "60,   Succeeded, 59,    1",
            "3600, Failed,    3599,  1",
            "null, Succeeded, 86400, -1",
    })
    void finishedJobsAreDeletedTheirTtlAfterFinishing(Integer ttl, String phase, long kept, long more) {
        Writes.create(bed.jobs, NS, JobTestBase.job("done", 1, 1,
                b -> b.editSpec().withTtlSecondsAfterFinished(ttl).withBackoffLimit(0).endSpec()));
        await().atMost(WAIT).until(() -> !pods().isEmpty());
        Writes.update(bed.pods, NS, pods().getFirst().getMetadata().getName(), "status", p -> {
            p.setStatus(new PodStatus());
            p.getStatus().setPhase(phase);
            return p;
        });
        await().atMost(WAIT).until(() -> JobConditions.finished(bed.jobs.get(NS, "done")));
        if (kept > 0) {
            advance("done", kept);
        }
        if (more != 0) {
            await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> !deleted("done"));
        }
        if (more < 0) {
            return;
        }
        if (more > 0) {
            advance("done", more);
        }
        await().atMost(WAIT).until(() -> deleted("done"));
    }

    private List<Pod> pods() {
        return bed.pods.list(NS, ListParams.all()).items();
    }
}
