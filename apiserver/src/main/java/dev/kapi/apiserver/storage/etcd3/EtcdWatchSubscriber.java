package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch, fed by the {@link EtcdWatchHub}'s shared stream. While it catches up (initial state for a
 * watch from 0, or history from an older revision through a short-lived etcd watch) the shared stream's
 * events for it are buffered; once everything up to the join revision is delivered it flushes the
 * buffer and goes live. {@code lastRevision} filters out anything already delivered, so each event
 * arrives exactly once and in order. An idle live subscriber is just this object: no thread, no stream.
 */
final class EtcdWatchSubscriber implements WatchHandle {

    private static final Logger LOG = Logger.getLogger(EtcdWatchSubscriber.class.getName());

    enum State { CATCHING_UP, LIVE, CLOSED }

    private final EtcdWatchHub hub;
    final String prefixOrKey;
    final boolean progressNotify;
    private final WatchListener listener;
    private State state = State.CATCHING_UP;
    private long lastRevision;
    private long joinRevision;
    private long lastDeliveryNanos = System.nanoTime();
    private List<WatchEvent> buffer;
    private Watch.Watcher catchUp;

    EtcdWatchSubscriber(EtcdWatchHub hub, String prefixOrKey, boolean progressNotify, WatchListener listener) {
        this.hub = hub;
        this.prefixOrKey = prefixOrKey;
        this.progressNotify = progressNotify;
        this.listener = listener;
    }

    boolean isPrefix() {
        return prefixOrKey.endsWith("/");
    }

    /** Called by the hub (under its lock) when registering: live right away or catching up to {@code join}. */
    synchronized void registered(long fromRevision, long join, boolean live) {
        this.joinRevision = join;
        this.lastRevision = fromRevision;
        this.state = live ? State.LIVE : State.CATCHING_UP;
    }

    /** An event of the shared stream for this subscriber's keys (called under the hub lock, in order). */
    synchronized void offer(WatchEvent event) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CATCHING_UP) {
            if (buffer == null) {
                buffer = new ArrayList<>();
            }
            buffer.add(event);
        } else if (event.revision() > lastRevision) {
            deliver(event);
        }
    }

    /** An initial-state entry (watch from 0), delivered while catching up. */
    synchronized void offerInitial(WatchEvent added) {
        if (state == State.CATCHING_UP) {
            send(added);
        }
    }

    /** Everything up to the join revision was delivered: flush the buffer and go live. */
    void joinLive() {
        Watch.Watcher finished;
        synchronized (this) {
            if (state != State.CATCHING_UP) {
                return;
            }
            state = State.LIVE;
            lastRevision = Math.max(lastRevision, joinRevision);
            if (buffer != null) {
                for (WatchEvent event : buffer) {
                    if (event.revision() > lastRevision) {
                        deliver(event);
                    }
                }
                buffer = null;
            }
            finished = catchUp;
            catchUp = null;
        }
        if (finished != null) {
            finished.close();
        }
    }

    /** Sets the etcd watch replaying history; closes it at once when catching up already ended. */
    void catchUpStarted(Watch.Watcher watcher) {
        synchronized (this) {
            if (state == State.CATCHING_UP) {
                catchUp = watcher;
                return;
            }
        }
        watcher.close();
    }

    /** A response of the catch-up watch: deliver history up to the join revision, then join the hub. */
    void onCatchUp(WatchResponse response) {
        boolean reached = false;
        synchronized (this) {
            if (state != State.CATCHING_UP) {
                return;
            }
            for (io.etcd.jetcd.watch.WatchEvent raw : response.getEvents()) {
                WatchEvent event = EtcdWatchEvents.convert(raw);
                if (event.revision() > joinRevision) {
                    reached = true;
                    break;
                }
                if (event.revision() > lastRevision) {
                    deliver(event);
                }
            }
            if (response.isProgressNotify() && response.getHeader().getRevision() >= joinRevision) {
                reached = true;
            }
        }
        if (reached) {
            joinLive();
        }
    }

    /** Sends PROGRESS when nothing was sent for {@code intervalNanos} (called under the hub lock). */
    synchronized void tick(long hubPosition, long nowNanos, long intervalNanos) {
        if (state == State.LIVE && nowNanos - lastDeliveryNanos >= intervalNanos) {
            lastRevision = Math.max(lastRevision, hubPosition);
            send(WatchEvent.progress(lastRevision));
        }
    }

    /** Ends the watch with one ERROR event. */
    void fail(StorageException error) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            send(WatchEvent.error(error));
        }
        close();
    }

    @Override
    public void close() {
        Watch.Watcher finished;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            buffer = null;
            finished = catchUp;
            catchUp = null;
        }
        hub.remove(this);
        if (finished != null) {
            finished.close();
        }
    }

    synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    private void deliver(WatchEvent event) {
        lastRevision = event.revision();
        send(event);
    }

    private void send(WatchEvent event) {
        lastDeliveryNanos = System.nanoTime();
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch listener of " + prefixOrKey + " failed", e);
        }
    }
}
