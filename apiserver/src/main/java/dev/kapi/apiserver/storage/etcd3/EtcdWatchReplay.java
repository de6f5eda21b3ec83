package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchSubscription;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What a new watch of the {@link EtcdWatchHub} reads before it joins the shared stream at its join
 * revision: the state at that revision (a watch from 0), read on the caller's thread, or the history after
 * an older revision, replayed by a short-lived etcd watch of its own. That watch's callbacks are handed to
 * the hub's thread ({@code handOff}) like the shared stream's, and so is closing it, since the subscription
 * may ask for that while holding its lock.
 *
 * <p>A replay joins live when it reads a change past the join revision, or a progress notification at or past
 * it. A quiet prefix has no such change, and etcd's own notifications are minutes apart, so:
 * <ul>
 *   <li>an etcd that answers progress requests in order with its events (3.4.31, 3.5.13 and later) is asked
 *       for progress until the replay joins;</li>
 *   <li>an older etcd answers a progress request at once with its current revision, ahead of the history the
 *       watch still has to send (etcd-io/etcd#15220), so it is never asked: a short replay (at most
 *       {@link #WIDE_REPLAY_REVISIONS} revisions behind) reads the changes of the whole watched prefix and
 *       keeps those of its own keys, so the next change anywhere (Kapi's leases renew every few seconds)
 *       proves it passed the join revision; a longer one reads only its own keys, and joins at its next
 *       change there.</li>
 * </ul>
 */
final class EtcdWatchReplay {

    private static final int INITIAL_PAGE = 1000;
    /** The first and the longest pause between the progress requests of a replay that has not joined yet. */
    private static final long FIRST_ASK_MILLIS = 100;
    private static final long LONGEST_ASK_MILLIS = 2000;
    /** How far behind the join revision a replay may start and still read the whole watched prefix. */
    static final long WIDE_REPLAY_REVISIONS = 10_000;

    /** Runs work on the hub's thread after a pause (nothing when the hub is closed). */
    interface Later {
        void run(long millis, Runnable work);
    }

    private final Client client;
    private final Duration timeout;
    private final LongSupplier currentRevision;
    private final EtcdReachability reachability;
    private final Executor handOff;
    private final Later later;
    private final BooleanSupplier closed;
    private final String watchedPrefix;
    private final BooleanSupplier progressRequestsOrdered;

    /**
     * @param watchedPrefix           the prefix the shared stream watches ("" for every key)
     * @param progressRequestsOrdered whether etcd answers progress requests in order with its events
     */
    EtcdWatchReplay(Client client, Duration timeout, LongSupplier currentRevision, EtcdReachability reachability,
                    Executor handOff, Later later, BooleanSupplier closed, String watchedPrefix,
                    BooleanSupplier progressRequestsOrdered) {
        this.client = client;
        this.timeout = timeout;
        this.currentRevision = currentRevision;
        this.reachability = reachability;
        this.handOff = handOff;
        this.later = later;
        this.closed = closed;
        this.watchedPrefix = watchedPrefix;
        this.progressRequestsOrdered = progressRequestsOrdered;
    }

    /** Offers every entry at {@code revision} as ADDED, then joins the subscription live. */
    void initialState(WatchSubscription subscription, long revision) {
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
            reachability.answered();
            subscription.joinLive();
        } catch (StorageException e) {
            reachability.observed(e);
            subscription.fail(e);
        }
    }

    /** Replays every change after {@code from} until the join revision, then joins the subscription live. */
    void history(WatchSubscription subscription, long from) {
        String target = subscription.prefixOrKey();
        boolean ask = progressRequestsOrdered.getAsBoolean();
        boolean wide = !ask && subscription.joinRevision() - from <= WIDE_REPLAY_REVISIONS;
        String watched = wide ? watchedPrefix : target;
        ByteSequence targetBytes = EtcdCalls.bytes(target);
        WatchOption.Builder option = WatchOption.builder()
                .withRevision(from + 1)
                .withPrevKV(true)
                .withProgressNotify(true);
        if (watched.isEmpty()) {
            option.withRange(EtcdWatchHub.ALL_KEYS);
        } else if (wide || subscription.isPrefix()) {
            option.withRange(EtcdCalls.prefixEnd(watched));
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Watch.Watcher watcher;
        try {
            watcher = client.getWatchClient().watch(watched.isEmpty() ? EtcdWatchHub.ALL_KEYS
                            : EtcdCalls.bytes(watched), option.build(),
                    Watch.listener(response -> handOff.execute(() -> onResponse(subscription, targetBytes, response)),
                            error -> handOff.execute(() ->
                                    subscription.fail(EtcdCalls.watchFailure(error, target, from))),
                            () -> handOff.execute(() -> {
                                if (!stopped.get()) {
                                    subscription.fail(new StorageException(Code.UNREACHABLE, target,
                                            "etcd ended the watch stream"));
                                }
                            })));
        } catch (RuntimeException e) {
            subscription.fail(closed.getAsBoolean() ? new StorageException(Code.INTERNAL, target, "storage is closed")
                    : EtcdCalls.translate(e, target));
            return;
        }
        subscription.catchUpStarted(() -> {
            stopped.set(true);
            handOff.execute(watcher::close);
        });
        if (ask) {
            askProgress(watcher, stopped, FIRST_ASK_MILLIS);
        }
    }

    /** Asks the replaying watch for progress after {@code millis}, and again less often, until it joined. */
    private void askProgress(Watch.Watcher watcher, AtomicBoolean stopped, long millis) {
        later.run(millis, () -> {
            if (stopped.get() || closed.getAsBoolean()) {
                return;
            }
            watcher.requestProgress();
            askProgress(watcher, stopped, Math.min(LONGEST_ASK_MILLIS, millis * 2));
        });
    }

    /**
     * A response of a replaying watch: deliver the subscription's history up to the join revision, then join the
     * fan-out (a wide replay's changes to other keys only tell how far it has read).
     */
    private static void onResponse(WatchSubscription subscription, ByteSequence target, WatchResponse response) {
        boolean reached = false;
        List<io.etcd.jetcd.watch.WatchEvent> events = response.getEvents();
        for (int i = 0; i < events.size(); i++) {
            io.etcd.jetcd.watch.WatchEvent raw = events.get(i);
            if (raw.getKeyValue().getModRevision() > subscription.joinRevision()) {
                reached = true;
                break;
            }
            ByteSequence key = raw.getKeyValue().getKey();
            if ((subscription.isPrefix() ? key.startsWith(target) : key.equals(target))
                    && subscription.offerHistory(EtcdWatchEvents.convert(events, i))) {
                reached = true;
                break;
            }
        }
        subscription.historyResponseEnded();
        if (response.isProgressNotify() && response.getHeader().getRevision() >= subscription.joinRevision()) {
            reached = true;
        }
        if (reached) {
            subscription.joinLive();
        }
    }
}
