package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * All watches of one {@link EtcdStorage}, served from a single etcd watch stream over the whole keyspace
 * (with previous values) fanned out in-process by key: a subscriber is found by looking up the event's
 * key and each of its {@code /}-ending prefixes, so dispatch costs a few map lookups per event however
 * many watches are open. {@code position} is the revision up to which every event has been dispatched;
 * a new subscriber is registered at that position under the dispatch lock and catches up to it on its
 * own (see {@link EtcdWatchSubscriber}). One daemon thread sends PROGRESS events to quiet watches.
 */
final class EtcdWatchHub implements AutoCloseable {

    private static final ByteSequence ALL_KEYS = ByteSequence.from(new byte[] {0});
    private static final long INITIAL_PAGE = 1000;

    private final Client client;
    private final Duration timeout;
    private final long progressNanos;
    private final LongSupplier currentRevision;
    private final Object dispatchLock = new Object();
    private final Map<String, Set<EtcdWatchSubscriber>> index = new ConcurrentHashMap<>();
    private final Set<EtcdWatchSubscriber> progressSubscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private Watch.Watcher shared;
    private long position;
    private boolean closed;

    EtcdWatchHub(Client client, Duration timeout, Duration progressInterval, LongSupplier currentRevision) {
        this.client = client;
        this.timeout = timeout;
        this.progressNanos = progressInterval.toNanos();
        this.currentRevision = currentRevision;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-watch-progress");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(100, progressInterval.toMillis() / 5);
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        if (prefixOrKey == null || prefixOrKey.isEmpty()) {
            throw new IllegalArgumentException("a watch needs a prefix ending in / or a key");
        }
        EtcdWatchSubscriber subscriber =
                new EtcdWatchSubscriber(this, prefixOrKey, options.progressNotify(), listener);
        long from = options.fromRevision();
        long join;
        synchronized (dispatchLock) {
            if (closed) {
                throw new StorageException(Code.INTERNAL, prefixOrKey, "storage is closed");
            }
            ensureShared();
            join = position;
            subscriber.registered(from, join, from > 0 && from >= join);
            index.compute(prefixOrKey, (k, set) -> {
                Set<EtcdWatchSubscriber> subscribers = set == null ? ConcurrentHashMap.newKeySet() : set;
                subscribers.add(subscriber);
                return subscribers;
            });
            if (subscriber.progressNotify) {
                progressSubscribers.add(subscriber);
            }
        }
        if (from == 0) {
            deliverInitialState(subscriber, join);
        } else if (from < join) {
            startCatchUp(subscriber, from);
        }
        return subscriber;
    }

