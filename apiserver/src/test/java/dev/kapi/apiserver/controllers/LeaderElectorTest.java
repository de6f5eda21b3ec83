package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leader election on a real etcd with short timings: one of two replicas leads; the other takes over at once
 * when the leader gives the Lease up, and only after a lease duration when it stops renewing; a leader whose
 * Lease is taken stops leading within the renew deadline; a restarted replica of the same identity leads at once.
 */
@ExtendWith(EtcdExtension.class)
class LeaderElectorTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(1200);
    private static final Duration RETRY = Duration.ofMillis(200);

    private Storage storage;
    private Store<Lease> leases;

    @BeforeEach
    void setUp() {
        String prefix = EtcdExtension.randomPrefix();
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        StoreRegistry stores = TestStores.of(storage, prefix);
        leases = stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow();
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private static final class Counting implements LeaderElector.Callbacks {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger stopped = new AtomicInteger();

        @Override
        public void startedLeading() {
            started.incrementAndGet();
        }

        @Override
        public void stoppedLeading() {
            stopped.incrementAndGet();
        }
    }

    private LeaderElector elector(String identity, Counting callbacks) {
        return new LeaderElector(leases, Writes.PIPELINE, new LeaderElection(true, "kube-system", "kcm", identity,
                LEASE, RENEW, RETRY), Clock.systemUTC(), callbacks);
    }

    private Lease lease() {
        return leases.get("kube-system", "kcm");
    }

    @Test
    void oneLeadsTheOtherTakesOverWhenTheLeaseIsGivenUp() {
        Counting a = new Counting();
        Counting b = new Counting();
        try (LeaderElector first = elector("a", a); LeaderElector second = elector("b", b)) {
            first.start();
            await().atMost(Duration.ofSeconds(5)).until(first::isLeading);
            second.start();
            sleep(LEASE.plusMillis(500)); // the leader renews: the second never gets it
            assertThat(second.isLeading()).isFalse();
            assertThat(b.started).hasValue(0);
            assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("a");
            assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(2);

            first.close(); // released: the second takes over within a retry period or two, not a lease duration
            long closed = System.nanoTime();
            assertThat(a.stopped).hasValue(1);
            await().atMost(Duration.ofSeconds(5)).until(second::isLeading);
            assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(LEASE);
            assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("b");
            assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
        }
        assertThat(b.started).hasValue(1);
        assertThat(b.stopped).hasValue(1);
    }

    @Test
    void closeGivesTheLeaseUpWhateverTheElectorThreadWasDoing() {
        // a retry period of a few ms makes close() often land during a renewal (the thread then ends by itself,
        // not by the interrupt): the Lease must be given up every time (ReplicasIT waited it out once in CI)
        for (int round = 0; round < 30; round++) {
            Counting a = new Counting();
            LeaderElector fast = new LeaderElector(leases, Writes.PIPELINE, new LeaderElection(true, "kube-system",
                    "kcm", "fast", LEASE, RENEW, Duration.ofMillis(1 + round % 5)), Clock.systemUTC(), a);
            fast.start();
            assertThat(fast.isLeading()).isTrue();
            sleep(Duration.ofMillis(round % 7));
            fast.close();
            assertThat(a.stopped).as("round %d", round).hasValue(1);
            assertThat(lease().getSpec().getHolderIdentity()).as("round %d", round).isNull();
        }
    }

    @Test
    void aLeaderWhoseLeaseIsTakenStopsAndAnotherWaitsOutAStaleHolder() {
        Counting a = new Counting();
        try (LeaderElector first = elector("a", a)) {
            first.start();
            await().atMost(Duration.ofSeconds(5)).until(first::isLeading);
            // someone else writes the Lease as its holder (and keeps renewing it): "a" must stop leading
            Writes.update(leases, "kube-system", "kcm", l -> {
                l.getSpec().setHolderIdentity("intruder");
                l.getSpec().setLeaseDurationSeconds(60);
                return l;
            });
            await().atMost(RENEW.plus(Duration.ofSeconds(3))).until(() -> !first.isLeading());
            assertThat(a.stopped).hasValue(1);
        }
        // a holder that stopped renewing (a crashed replica of another identity) is waited out for a lease duration
        Writes.update(leases, "kube-system", "kcm", l -> {
            l.getSpec().setLeaseDurationSeconds(2);
            return l;
        });
        Counting c = new Counting();
        try (LeaderElector third = elector("c", c)) {
            long start = System.nanoTime();
            third.start();
            await().atMost(Duration.ofSeconds(8)).until(third::isLeading);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(LEASE);
        }
    }

    @Test
    void aReplicaRestartedWithItsIdentityLeadsAtOnce() {
        Counting a = new Counting();
        Duration longLease = Duration.ofSeconds(30);
        LeaderElector crashed = new LeaderElector(leases, Writes.PIPELINE, new LeaderElection(true, "kube-system",
                "kcm", "same", longLease, RENEW, RETRY), Clock.systemUTC(), a);
        assertThat(crashed.tryAcquireOrRenew()).isTrue(); // holds the Lease, then "crashes" (never releases)
        Counting again = new Counting();
        try (LeaderElector restarted = elector("same", again)) {
            long start = System.nanoTime();
            restarted.start();
            await().atMost(Duration.ofSeconds(10)).until(restarted::isLeading);
            // not after the crashed one's lease ran out
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(longLease.dividedBy(3));
        }
        assertThat(List.of(again.started.get(), again.stopped.get())).containsExactly(1, 1);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
