package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.api.StatusError;

import java.util.function.Supplier;

/**
 * The oracle of the fuzz tests ({@code *FuzzTest}): parsing client input may fail only with a
 * {@link StatusError} of a 4xx code, the Status a client gets for its mistake; any other exception, or a
 * 5xx, is a finding (the server would answer 500 and log a stack trace).
 */
public final class FuzzOracle {

    private FuzzOracle() {
    }

    /** Runs {@code parse}; its value, or null when it failed with a client error. */
    public static <T> T allowClientErrors(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (StatusError e) {
            check(e);
            return null;
        }
    }

    /** A Status error a client's input may get: 4xx; anything else is a finding. */
    public static void check(StatusError e) {
        if (e.code() < 400 || e.code() >= 500) {
            throw new AssertionError("a client's input got " + e.code() + ": " + e.getMessage(), e);
        }
    }
}
