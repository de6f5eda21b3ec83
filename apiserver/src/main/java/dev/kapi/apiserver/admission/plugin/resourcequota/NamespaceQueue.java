package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.AdmissionAttributes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * kube's quota evaluator queue, without threads of its own: the writes of a namespace waiting for a quota
 * decision are decided together, one batch at a time per namespace. The first waiter of an idle namespace
 * leads: it takes every waiter queued so far (itself included), has the {@link Decider} decide them, and
 * hands the lead to the first waiter queued meanwhile. So a burst of creates in one namespace costs one quota
 * write per batch rather than one per create, and writes of one namespace never race each other here.
 *
 * <p>Example: 25 creates arrive while a batch of 1 is being written; the next batch decides all 25 against
 * the quota as it is after the first, in the order they came, and writes the quota once.
 *
 * <p>A waiter not taken into a batch by its deadline leaves the queue and gets {@code timedOut}; one already
 * taken waits for its batch's decision.
 */
final class NamespaceQueue {

    /** One write waiting for its decision; {@link #refuse} or nothing (admitted) is set by the batch's leader. */
    static final class Waiter {
        final AdmissionAttributes attributes;
        final Evaluator evaluator;
        private final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        private RuntimeException error;

        Waiter(AdmissionAttributes attributes, Evaluator evaluator) {
            this.attributes = attributes;
            this.evaluator = evaluator;
        }

        void refuse(RuntimeException e) {
            error = e;
        }

        void admit() {
            error = null;
        }

        RuntimeException error() {
            return error;
        }
    }

    /** Decides every waiter of a batch (sets each one's outcome); may take until {@code deadlineNanos}. */
    @FunctionalInterface
    interface Decider {
        void decide(String namespace, List<Waiter> batch, long deadlineNanos);
    }

    private final Object lock = new Object();
    private final Map<String, List<Waiter>> queued = new HashMap<>();
    private final Set<String> leading = new HashSet<>();
    private final Decider decider;

    NamespaceQueue(Decider decider) {
        this.decider = decider;
    }

    /**
     * Queues the write and returns once it is decided: normally when admitted, by throwing its refusal
     * otherwise, or {@code timedOut} when no batch took it by {@code deadlineNanos}.
     */
    void await(String namespace, Waiter w, long deadlineNanos, Supplier<RuntimeException> timedOut) {
        boolean lead;
        synchronized (lock) {
            queued.computeIfAbsent(namespace, n -> new ArrayList<>()).add(w);
            lead = leading.add(namespace);
        }
        if (!lead) {
            lead = waitForTurn(namespace, w, deadlineNanos, timedOut);
        }
        if (lead) {
            runBatch(namespace, w, deadlineNanos);
        }
        if (w.error != null) {
            throw w.error;
        }
    }

    /** True when the waiter was handed the lead, false once a batch decided it. */
    private boolean waitForTurn(String namespace, Waiter w, long deadlineNanos, Supplier<RuntimeException> timedOut) {
        try {
            return w.turn.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            leaveIfWaiting(namespace, w, timedOut);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            leaveIfWaiting(namespace, w, timedOut);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return w.turn.join(); // given the lead, or in a batch being decided: its outcome comes
    }

    /** Leaves the queue with {@code timedOut} unless the waiter was given the lead or taken into a batch. */
    private void leaveIfWaiting(String namespace, Waiter w, Supplier<RuntimeException> timedOut) {
        synchronized (lock) {
            List<Waiter> waiting = queued.get(namespace);
            if (!w.turn.isDone() && waiting != null && waiting.remove(w)) {
                throw timedOut.get(); // never taken: nothing was charged for it
            }
        }
    }

    /** How many writes of the namespace wait to be taken into a batch (for tests). */
    int waiting(String namespace) {
        synchronized (lock) {
            List<Waiter> waiting = queued.get(namespace);
            return waiting == null ? 0 : waiting.size();
        }
    }

    private void runBatch(String namespace, Waiter leader, long deadlineNanos) {
        List<Waiter> batch;
        synchronized (lock) {
            batch = queued.remove(namespace);
        }
        if (batch == null) {
            batch = new ArrayList<>();
        }
        if (!batch.contains(leader)) {
            batch.add(0, leader);
        }
        try {
            decider.decide(namespace, batch, deadlineNanos);
        } catch (RuntimeException e) {
            batch.forEach(x -> x.refuse(e));
        } finally {
            synchronized (lock) {
                List<Waiter> next = queued.get(namespace);
                if (next == null || next.isEmpty()) {
                    queued.remove(namespace);
                    leading.remove(namespace);
                } else {
                    next.get(0).turn.complete(Boolean.TRUE);
                }
            }
            for (Waiter x : batch) {
                if (x != leader) {
                    x.turn.complete(Boolean.FALSE);
                }
            }
        }
    }
}
