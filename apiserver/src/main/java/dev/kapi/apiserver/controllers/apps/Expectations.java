package dev.kapi.apiserver.controllers.apps;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code UIDTrackingControllerExpectations}, small: what a controller has just asked for and not yet
 * seen in its informer. Before creating n pods it expects n creations, before deleting pods it expects the
 * deletion of those pods (by key); its pod handlers lower the counts as the informer reports the pods. While
 * anything is expected the controller does not compute a new diff (it would count the same pods twice and
 * over-create), unless the expectations are older than {@link #TIMEOUT} (a lost event must not block the
 * controller for good). A failed create or delete lowers the expectation at once.
 *
 * <p>Example: {@code expectCreations("ns/rs", 2)} makes {@code satisfied("ns/rs")} false until
 * {@code creationObserved("ns/rs")} was called twice.
 */
final class Expectations {

    /** kube's {@code ExpectationsTimeout}. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final class Pending {
        int adds;
        final Set<String> deletes = new HashSet<>();
        final long since = System.nanoTime();
    }

    private final Map<String, Pending> pending = new HashMap<>();

    /** True when nothing is expected for the key (or what was expected is too old to wait for). */
    synchronized boolean satisfied(String key) {
        Pending p = pending.get(key);
        if (p == null) {
            return true;
        }
        if ((p.adds <= 0 && p.deletes.isEmpty()) || System.nanoTime() - p.since > TIMEOUT.toNanos()) {
            pending.remove(key);
            return true;
        }
        return false;
    }

    synchronized void expectCreations(String key, int adds) {
        Pending p = new Pending();
        p.adds = adds;
        pending.put(key, p);
    }

    synchronized void expectDeletions(String key, Set<String> podKeys) {
        Pending p = new Pending();
        p.deletes.addAll(podKeys);
        pending.put(key, p);
    }

    /** A pod of the controller was seen created, or a create failed. */
    synchronized void creationObserved(String key) {
        Pending p = pending.get(key);
        if (p != null) {
            p.adds--;
        }
    }

    /** The pod was seen deleted (or being deleted), or its delete failed. */
    synchronized void deletionObserved(String key, String podKey) {
        Pending p = pending.get(key);
        if (p != null) {
            p.deletes.remove(podKey);
        }
    }

    /** The controller is gone: nothing is expected of it. */
    synchronized void forget(String key) {
        pending.remove(key);
    }
}
