package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.StorageException.Code;
import dev.kapi.apiserver.storage.WatchSubscription;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
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
 * it. A quiet prefix has no such change, and etcd's own notifications are minutes apart, so the replay asks
 * its watch for progress until it joins (etcd answers only once the watch has sent the history it had to
 * catch up on). That is safe even on an etcd that may answer a progress request ahead of its events (before
 * 3.4.31 and 3.5.13, see EtcdProgressSupport): the join revision is one the shared stream had already
 * received when the replay started, so every change up to it was sent to the replay's watch before it can
 * answer.
 */
final class EtcdWatchReplay {

    private static final int INITIAL_PAGE = 1000;
    /** The first and the longest pause between the progress requests of a replay that has not joined yet. */
    private static final long FIRST_ASK_MILLIS = 100;
    private static final long LONGEST_ASK_MILLIS = 2000;

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

    EtcdWatchReplay(Client client, Duration timeout, LongSupplier currentRevision, EtcdReachability reachability,
                    Executor handOff, Later later, BooleanSupplier closed) {
        this.client = client;
        this.timeout = timeout;
        this.currentRevision = currentRevision;
        this.reachability = reachability;
        this.handOff = handOff;
        this.later = later;
        this.closed = closed;
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
        WatchOption.Builder option = WatchOption.builder()
                .withRevision(from + 1)
                .withPrevKV(true)
                .withProgressNotify(true);
        if (subscription.isPrefix()) {
            option.withRange(EtcdCalls.prefixEnd(target));
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Watch.Watcher watcher;
        try {
            watcher = client.getWatchClient().watch(EtcdCalls.bytes(target), option.build(),
                    Watch.listener(response -> handOff.execute(() -> onResponse(subscription, response)),
                            error -> handOff.execute(() ->
                                    subscription.fail(EtcdWatchHub.watchError(error, target, from))),
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
        askProgress(watcher, stopped, FIRST_ASK_MILLIS);
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

    /** A response of a replaying watch: deliver history up to the join revision, then join the fan-out. */
    private static void onResponse(WatchSubscription subscription, WatchResponse response) {
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
}
