package dev.kapi.apiserver.storage.sqlite;

import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchEvent;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch, fed by the {@link SqliteWatchHub}. While it catches up (initial state for a watch from 0, or
 * history read from the table for an older revision) the live events for it are buffered; once everything
 * up to the join revision is delivered it flushes the buffer and goes live. {@code lastRevision} filters
 * out anything already delivered, so each event arrives exactly once and in order. An idle live
 * subscriber is just this object: no thread, no connection.
 */
final class SqliteWatchSubscriber implements WatchHandle {

    private static final Logger LOG = Logger.getLogger(SqliteWatchSubscriber.class.getName());

    enum State { CATCHING_UP, LIVE, CLOSED }

    private final SqliteWatchHub hub;
    final String prefixOrKey;
    final boolean progressNotify;
    private final WatchListener listener;
    private State state = State.CATCHING_UP;
    private long lastRevision;
    private long joinRevision;
    private long lastDeliveryNanos = System.nanoTime();
    private List<WatchEvent> buffer;

    SqliteWatchSubscriber(SqliteWatchHub hub, String prefixOrKey, boolean progressNotify, WatchListener listener) {
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

    /** A committed change under this subscriber's keys (called under the hub lock, in revision order). */
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

    /** A change read from history (in revision order), delivered while catching up up to the join revision. */
    synchronized void offerHistory(WatchEvent event) {
        if (state == State.CATCHING_UP && event.revision() > lastRevision && event.revision() <= joinRevision) {
            deliver(event);
        }
    }

    /** Everything up to the join revision was delivered: flush the buffer and go live. */
    synchronized void joinLive() {
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
    }

    /** The revision after which history is still needed (the last delivered one). */
    synchronized long lastRevision() {
        return lastRevision;
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
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            buffer = null;
        }
        hub.remove(this);
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
