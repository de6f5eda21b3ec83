package dev.kapi.apiserver.testing;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Repeats a randomized race as one dynamic test per iteration. The default build runs a few iterations;
 * {@code -Dkapi.stress.iterations=200} runs the long version (see docs/shutdown.md). Each iteration gets
 * its own {@link Random}, derived from {@code seed + i} which the test's display name shows, so a failing
 * one is replayed with {@code -Dkapi.stress.seed=<seed> -Dkapi.stress.iterations=<i+1>}.
 */
public final class Stress {

    public static final String ITERATIONS = "kapi.stress.iterations";
    public static final String SEED = "kapi.stress.seed";

    /** One run of the race. */
    @FunctionalInterface
    public interface Iteration {
        void run(Random random) throws Exception;
    }

    private Stress() {
    }

    /** {@code quick} iterations unless {@value #ITERATIONS} says otherwise. */
    public static int iterations(int quick) {
        return Integer.getInteger(ITERATIONS, quick);
    }

    /** One dynamic test per iteration, each handed its own seeded {@link Random}. */
    public static Stream<DynamicTest> repeat(String name, int quick, Iteration iteration) {
        long seed = Long.getLong(SEED, System.nanoTime());
        int n = iterations(quick);
        return IntStream.range(0, n).mapToObj(i -> DynamicTest.dynamicTest(
                name + " " + (i + 1) + "/" + n + " (seed " + seed + "+" + i + ")",
                () -> iteration.run(random(seed + i))));
    }

    /**
     * The {@link Random} of one iteration. Its seed is mixed first: {@code Random}s seeded with neighbouring
     * numbers start with nearly the same values, so {@code new Random(seed + i).nextInt(4)} is the same for
     * every iteration.
     */
    static Random random(long seed) {
        return new Random(new SplittableRandom(seed).nextLong());
    }
}
