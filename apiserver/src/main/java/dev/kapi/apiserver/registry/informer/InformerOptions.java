package dev.kapi.apiserver.registry.informer;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Informer} follows its resource.
 *
 * @param resync       how often every cached object is delivered again, as an update from itself to itself
 *                     (kube's resync period); zero for never
 * @param watchTimeout how long one watch is kept before it is ended and opened again from the last revision
 *                     seen, lengthened by a random part of up to as much again (kube's reflector asks for a
 *                     timeout between 5 and 10 minutes, so that no watch lives for ever)
 * @param firstBackoff the wait after a failure (a list or watch that failed, a watch that ended at once); it
 *                     doubles with each failure in a row, up to {@code maxBackoff}, and starts again after a
 *                     list that succeeded
 * @param maxBackoff   the longest wait between two attempts
 * @param cacheWait    how long a list first waits for the resource's watch cache to be primed (so that it is
 *                     answered from memory) before it reads storage itself; zero for not at all
 */
public record InformerOptions(Duration resync, Duration watchTimeout, Duration firstBackoff, Duration maxBackoff,
                              Duration cacheWait) {

    /**
     * No resync, watches of 5 to 10 minutes, waits of 1 s doubling up to 10 s after failures, lists waiting up to
     * a minute for the watch cache.
     */
    public static final InformerOptions DEFAULTS = new InformerOptions(Duration.ZERO, Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1));

    public InformerOptions {
        Objects.requireNonNull(resync, "resync");
        Objects.requireNonNull(watchTimeout, "watchTimeout");
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(cacheWait, "cacheWait");
        if (resync.isNegative() || !watchTimeout.isPositive() || !firstBackoff.isPositive()
                || maxBackoff.compareTo(firstBackoff) < 0 || cacheWait.isNegative()) {
            throw new IllegalArgumentException("invalid informer options: " + resync + ", " + watchTimeout + ", "
                    + firstBackoff + ", " + maxBackoff + ", " + cacheWait);
        }
    }

    public InformerOptions withResync(Duration resync) {
        return new InformerOptions(resync, watchTimeout, firstBackoff, maxBackoff, cacheWait);
    }

    public InformerOptions withWatchTimeout(Duration watchTimeout) {
        return new InformerOptions(resync, watchTimeout, firstBackoff, maxBackoff, cacheWait);
    }

    public InformerOptions withBackoff(Duration first, Duration max) {
        return new InformerOptions(resync, watchTimeout, first, max, cacheWait);
    }

    public InformerOptions withCacheWait(Duration cacheWait) {
        return new InformerOptions(resync, watchTimeout, firstBackoff, maxBackoff, cacheWait);
    }
}
