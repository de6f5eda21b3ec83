package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
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
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * All watches of one {@link EtcdStorage}: a single etcd watch stream over the watched prefix (the whole
 * keyspace if none; with previous values) feeds a {@link WatchFanOut}. A new watch catches up to the fan-out's position on its
 * own: the initial state read at that revision (a watch from 0) or a short-lived etcd watch replaying
 * history from an older revision.
 */
final class EtcdWatchHub implements AutoCloseable {

    private static final ByteSequence ALL_KEYS = ByteSequence.from(new byte[] {0});
    private static final int INITIAL_PAGE = 1000;

    private final Client client;
    private final Duration timeout;
    private final LongSupplier currentRevision;
    private final WatchFanOut fanOut;
    private final String watchedPrefix;
    private Watch.Watcher shared;

    EtcdWatchHub(Client client, Duration timeout, Duration progressInterval, LongSupplier currentRevision,
                 String watchedPrefix) {
        this.client = client;
        this.watchedPrefix = watchedPrefix;
        this.timeout = timeout;
        this.currentRevision = currentRevision;
        this.fanOut = new WatchFanOut("etcd-watch-progress", progressInterval, 100, "storage is closed", 0);
    }

    WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        if (!prefixOrKey.startsWith(watchedPrefix)) {
            throw new IllegalArgumentException("watch of " + prefixOrKey + " outside the watched prefix " + watchedPrefix);
        }
        long from = options.fromRevision();
        WatchSubscription subscription =
                fanOut.register(prefixOrKey, from, options.progressNotify(), listener, this::ensureShared);
        long join = subscription.joinRevision();
        if (from == 0) {
            deliverInitialState(subscription, join);
        } else if (from < join) {
            startCatchUp(subscription, from);
        }
        return subscription;
    }

    /** How many watches are open (for tests and metrics). */
    int size() {
        return fanOut.size();
    }

    private void deliverInitialState(WatchSubscription subscription, long revision) {
        String target = subscription.prefixOrKey();
        try {
            if (subscription.isPrefix()) {
                subscription.offerInitialList(revision, INITIAL_PAGE,
                        options -> EtcdList.list(client.getKVClient(), timeout, target, options, currentRevision));
            } else {
                KV kv = client.getKVClient();
                var response = EtcdCalls.await(kv.get(EtcdCalls.bytes(target),
                        GetOption.builder().withRevision(revision).build()), timeout, target);
                KeyValue found = EtcdGet.first(response);
                if (found != null) {
                    subscription.offerInitial(found);
                }
            }
            subscription.joinLive();
        } catch (StorageException e) {
            subscription.fail(e);
        }
    }

    private void startCatchUp(WatchSubscription subscription, long from) {
        String target = subscription.prefixOrKey();
        WatchOption.Builder option = WatchOption.builder()
                .withRevision(from + 1)
                .withPrevKV(true)
                .withProgressNotify(true);
        if (subscription.isPrefix()) {
            option.withRange(EtcdCalls.prefixEnd(target));
        }
        Watch.Watcher watcher = client.getWatchClient().watch(EtcdCalls.bytes(target), option.build(),
                Watch.listener(response -> onCatchUp(subscription, response),
                        error -> subscription.fail(watchError(error, target, from))));
        subscription.catchUpStarted(watcher::close);
    }

    /** A response of a catch-up watch: deliver history up to the join revision, then join the fan-out. */
    private static void onCatchUp(WatchSubscription subscription, WatchResponse response) {
        boolean reached = false;
        for (io.etcd.jetcd.watch.WatchEvent raw : response.getEvents()) {
            if (subscription.offerHistory(EtcdWatchEvents.convert(raw))) {
                reached = true;
                break;
            }
        }
        if (response.isProgressNotify() && response.getHeader().getRevision() >= subscription.joinRevision()) {
            reached = true;
        }
        if (reached) {
            subscription.joinLive();
        }
    }

    /** Starts the shared stream at the current revision (caller holds the dispatch lock). */
    private void ensureShared() {
        if (shared != null) {
            return;
        }
        // After a broken stream, resume where it stopped so open watches miss nothing.
        long start = fanOut.position() > 0 ? fanOut.position() : currentRevision.getAsLong();
        fanOut.moveTo(start);
        boolean all = watchedPrefix.isEmpty();
        shared = client.getWatchClient().watch(all ? ALL_KEYS : EtcdCalls.bytes(watchedPrefix), WatchOption.builder()
                        .withRange(all ? ALL_KEYS : EtcdCalls.prefixEnd(watchedPrefix))
                        .withRevision(start + 1)
                        .withPrevKV(true)
                        .withProgressNotify(true)
                        .build(),
                Watch.listener(this::dispatch, this::sharedFailed));
    }

    private void dispatch(WatchResponse response) {
        synchronized (fanOut.dispatchLock()) {
            for (io.etcd.jetcd.watch.WatchEvent raw : response.getEvents()) {
                fanOut.publish(EtcdWatchEvents.convert(raw));
            }
            if (response.isProgressNotify()) {
                fanOut.advance(response.getHeader().getRevision());
            }
        }
    }

    /**
     * The shared stream ended (jetcd gave up on it, e.g. after etcd was down for a while). Unless history
     * was compacted past our position, it is reopened from the last delivered revision after a short pause,
     * so watches see no gap and no error; on compaction every watch gets EXPIRED.
     */
    private void sharedFailed(Throwable error) {
        StorageException failure = watchError(error, "", fanOut.position());
        List<WatchSubscription> all = List.of();
        synchronized (fanOut.dispatchLock()) {
            if (shared != null) {
                shared.close();
                shared = null;
            }
            if (fanOut.isClosed()) {
                return;
            }
            if (failure.code() == Code.EXPIRED) {
                all = fanOut.subscriptions();
                fanOut.moveTo(0);
            }
        }
        if (!all.isEmpty()) {
            all.forEach(subscription -> subscription.fail(failure));
            return;
        }
        fanOut.schedule(this::reopenShared, 1, TimeUnit.SECONDS);
    }

    private void reopenShared() {
        synchronized (fanOut.dispatchLock()) {
            if (fanOut.isClosed() || shared != null || fanOut.size() == 0 && fanOut.position() == 0) {
                return;
            }
            try {
                ensureShared();
            } catch (RuntimeException e) {
                fanOut.schedule(this::reopenShared, 1, TimeUnit.SECONDS);
            }
        }
    }

    static StorageException watchError(Throwable error, String key, long from) {
        if (error instanceof CompactedException compacted) {
            return new StorageException(Code.EXPIRED, key,
                    "too old resource version: " + from + " (" + compacted.getCompactedRevision() + ")", error);
        }
        StorageException translated = EtcdCalls.translate(error, key);
        if (translated.code() == Code.EXPIRED) {
            return new StorageException(Code.EXPIRED, key, "too old resource version: " + from, error);
        }
        return translated;
    }

    @Override
    public void close() {
        fanOut.close();
        synchronized (fanOut.dispatchLock()) {
            if (shared != null) {
                shared.close();
                shared = null;
            }
        }
    }
}
