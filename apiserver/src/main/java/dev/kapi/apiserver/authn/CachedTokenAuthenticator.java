package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.webhook.AnswerCache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * Remembers a token authenticator's answers for a while (kube's token cache in front of the authentication
 * webhook, {@code --authentication-token-webhook-cache-ttl}): a user for {@code ttl}, "not this token" for
 * {@code ttl} too; a refusal with an error (a webhook that could not be reached, an {@code error} in its answer) is
 * not remembered, so the next request asks again. Concurrent requests with the same token and audiences share one
 * call. Entries are keyed by a SHA-256 of the audiences and the token (no token is kept in memory), at most
 * {@link #MAX_ENTRIES} of them (the least recently used go first), so that requests with ever new tokens cannot grow the heap.
 *
 * <p>Example: with a 2-minute TTL, kubectl's 30 requests in a minute with one token cost the webhook one call.
 */
public final class CachedTokenAuthenticator implements TokenAuthenticator {

    static final int MAX_ENTRIES = 10_000;

    private final TokenAuthenticator delegate;
    private final long ttlNanos;
    private final AnswerCache<Optional<UserInfo>> answers;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<UserInfo>>> calls = new ConcurrentHashMap<>();

    public CachedTokenAuthenticator(TokenAuthenticator delegate, Duration ttl) {
        this(delegate, ttl, System::nanoTime);
    }

    CachedTokenAuthenticator(TokenAuthenticator delegate, Duration ttl, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.ttlNanos = ttl.toNanos();
        this.answers = new AnswerCache<>(MAX_ENTRIES, nanoTime);
    }

    @Override
    public Optional<UserInfo> authenticateToken(String token, List<String> audiences) {
        String key = key(token, audiences);
        Optional<UserInfo> remembered = answers.get(key);
        if (remembered != null) {
            return remembered;
        }
        CompletableFuture<Optional<UserInfo>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<UserInfo>> shared = calls.putIfAbsent(key, mine);
        if (shared != null) {
            return join(shared);
        }
        try {
            Optional<UserInfo> user = delegate.authenticateToken(token, audiences);
            answers.put(key, user, ttlNanos);
            mine.complete(user);
            return user;
        } catch (Throwable e) { // an Error too: the requests sharing this call must not wait for ever
            mine.completeExceptionally(e);
            throw e;
        } finally {
            calls.remove(key, mine);
        }
    }

    /** How many answers are remembered (for tests). */
    int size() {
        return answers.size();
    }

    private static Optional<UserInfo> join(CompletableFuture<Optional<UserInfo>> call) {
        try {
            return call.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadCredentialsException("the token's review was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String key(String token, List<String> audiences) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String audience : audiences) {
                sha.update(audience.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            sha.update((byte) 1);
            sha.update(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
