package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * kube-apiserver's {@code rest.BeforeDelete} for types with graceful deletion (pods): what a delete does with
 * the grace period of its DeleteOptions.
 * <ul>
 *   <li>{@link #NONE}: no graceful deletion: the object goes now, unless finalizers hold it.</li>
 *   <li>{@link #PENDING}: it is being deleted gracefully already and the delete asks no shorter period: nothing
 *       changes (not even its finalizers), the object is answered as it is.</li>
 *   <li>a period: the object is marked, {@code deletionTimestamp} = now + period (or, when it was being deleted
 *       already, moved earlier by what the period shortens), {@code deletionGracePeriodSeconds} = period. Only
 *       a period of 0 with nothing holding the object deletes it.</li>
 * </ul>
 * A negative period is taken as 1 s, as kube does.
 */
record GracefulDeletion(Kind kind, long period) {

    enum Kind { NONE, PENDING, GRACEFUL }

    static final GracefulDeletion NONE = new GracefulDeletion(Kind.NONE, 0);
    static final GracefulDeletion PENDING = new GracefulDeletion(Kind.PENDING, 0);

    /** The decision for a delete of {@code obj} (as stored) asking for {@code requested} seconds (null: unset). */
    static <T extends HasMetadata> GracefulDeletion of(ResourceStrategy<T> strategy, T obj, Long requested) {
        Long asked = requested != null && requested < 0 ? Long.valueOf(1) : requested;
        ObjectMeta meta = obj.getMetadata();
        if (meta.getDeletionTimestamp() != null) {
            Long current = meta.getDeletionGracePeriodSeconds();
            if (current == null || current <= 0) {
                return NONE; // marked by finalizers (grace 0): a delete goes on as for any held object
            }
            if (strategy.gracefulDeletePeriod(obj, asked) == null) {
                return NONE;
            }
            return asked != null && asked < current ? new GracefulDeletion(Kind.GRACEFUL, asked) : PENDING;
        }
        Long period = strategy.gracefulDeletePeriod(obj, asked);
        return period == null ? NONE : new GracefulDeletion(Kind.GRACEFUL, Math.max(0, period));
    }

    boolean graceful() {
        return kind == Kind.GRACEFUL;
    }

    boolean pending() {
        return kind == Kind.PENDING;
    }

    /** Whether the object may go now: no grace left (nothing else holding it is the caller's question). */
    boolean immediate() {
        return kind == Kind.NONE || (kind == Kind.GRACEFUL && period == 0);
    }

    /** Marks {@code meta} for this graceful deletion (kind GRACEFUL only). */
    void mark(ObjectMeta meta) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant at;
        if (meta.getDeletionTimestamp() == null) {
            at = now.plusSeconds(period);
            if (meta.getGeneration() != null && meta.getGeneration() > 0) {
                meta.setGeneration(meta.getGeneration() + 1);
            }
        } else {
            at = Instant.parse(meta.getDeletionTimestamp()).minusSeconds(meta.getDeletionGracePeriodSeconds())
                    .plusSeconds(period);
        }
        meta.setDeletionTimestamp(at.toString());
        meta.setDeletionGracePeriodSeconds(period);
    }

    /** Whether an object being deleted is still in its grace period (an update must not finish its deletion). */
    static boolean inGracePeriod(ObjectMeta meta) {
        return meta.getDeletionTimestamp() != null && meta.getDeletionGracePeriodSeconds() != null
                && meta.getDeletionGracePeriodSeconds() > 0;
    }
}
