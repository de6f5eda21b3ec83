package dev.kapi.apiserver.controllers.batch;

import io.fabric8.kubernetes.api.model.Pod;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The pod writes a controller made that its informer has not shown yet (kube's ControllerExpectations and
 * UIDTrackingControllerExpectations, by uid): a created pod to be seen, a deleted one to be seen deleting or
 * gone, one whose tracking finalizer was removed to be seen without it. A job whose writes are not all seen is
 * not synced again (its pod list would be stale and it would create or count twice); an expectation not met
 * within {@link #TIMEOUT} is dropped, as kube's do after five minutes.
 *
 * <p>The write is recorded after it returns, then checked against the cache, which the informer fills before
 * it calls its handlers: an event that came first is not missed.
 */
final class Expectations {

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    enum Kind { CREATED, DELETED, FINALIZER_REMOVED }

    private record Pending(Kind kind, long sinceNanos) {
    }

    private final Map<String, Map<String, Pending>> byJob = new HashMap<>();

    /** Records a write to pod {@code uid} of job {@code key}, unless {@code cached} already shows it done. */
    synchronized void expect(String key, String uid, Kind kind, Pod cached) {
        if (!done(kind, cached, uid)) {
            byJob.computeIfAbsent(key, k -> new HashMap<>()).put(uid, new Pending(kind, System.nanoTime()));
        }
    }

    /** The informer shows {@code pod} of job {@code key}, or (null) that it was deleted. */
    synchronized void observed(String key, String uid, Pod pod) {
        Map<String, Pending> pending = byJob.get(key);
        if (pending == null) {
            return;
        }
        Pending p = pending.get(uid);
        if (p != null && (pod == null || done(p.kind(), pod, uid))) {
            pending.remove(uid);
        }
        if (pending.isEmpty()) {
            byJob.remove(key);
        }
    }

    /** Whether every write for the job was seen (those older than {@link #TIMEOUT} are dropped). */
    synchronized boolean satisfied(String key) {
        Map<String, Pending> pending = byJob.get(key);
        if (pending == null) {
            return true;
        }
        long now = System.nanoTime();
        pending.values().removeIf(p -> now - p.sinceNanos() > TIMEOUT.toNanos());
        if (pending.isEmpty()) {
            byJob.remove(key);
            return true;
        }
        return false;
    }

    /** Whether a finalizer removal of this pod is still to be seen (its pod must not be counted twice). */
    synchronized boolean finalizerRemovalPending(String key, String uid) {
        Map<String, Pending> pending = byJob.get(key);
        Pending p = pending == null ? null : pending.get(uid);
        return p != null && p.kind() == Kind.FINALIZER_REMOVED;
    }

    synchronized void forget(String key) {
        byJob.remove(key);
    }

    private static boolean done(Kind kind, Pod pod, String uid) {
        if (pod != null && !uid.equals(pod.getMetadata().getUid())) {
            pod = null; // a namesake: the expected pod is gone
        }
        return switch (kind) {
            case CREATED -> pod != null;
            case DELETED -> pod == null || Owners.deleting(pod);
            case FINALIZER_REMOVED -> pod == null || !JobPods.hasTrackingFinalizer(pod);
        };
    }
}
