package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;
import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.bytes;

import dev.kapi.apiserver.storage.StorageException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kube-apiserver's etcd compactor ({@code --etcd-compaction-interval}, 5 minutes by default): each interval it
 * compacts etcd's history up to the revision it saw one interval before, so about one interval of history stays
 * for lists at an exact revision and watches to resume from (older ones get 410 Expired), and etcd's database
 * does not grow with every write ever made. Several servers on one etcd take turns through kube's key
 * {@value #KEY} at the root of the keyspace: a round bumps that key's version only if nobody did since this
 * server last looked; the one that bumped it compacts, the others learn the version and try again next round.
 * The first round only records where etcd is. Compaction is etcd-wide, as kube's.
 *
 * <p>Example: with a 5-minute interval a server started at 12:00 records revision 1,000 at 12:05 and compacts
 * to it at 12:10, when it records 4,000; at 12:15 it compacts to 4,000.
 */
final class EtcdCompactor implements AutoCloseable {

    /** kube's key (its value is the revision compacted to, as text). */
    static final String KEY = "compact_rev_key";

    private static final Logger LOG = Logger.getLogger(EtcdCompactor.class.getName());
    private static final ByteSequence KEY_BYTES = bytes(KEY);

    /** What a server knows after a round: the key's version and etcd's revision then (to compact to next). */
    record Round(long version, long revision) {

        /** Before the first round. */
        static final Round FIRST = new Round(0, 0);
    }

    private final KV kv;
    private final Duration timeout;
    private final ScheduledExecutorService ticker;
    private Round last = Round.FIRST;
    private volatile boolean closed;

    private EtcdCompactor(KV kv, Duration timeout, Duration interval) {
        this.kv = kv;
        this.timeout = timeout;
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("etcd-compactor").daemon().factory());
        long millis = interval.toMillis();
        ticker.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Starts compacting every {@code interval} (positive) until closed. */
    static EtcdCompactor start(KV kv, Duration timeout, Duration interval) {
        return new EtcdCompactor(kv, timeout, interval);
    }

    private void tick() {
        try {
            last = round(kv, timeout, last);
        } catch (RuntimeException e) {
            if (!closed) { // closing interrupts a round waiting for etcd
                LOG.log(Level.WARNING, "etcd compaction failed; trying again in the next round: " + e.getMessage(),
                        e instanceof StorageException ? null : e);
            }
        }
    }

    /**
     * One round (kube's {@code Compact}): when {@value #KEY}'s version is still {@code last.version()}, bumps it
     * and compacts to {@code last.revision()} (unless 0); otherwise only learns the key's version. Returns what
     * the next round starts from, also when the compaction itself failed (logged; as kube's, the next round
     * compacts further).
     *
     * @throws StorageException when the transaction fails (the next round starts from the same state)
     */
    static Round round(KV kv, Duration timeout, Round last) {
        TxnResponse response = await(kv.txn()
                .If(new Cmp(KEY_BYTES, Cmp.Op.EQUAL, CmpTarget.version(last.version())))
                .Then(Op.put(KEY_BYTES, bytes(Long.toString(last.revision())), PutOption.DEFAULT))
                .Else(Op.get(KEY_BYTES, GetOption.DEFAULT))
                .commit(), timeout, KEY);
        long current = response.getHeader().getRevision();
        if (!response.isSucceeded()) {
            long version = response.getGetResponses().getFirst().getKvs().isEmpty() ? 0
                    : response.getGetResponses().getFirst().getKvs().getFirst().getVersion();
            return new Round(version, current);
        }
        Round next = new Round(last.version() + 1, current);
        if (last.revision() == 0) {
            return next; // nothing recorded yet: no compaction on the first round
        }
        try {
            await(kv.compact(last.revision(), CompactOption.DEFAULT), timeout, KEY);
            LOG.fine(() -> "compacted etcd to revision " + last.revision());
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.EXPIRED) { // EXPIRED: compacted past it already
                LOG.warning("etcd compaction to revision " + last.revision() + " failed (the next round compacts "
                        + "to revision " + current + "): " + e.getMessage());
            }
        }
        return next;
    }

    /** Whether its thread has ended (after {@link #close}). */
    boolean stopped() {
        return ticker.isTerminated();
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
    }
}
