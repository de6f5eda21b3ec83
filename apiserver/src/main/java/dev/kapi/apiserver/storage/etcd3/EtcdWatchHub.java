package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchFanOut;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchSubscription;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * All watches of one {@link EtcdStorage}: a single etcd watch stream over the watched prefix (the whole
 * keyspace if none; with previous values) feeds a {@link WatchFanOut}. A new watch catches up to the
 * fan-out's position on its own ({@link EtcdWatchReplay}): the initial state read at that revision (a
 * watch from 0) or a short-lived etcd watch replaying history from an older revision.
 *
 * <p><b>Threads and locks.</b> jetcd calls watch listeners on its Vert.x event loop, the client's only
 * I/O thread: while it waits, every etcd call of the process waits. So each callback from jetcd (a
 * response, an error, the end of a stream) only hands its work to this hub's own thread and returns; the
 * hub thread takes the work up in arrival order and also opens, reopens and closes the shared stream.
 * Locks, in the one order they are ever taken: the fan-out's dispatch lock, then a subscription's lock,
 * then the listener's own (see {@link WatchFanOut}). None of them is held while calling into jetcd
 * (opening or closing a watcher, a KV call): jetcd's watcher lock, which jetcd holds while it calls a
 * listener, is never waited for by a thread that holds one of ours.
 */
