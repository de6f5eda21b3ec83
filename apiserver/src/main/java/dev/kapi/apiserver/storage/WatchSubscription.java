package dev.kapi.apiserver.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One watch of a {@link WatchFanOut}. It is registered at the fan-out's position (the join revision);
 * while it catches up to it (initial state for a watch from 0, or history after an older revision, read
 * by the backend) the live events for it are buffered; once everything up to the join revision is
 * delivered ({@link #joinLive}) it flushes the buffer and goes live. {@code lastRevision} and the keys delivered
 * at it filter out anything already delivered, so each event arrives exactly once and in order (an etcd
 * transaction that wrote several keys gives several events of one revision). An idle live subscription is just
 * this object: no thread, no stream.
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
    /**
     * The key of the last delivered change when further changes of {@code lastRevision} may follow (one etcd
     * transaction of several keys); null when every change up to {@code lastRevision} counts as delivered.
     */
    private String lastKey;
    /** Further keys delivered at {@code lastRevision} (a transaction of three or more keys of this watch). */
    private Set<String> moreKeys;
    /** The last delivered change said more of its revision would follow, and nothing was sent since. */
    private boolean revisionOpen;
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
        } else if (isNew(event)) {
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
        if (isNew(event)) {
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
            passed(joinRevision);
            if (buffer != null) {
                for (WatchEvent event : buffer) {
                    if (isNew(event)) {
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
            passed(position);
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
            passed(position);
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

    /** Whether a change was not delivered yet: after the last delivered revision, or another key of it. */
    private boolean isNew(WatchEvent event) {
        long revision = event.revision();
        if (revision != lastRevision) {
            return revision > lastRevision;
        }
        if (lastKey == null) {
            return false;
        }
        String key = event.current().key();
        return !key.equals(lastKey) && (moreKeys == null || !moreKeys.contains(key));
    }

    private void deliver(WatchEvent event) {
        String key = event.current().key();
        if (event.revision() != lastRevision) {
            lastRevision = event.revision();
            lastKey = key;
            moreKeys = null;
        } else {
            if (moreKeys == null) {
                moreKeys = new HashSet<>();
            }
            moreKeys.add(key);
        }
        revisionOpen = event.moreAtRevision() && progressNotify;
        if (revisionOpen && state == State.LIVE) {
            fanOut.revisionOpened(this);
        }
        send(event);
    }

    /**
     * Every change of the last delivered revision has been offered (the fan-out's {@link WatchFanOut#revisionsEnded},
     * under its dispatch lock): when the last change said more would follow, none of which were this watch's,
     * a watch that hears progress gets PROGRESS at that revision.
     */
    synchronized void revisionEnded() {
        if (state == State.LIVE) {
            endOpenRevision();
        }
    }

    /**
     * The same for history while catching up: the backend's replay calls it after each response it read (etcd
     * sends a revision's changes together), before it joins live.
     */
    public synchronized void historyResponseEnded() {
        if (state == State.CATCHING_UP) {
            endOpenRevision();
        }
    }

    private void endOpenRevision() {
        if (revisionOpen) { // only ever set for a watch that hears progress
            send(WatchEvent.progress(lastRevision));
        }
    }

    /** Every change up to {@code revision} counts as delivered (the join revision, the fan-out's position). */
    private void passed(long revision) {
        if (revision >= lastRevision) {
            lastRevision = revision;
            lastKey = null;
            moreKeys = null;
        }
    }

    private void send(WatchEvent event) {
        if (event.type() == WatchEvent.Type.PROGRESS) {
            revisionOpen = false; // progress covers the whole revision
        }
        lastDeliveryNanos = System.nanoTime();
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch listener of " + prefixOrKey + " failed", e);
        }
    }
}
