package dev.kapi.apiserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch of a {@link WatchFanOut}. It is registered at the fan-out's position (the join revision);
 * while it catches up to it (initial state for a watch from 0, or history after an older revision, read
 * by the backend) the live events for it are buffered; once everything up to the join revision is
 * delivered ({@link #joinLive}) it flushes the buffer and goes live. {@code lastRevision} filters out
 * anything already delivered, so each event arrives exactly once and in order. An idle live subscription
 * is just this object: no thread, no stream.
 *
 * <p>Its monitor is lock 3 of {@link WatchFanOut}'s order: taken after the dispatch lock (live events,
 * ticks) or alone (catch-up, close), and held while its listener runs so that events arrive in order.
 */
public final class WatchSubscription implements WatchHandle {

    private static final Logger LOG = Logger.getLogger(WatchSubscription.class.getName());

    private enum State { CATCHING_UP, LIVE, CLOSED }

    private final WatchFanOut fanOut;
    private final String prefixOrKey;
    final boolean progressNotify;
    private final WatchListener listener;
    private State state = State.CATCHING_UP;
    private long lastRevision;
    private long joinRevision;
    private long lastDeliveryNanos = System.nanoTime();
    private List<WatchEvent> buffer;
    private Runnable stopCatchUp;

    WatchSubscription(WatchFanOut fanOut, String prefixOrKey, boolean progressNotify, WatchListener listener) {
        this.fanOut = fanOut;
        this.prefixOrKey = prefixOrKey;
        this.progressNotify = progressNotify;
        this.listener = listener;
    }

    /** The watched prefix (ending in {@code /}) or exact key. */
    public String prefixOrKey() {
        return prefixOrKey;
    }

    /** Whether this watches every key under a prefix rather than one key. */
    public boolean isPrefix() {
        return prefixOrKey.endsWith("/");
    }

    /** The revision up to which the backend must deliver before {@link #joinLive}. */
    public synchronized long joinRevision() {
        return joinRevision;
    }

    /** Called by the fan-out (under its lock) when registering: live right away or catching up to {@code join}. */
    synchronized void registered(long fromRevision, long join, boolean live) {
        this.joinRevision = join;
        this.lastRevision = fromRevision;
        this.state = live ? State.LIVE : State.CATCHING_UP;
    }

    /** A live event for this subscription's keys (called under the fan-out lock, in revision order). */
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

    /** An initial-state entry (watch from 0), delivered as ADDED while catching up. */
    public synchronized void offerInitial(KeyValue entry) {
        if (state == State.CATCHING_UP) {
            send(new WatchEvent(WatchEvent.Type.ADDED, entry, null, entry.modRevision(), null));
        }
    }

    /**
     * Offers the state of this prefix watch at {@code revision} as ADDED events, reading it page by page
     * with {@code list} (the first page at {@code revision}, later pages by continue token).
     */
    public void offerInitialList(long revision, int pageSize, Function<ListOptions, ListResult> list) {
        String token = null;
        do {
            ListResult page = list.apply(token != null ? ListOptions.continueFrom(token, pageSize)
                    : revision > 0 ? ListOptions.exact(revision, pageSize) : ListOptions.limit(pageSize));
            page.items().forEach(this::offerInitial);
            token = page.continueToken();
        } while (token != null && !isClosed());
    }

    /**
     * A change read from history (in revision order) while catching up: delivered when it is after the
     * last delivered revision and at most the join revision. Returns true when it lies beyond the join
     * revision, i.e. history has reached it and the backend should {@link #joinLive}.
     */
    public synchronized boolean offerHistory(WatchEvent event) {
        if (state != State.CATCHING_UP) {
            return false;
        }
        if (event.revision() > joinRevision) {
            return true;
        }
        if (event.revision() > lastRevision) {
            deliver(event);
        }
        return false;
    }

    /** Everything up to the join revision was delivered: flush the buffer, stop the catch-up, go live. */
    public void joinLive() {
        Runnable finished;
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
            finished = stopCatchUp;
            stopCatchUp = null;
        }
        if (finished != null) {
            finished.run();
        }
    }

    /**
     * Remembers how to stop the backend's catch-up reader (run when joining live or closing); runs it at
     * once when catching up already ended. {@code stop} may run with this subscription's lock held (a
     * listener closing its own watch), so it must only hand the stopping off: no backend call, no wait.
     */
    public void catchUpStarted(Runnable stop) {
        synchronized (this) {
            if (state == State.CATCHING_UP) {
                stopCatchUp = stop;
                return;
            }
        }
        stop.run();
    }

    /** Sends PROGRESS when nothing was sent for {@code intervalNanos} (called under the fan-out lock). */
    synchronized void tick(long position, long nowNanos, long intervalNanos) {
        if (state == State.LIVE && nowNanos - lastDeliveryNanos >= intervalNanos) {
            lastRevision = Math.max(lastRevision, position);
            send(WatchEvent.progress(lastRevision));
        }
    }

    /**
     * Asks the fan-out for a prompt PROGRESS (see {@link WatchHandle#requestProgress}); only a watch with
     * progressNotify receives it. Must not be called from this watch's own listener.
     */
    @Override
    public void requestProgress() {
        if (progressNotify) {
            fanOut.requestProgress(this);
        }
    }

    /** Sends PROGRESS at {@code position} now, when live (called under the fan-out lock). */
    synchronized void progressNow(long position) {
        if (state == State.LIVE) {
            lastRevision = Math.max(lastRevision, position);
            send(WatchEvent.progress(lastRevision));
        }
    }

    /** Ends the watch with one ERROR event. */
    public void fail(StorageException error) {
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
        Runnable finished;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            buffer = null;
            finished = stopCatchUp;
            stopCatchUp = null;
        }
        fanOut.remove(this);
        if (finished != null) {
            finished.run();
        }
    }

    /** Whether the watch ended (closed or failed). */
    public synchronized boolean isClosed() {
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