    void remove(EtcdWatchSubscriber subscriber) {
        progressSubscribers.remove(subscriber);
        index.computeIfPresent(subscriber.prefixOrKey, (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many watches are open (for tests and metrics). */
    int size() {
        return index.values().stream().mapToInt(Set::size).sum();
    }

    private void deliverInitialState(EtcdWatchSubscriber subscriber, long revision) {
        try {
            if (subscriber.isPrefix()) {
                String token = null;
                do {
                    ListResult page = EtcdList.list(client.getKVClient(), timeout, subscriber.prefixOrKey,
                            new ListOptions(token == null ? revision : 0, INITIAL_PAGE, token), currentRevision);
                    page.items().forEach(kv -> subscriber.offerInitial(EtcdWatchEvents.added(kv)));
                    token = page.continueToken();
                } while (token != null && !subscriber.isClosed());
            } else {
                KV kv = client.getKVClient();
                var response = EtcdCalls.await(kv.get(EtcdCalls.bytes(subscriber.prefixOrKey),
                        GetOption.builder().withRevision(revision).build()), timeout, subscriber.prefixOrKey);
                KeyValue found = EtcdGet.first(response);
                if (found != null) {
                    subscriber.offerInitial(EtcdWatchEvents.added(found));
                }
            }
            subscriber.joinLive();
        } catch (StorageException e) {
            subscriber.fail(e);
        }
    }

    private void startCatchUp(EtcdWatchSubscriber subscriber, long from) {
        WatchOption.Builder option = WatchOption.builder()
                .withRevision(from + 1)
                .withPrevKV(true)
                .withProgressNotify(true);
        if (subscriber.isPrefix()) {
            option.withRange(EtcdCalls.prefixEnd(subscriber.prefixOrKey));
        }
        Watch.Watcher watcher = client.getWatchClient().watch(EtcdCalls.bytes(subscriber.prefixOrKey),
                option.build(), Watch.listener(subscriber::onCatchUp,
                        error -> subscriber.fail(watchError(error, subscriber.prefixOrKey, from))));
        subscriber.catchUpStarted(watcher);
    }

    /** Starts the shared stream at the current revision (caller holds the dispatch lock). */
    private void ensureShared() {
        if (shared != null) {
            return;
        }
        // After a broken stream, resume where it stopped so open subscribers miss nothing.
        long start = position > 0 ? position : currentRevision.getAsLong();
        position = start;
        shared = client.getWatchClient().watch(ALL_KEYS, WatchOption.builder()
                        .withRange(ALL_KEYS)
                        .withRevision(start + 1)
                        .withPrevKV(true)
                        .withProgressNotify(true)
                        .build(),
                Watch.listener(this::dispatch, this::sharedFailed));
    }

    private void dispatch(WatchResponse response) {
        synchronized (dispatchLock) {
            for (io.etcd.jetcd.watch.WatchEvent raw : response.getEvents()) {
                WatchEvent event = EtcdWatchEvents.convert(raw);
                String key = event.current().key();
                offer(key, event);
                for (int i = key.indexOf('/'); i >= 0 && i < key.length() - 1; i = key.indexOf('/', i + 1)) {
                    offer(key.substring(0, i + 1), event);
                }
                position = Math.max(position, event.revision());
            }
            if (response.isProgressNotify()) {
                position = Math.max(position, response.getHeader().getRevision());
            }
        }
    }

    private void offer(String prefixOrKey, WatchEvent event) {
        Set<EtcdWatchSubscriber> subscribers = index.get(prefixOrKey);
        if (subscribers != null) {
            for (EtcdWatchSubscriber subscriber : subscribers) {
                subscriber.offer(event);
            }
        }
    }

    /**
     * The shared stream ended (jetcd gave up on it, e.g. after etcd was down for a while). Unless history
     * was compacted past our position, it is reopened from the last delivered revision after a short pause,
     * so subscribers see no gap and no error; on compaction every subscriber gets EXPIRED.
     */
    private void sharedFailed(Throwable error) {
        StorageException failure = watchError(error, "", position);
        List<EtcdWatchSubscriber> all = List.of();
        synchronized (dispatchLock) {
            if (shared != null) {
                shared.close();
                shared = null;
            }
            if (closed) {
                return;
            }
            if (failure.code() == Code.EXPIRED) {
                all = index.values().stream().flatMap(Set::stream).toList();
                position = 0;
            }
        }
        if (!all.isEmpty()) {
            all.forEach(subscriber -> subscriber.fail(failure));
            return;
        }
        ticker.schedule(this::reopenShared, 1, TimeUnit.SECONDS);
    }

    private void reopenShared() {
        synchronized (dispatchLock) {
            if (closed || shared != null || index.isEmpty() && position == 0) {
                return;
            }
            try {
                ensureShared();
            } catch (RuntimeException e) {
                ticker.schedule(this::reopenShared, 1, TimeUnit.SECONDS);
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        synchronized (dispatchLock) {
            for (EtcdWatchSubscriber subscriber : progressSubscribers) {
                subscriber.tick(position, now, progressNanos);
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
        List<EtcdWatchSubscriber> all;
        synchronized (dispatchLock) {
            closed = true;
            if (shared != null) {
                shared.close();
                shared = null;
            }
            all = index.values().stream().flatMap(Set::stream).toList();
        }
        all.forEach(EtcdWatchSubscriber::close);
        ticker.shutdownNow();
    }
}