final class EtcdWatchHub implements EtcdProgressBarrier.Hub, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EtcdWatchHub.class.getName());
    static final ByteSequence ALL_KEYS = ByteSequence.from(new byte[] {0});
    private static final long REOPEN_MILLIS = 1000;
    private static final int REGISTER_ATTEMPTS = 3;
    private static final String CLOSED = "storage is closed";

    private final Client client;
    private final Duration timeout;
    private final LongSupplier currentRevision;
    private final EtcdReachability reachability;
    private final WatchFanOut fanOut;
    private final String watchedPrefix;
    private final EtcdWatchReplay replay;
    /** Whether etcd may be asked for progress: it answers in order with the events (see EtcdProgressSupport). */
    private final BooleanSupplier progressRequestsOrdered;
    /** Runs jetcd's callbacks' work and every change of the shared stream, one at a time. */
    private final EtcdHubThread hub = new EtcdHubThread("etcd-watch-hub");
    /** The shared stream while it runs; replaced on the hub thread only, taken away by {@link #close}. */
    private final AtomicReference<Stream> shared = new AtomicReference<>();
    private volatile boolean closed;
    /** The revision of the last change published (hub thread only). */
    private long lastChange;
    /** When the shared stream last delivered a change ({@link System#nanoTime}, hub thread only). */
    private long lastDelivery = System.nanoTime();
    /** Moves the stream past writes it does not see, for an etcd not asked for progress (hub thread only). */
    private final EtcdProgressBarrier barrier;
    /** The highest current revision read from etcd. */
    private final LongSupplier revisionSeen;
    /** A change arrived behind a progress notification (an etcd bug): said once in the log. */
    private boolean outOfOrderReported;
    /** A test's hook: runs on the hub thread first thing when the shared stream failed. */
    volatile Consumer<Throwable> streamFailureHook = error -> { };

    /** One opening of the shared stream; what an earlier opening still delivers is dropped. */
    private static final class Stream {
        private volatile Watch.Watcher watcher;
    }

    /** Thrown under the dispatch lock when the position is unknown (history compacted meanwhile): retry. */
    private static final class NoPosition extends RuntimeException {
        NoPosition() {
            super(null, null, false, false);
        }
    }

    EtcdWatchHub(Client client, Duration timeout, Duration progressInterval, LongSupplier currentRevision,
                 String watchedPrefix, EtcdReachability reachability, BooleanSupplier progressRequestsOrdered,
                 LongSupplier revisionSeen) {
        this.client = client;
        this.progressRequestsOrdered = progressRequestsOrdered;
        this.watchedPrefix = watchedPrefix;
        this.timeout = timeout;
        this.currentRevision = currentRevision;
        this.reachability = reachability;
        this.fanOut = new WatchFanOut("etcd-watch-progress", progressInterval, 100, CLOSED, 0);
        this.revisionSeen = revisionSeen;
        this.barrier = new EtcdProgressBarrier(client.getKVClient(), watchedPrefix, timeout, revisionSeen, this, hub);
        fanOut.progressSource(() -> hub.execute(this::requestProgress));
        this.replay = new EtcdWatchReplay(client, timeout, currentRevision, reachability, hub, hub::later,
                () -> closed, watchedPrefix, progressRequestsOrdered);
    }

    /** The revision up to which the shared stream has delivered (for the barrier, on the hub thread). */
    @Override
    public long position() {
        return fanOut.position();
    }

    /** When the shared stream last delivered a change (for the barrier, on the hub thread). */
    @Override
    public long lastDelivery() {
        return lastDelivery;
    }

    WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        if (!prefixOrKey.startsWith(watchedPrefix)) {
            throw new IllegalArgumentException("watch of " + prefixOrKey + " outside the watched prefix " + watchedPrefix);
        }
        long from = options.fromRevision();
        WatchSubscription subscription = register(prefixOrKey, from, options.progressNotify(), listener);
        long join = subscription.joinRevision();
        if (from == 0) {
            replay.initialState(subscription, join);
        } else if (from < join) {
            replay.history(subscription, from);
        }
        return subscription;
    }

    /** How many progress barriers were written (for tests). */
    long barrierWrites() {
        return barrier.writes();
    }

    /** How many watches are open (for tests and metrics). */
    int size() {
        return fanOut.size();
    }

    /** Registers at the fan-out's position once the shared stream runs (or is about to run again) from it. */
    private WatchSubscription register(String key, long from, boolean progressNotify, WatchListener listener) {
        for (int attempt = 1; ; attempt++) {
            ensureStream(key);
            try {
                return fanOut.register(key, from, progressNotify, listener, this::requirePosition);
            } catch (NoPosition e) {
                if (attempt == REGISTER_ATTEMPTS) {
                    throw new StorageException(Code.UNREACHABLE, key, "the etcd watch stream could not be opened");
                }
            }
        }
    }

    /** Under the dispatch lock: a watch joins only at a position the shared stream continues from. */
    private void requirePosition() {
        if (fanOut.position() == 0) {
            throw new NoPosition();
        }
    }

    /**
     * Makes sure the shared stream runs, or is about to run again, from the fan-out's position. When the
     * position is unknown (the first watch, or history was compacted past it) the current revision is read
     * here, holding no lock, and the hub thread opens the stream from it.
     */
    private void ensureStream(String key) {
        if (closed) {
            throw new StorageException(Code.INTERNAL, key, CLOSED);
        }
        if (fanOut.position() > 0) {
            return;
        }
        long revision = currentRevision.getAsLong();
        Future<?> opened;
        try {
            opened = hub.submit(() -> {
                if (fanOut.position() == 0) {
                    fanOut.moveTo(revision);
                    open(revision);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new StorageException(Code.INTERNAL, key, CLOSED);
        }
        try {
            opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            throw new StorageException(Code.INTERNAL, key, CLOSED);
        } catch (TimeoutException e) {
            throw new StorageException(Code.UNREACHABLE, key, "the etcd watch stream did not open within "
                    + timeout.toSeconds() + "s", e);
        } catch (ExecutionException e) {
            throw EtcdCalls.translate(e.getCause(), key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Code.UNREACHABLE, key, "interrupted while opening the etcd watch stream", e);
        }
    }

    /** Opens the shared stream after {@code position} (hub thread); on failure tries again shortly. */
    private void open(long position) {
        if (closed || shared.get() != null) {
            return;
        }
        Stream stream = new Stream();
        boolean all = watchedPrefix.isEmpty();
        try {
            stream.watcher = client.getWatchClient().watch(all ? ALL_KEYS : EtcdCalls.bytes(watchedPrefix),
                    WatchOption.builder()
                            .withRange(all ? ALL_KEYS : EtcdCalls.prefixEnd(watchedPrefix))
                            .withRevision(position + 1)
                            .withPrevKV(true)
                            .withProgressNotify(true)
                            .build(),
                    Watch.listener(response -> hub.execute(() -> dispatch(stream, response)),
                            error -> hub.execute(() -> streamFailed(stream, error)),
                            () -> hub.execute(() -> streamFailed(stream, new IllegalStateException(
                                    "etcd ended the watch stream")))));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot open the etcd watch stream; trying again", e);
            reopenLater();
            return;
        }
        shared.set(stream);
        if (closed) {
            closeQuietly(shared.getAndSet(null));
        }
    }

    private void dispatch(Stream stream, WatchResponse response) {
        if (shared.get() != stream) {
            return;
        }
        reachability.answered();
        synchronized (fanOut.dispatchLock()) {
            List<io.etcd.jetcd.watch.WatchEvent> events = response.getEvents();
            for (int i = 0; i < events.size(); i++) {
                WatchEvent event = EtcdWatchEvents.convert(events, i);
                reportOutOfOrder(event.revision());
                fanOut.publish(event);
            }
            fanOut.revisionsEnded(); // a transaction's keys outside a watch: it hears its revision is whole
            if (response.isProgressNotify()) {
                fanOut.advance(response.getHeader().getRevision());
            } else if (!response.getEvents().isEmpty()) {
                lastDelivery = System.nanoTime();
                if (!progressRequestsOrdered.getAsBoolean()) {
                    answerProgress(); // at once: the watches waiting for a barrier may be past it now
                }
            }
        }
    }

    /** Under the dispatch lock: logs (once) a new change at or before the position a progress notification set. */
    private void reportOutOfOrder(long revision) {
        if (revision > lastChange && revision <= fanOut.position() && !outOfOrderReported) {
            outOfOrderReported = true;
            LOG.warning("etcd sent the change at revision " + revision + " after a progress notification at "
                    + fanOut.position() + "; watches may miss it (etcd-io/etcd#15220)");
        }
        lastChange = Math.max(lastChange, revision);
    }

    /**
     * The shared stream ended (etcd went away, or jetcd gave up on it). Unless history was compacted past
     * our position, it is reopened from the last delivered revision after a short pause, so watches see no
     * gap and no error; on compaction every watch gets EXPIRED.
     */
    private void streamFailed(Stream stream, Throwable error) {
        streamFailureHook.accept(error);
        if (!shared.compareAndSet(stream, null)) {
            return;
        }
        closeQuietly(stream);
        if (closed) {
            return;
        }
        StorageException failure = EtcdCalls.watchFailure(error, "", fanOut.position());
        if (failure.code() == Code.EXPIRED) {
            List<WatchSubscription> all;
            synchronized (fanOut.dispatchLock()) {
                all = fanOut.subscriptions();
                fanOut.moveTo(0);
            }
            all.forEach(subscription -> subscription.fail(failure));
            return;
        }
        reachability.observed(failure);
        LOG.log(Level.FINE, "etcd watch stream failed; reopening", error);
        reopenLater();
    }

    /**
     * A watch asked for prompt progress (hub thread): etcd answers on the shared stream, see {@link #dispatch}.
     * An etcd that may answer ahead of its events is not asked; the watches that asked are told the revision
     * up to which the shared stream has delivered instead (in order: dispatch runs on this thread too). When that
     * is below the highest current revision a reader read from etcd (a write outside the watched prefix, or one
     * on its way), they are told again at each delivery until the stream passes it, which a
     * {@link EtcdProgressBarrier barrier} brings when nothing else does.
     */
    private void requestProgress() {
        if (!progressRequestsOrdered.getAsBoolean()) {
            if (!answerProgress()) {
                barrier.request();
            }
            return;
        }
        Stream stream = shared.get();
        if (stream != null && stream.watcher != null) {
            stream.watcher.requestProgress();
        }
    }

    /**
     * For an etcd not asked for progress (hub thread): tells the watches that asked the revision the stream has
     * delivered; true when that is at or past the highest current revision read from etcd (they are done), else
     * they go on asking until the stream passes it.
     */
    private boolean answerProgress() {
        long position = fanOut.position();
        boolean passed = position >= revisionSeen.getAsLong();
        fanOut.advance(position, !passed);
        return passed;
    }

    private void reopenLater() {
        hub.later(REOPEN_MILLIS, this::reopen);
    }

    private void reopen() {
        long position = fanOut.position();
        if (!closed && shared.get() == null && position > 0) {
            open(position);
        }
    }

    private static void closeQuietly(Stream stream) {
        if (stream != null && stream.watcher != null) {
            try {
                stream.watcher.close();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing an etcd watch failed", e);
            }
        }
    }

    /**
     * Refuses new watches, closes the open ones and the shared stream, and stops the hub thread; waits for
     * nothing, so it returns at once whatever etcd or jetcd are doing.
     */
    @Override
    public void close() {
        closed = true;
        fanOut.close();
        closeQuietly(shared.getAndSet(null));
        hub.shutdown(); // a watch waiting for the stream to open fails at once
    }
}
