package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.pod;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.quota;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The plugin's queue and writes against quotas kept in memory with compare-and-swap semantics (the etcd-backed
 * path is {@code server/QuotaAdmissionTest}): which writes it looks at, one write per batch, retries after a
 * conflict, the timeout.
 */
class ResourceQuotaAdmissionTest {

    private static final String PLAIN = "'containers':[{'name':'app','image':'i'}]";

    /** One stored quota; each write must name the resourceVersion it read, then the version goes up by one. */
    private static final class MemoryQuotas implements ResourceQuotaAdmission.Quotas {
        volatile ResourceQuota stored;
        final AtomicInteger writes = new AtomicInteger();
        volatile Consumer<ResourceQuota> beforeWrite = q -> { };

        MemoryQuotas(ResourceQuota q) {
            stored = q;
        }

        @Override
        public List<ResourceQuota> inNamespace(String namespace) {
            return List.of(stored);
        }

        @Override
        public synchronized void updateStatus(ResourceQuota quota) {
            beforeWrite.accept(quota);
            if (!quota.getMetadata().getResourceVersion().equals(stored.getMetadata().getResourceVersion())) {
                throw StatusError.conflict(new GroupResource("", "resourcequotas"), "q", StatusError.MODIFIED);
            }
            writes.incrementAndGet();
            stored = bumped(quota);
        }

        /** A change of the stored quota by someone else (another server): its used pods set, its version up. */
        synchronized void setUsedElsewhere(String pods) {
            ResourceQuota q = new ResourceQuotaBuilder(stored).build();
            q.getStatus().setUsed(Map.of("pods", new Quantity(pods)));
            stored = bumped(q);
        }

        String used() {
            return stored.getStatus().getUsed().get("pods").toString();
        }

        private static ResourceQuota bumped(ResourceQuota q) {
            ResourceQuota copy = new ResourceQuotaBuilder(q).build();
            copy.getMetadata().setResourceVersion(
                    Long.toString(Long.parseLong(q.getMetadata().getResourceVersion()) + 1));
            return copy;
        }
    }

    private static MemoryQuotas pods(int hard, int used) {
        return new MemoryQuotas(quota("q", "'hard':{'pods':'" + hard + "'}", "'pods':'" + hard + "'",
                "'pods':'" + used + "'"));
    }

    private static ResourceQuotaAdmission plugin(MemoryQuotas quotas, Duration timeout) {
        return new ResourceQuotaAdmission(quotas, new Evaluators(Clock.systemUTC()), QuotaConfiguration.NONE, timeout);
    }

    private static AdmissionAttributes createPod(String name, boolean dryRun) {
        var p = pod(PLAIN);
        p.getMetadata().setName(name);
        return write(Operation.CREATE, "pods", p, null, dryRun);
    }

    @Test
    void looksOnlyAtNamespacedMainResourcesAndNotAtNamespacesOrEvents() {
        MemoryQuotas quotas = pods(1, 0);
        ResourceQuotaAdmission plugin = plugin(quotas, Duration.ofSeconds(5));
        var p = pod(PLAIN);
        plugin.validate(Attributes.of(Operation.CREATE, "", "v1", "pods", "status", "Pod", "ns", "p", p, null, null,
                false));
        plugin.validate(Attributes.of(Operation.CREATE, "", "v1", "pods", "", "Pod", "", "p", p, null, null, false));
        plugin.validate(Attributes.of(Operation.CREATE, "", "v1", "namespaces", "", "Namespace", "ns", "ns",
                new NamespaceBuilder().withNewMetadata().withName("ns").endMetadata().build(), null, null, false));
        plugin.validate(Attributes.of(Operation.CREATE, "", "v1", "events", "", "Event", "ns", "e", new Event(), null,
                null, false));
        plugin.validate(createPod("dry", true));
        assertThat(quotas.writes).as("nothing charged").hasValue(0);
        plugin.validate(createPod("p", false));
        assertThat(quotas.used()).isEqualTo("1");
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("dry2", true)));
        assertThat(e.getMessage()).as("a dry run is refused as the create would be").isEqualTo("pods \"dry2\" is "
                + "forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1");
    }

    @Test
    void writesQueuedMeanwhileAreChargedInOneWrite() throws Exception {
        MemoryQuotas quotas = pods(10, 0);
        ResourceQuotaAdmission plugin = plugin(quotas, Duration.ofSeconds(20));
        CountDownLatch firstWriting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        quotas.beforeWrite = q -> {
            if (firstWriting.getCount() > 0) {
                firstWriting.countDown();
                await(release);
            }
        };
        ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(create(plugin, "first", outcomes));
        assertThat(firstWriting.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 14; i++) {
            threads.add(create(plugin, "p" + i, outcomes));
        }
        // the 14 wait behind the first write, undecided
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> plugin.waiting("ns") == 14);
        assertThat(outcomes).isEmpty();
        release.countDown();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(20));
        }
        assertThat(outcomes).filteredOn("admitted"::equals).hasSize(10);
        assertThat(outcomes).filteredOn(o -> o.contains("exceeded quota: q, requested: pods=1, used: pods=10"))
                .hasSize(5);
        assertThat(quotas.writes).as("the first write, then one for the 14 queued meanwhile").hasValue(2);
        assertThat(quotas.used()).isEqualTo("10");
    }

    @Test
    void aConflictIsDecidedAgainOnTheQuotaAsItIsNow() {
        MemoryQuotas quotas = pods(3, 0);
        ResourceQuotaAdmission plugin = plugin(quotas, Duration.ofSeconds(5));
        AtomicInteger conflicts = new AtomicInteger();
        quotas.beforeWrite = q -> {
            if (conflicts.getAndIncrement() < 2) {
                // another server takes one unit first, twice
                quotas.setUsedElsewhere(Integer.toString(conflicts.get()));
            }
        };
        plugin.validate(createPod("a", false));
        assertThat(quotas.used()).as("two taken elsewhere, then this one").isEqualTo("3");
        quotas.beforeWrite = q -> { };
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("b", false)));
        assertThat(e.code()).isEqualTo(403);
    }

    @Test
    void givesUpWithTheConflictAtItsDeadlineAndTimesOutWhileQueued() throws Exception {
        MemoryQuotas quotas = pods(100, 0);
        ResourceQuotaAdmission plugin = plugin(quotas, Duration.ofMillis(500));
        quotas.beforeWrite = q -> quotas.setUsedElsewhere("1"); // always someone first
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("a", false)));
        assertThat(e.code()).isEqualTo(409);
        assertThat(e.getMessage()).isEqualTo("Operation cannot be fulfilled on resourcequotas \"q\": "
                + StatusError.MODIFIED);

        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        quotas.beforeWrite = q -> {
            writing.countDown();
            await(release);
        };
        ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        Thread stuck = create(plugin, "stuck", outcomes);
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        StatusError timedOut = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("b", false)));
        assertThat(timedOut.code()).isEqualTo(500);
        assertThat(timedOut.getMessage()).isEqualTo("Internal error occurred: resource quota evaluation timed out");
        release.countDown();
        stuck.join(Duration.ofSeconds(5));
        assertThat(outcomes).containsExactly("admitted");
    }

    private static Thread create(ResourceQuotaAdmission plugin, String name, ConcurrentLinkedQueue<String> outcomes) {
        return Thread.ofVirtual().start(() -> {
            try {
                plugin.validate(createPod(name, false));
                outcomes.add("admitted");
            } catch (StatusError e) {
                outcomes.add(e.getMessage());
            }
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
