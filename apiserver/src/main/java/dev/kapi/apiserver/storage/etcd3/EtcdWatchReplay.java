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
 */
final class EtcdWatchReplay {

    private static final int INITIAL_PAGE = 1000;

    private final Client client;
    private final Duration timeout;
    private final LongSupplier currentRevision;
    private final EtcdReachability reachability;
    private final Executor handOff;
    private final BooleanSupplier closed;

    EtcdWatchReplay(Client client, Duration timeout, LongSupplier currentRevision, EtcdReachability reachability,
                    Executor handOff, BooleanSupplier closed) {
        this.client = client;
        this.timeout = timeout;
        this.currentRevision = currentRevision;
        this.reachability = reachability;
        this.handOff = handOff;
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
