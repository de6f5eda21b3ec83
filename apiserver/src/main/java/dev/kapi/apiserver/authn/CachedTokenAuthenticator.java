package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.webhook.AnswerCache;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Remembers a token authenticator's answers for a while (kube's token cache in front of the authentication
 * webhook, {@code --authentication-token-webhook-cache-ttl}): a user for {@code ttl}, "not this token" for
 * {@code ttl} too (0: nothing is remembered); a refusal with an error (a webhook that could not be reached, an
 * {@code error} in its answer) is not remembered, so the next request asks again. Concurrent requests with the same
 * token and audiences share one call, made on its own virtual thread so that a request that goes away does not
 * fail the others; each waits at most {@link #WAIT}. Entries are keyed by an HMAC-SHA256 (a random key per
 * process) of the length-prefixed audiences and token, so no token is kept in memory and no two questions share a
 * key; at most {@link #MAX_ENTRIES} are kept (the least recently used go first), so that requests with ever new
 * tokens cannot grow the heap.
 *
 * <p>Example: with a 2-minute TTL, kubectl's 30 requests in a minute with one token cost the webhook one call.
 */
public final class CachedTokenAuthenticator implements TokenAuthenticator {

    static final int MAX_ENTRIES = 10_000;
    /** How long a request waits for the shared call (the webhook's own budget is 30 s). */
    static final Duration WAIT = Duration.ofSeconds(31);

    private final TokenAuthenticator delegate;
    private final long ttlNanos;
    private final AnswerCache<Optional<Authenticated>> answers;
    private final ConcurrentHashMap<String, CompletableFuture<Optional<Authenticated>>> calls = new ConcurrentHashMap<>();
    private final SecretKeySpec hmacKey;

    public CachedTokenAuthenticator(TokenAuthenticator delegate, Duration ttl) {
        this(delegate, ttl, System::nanoTime);
    }

    CachedTokenAuthenticator(TokenAuthenticator delegate, Duration ttl, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.ttlNanos = ttl.toNanos();
        this.answers = new AnswerCache<>(MAX_ENTRIES, nanoTime);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.hmacKey = new SecretKeySpec(key, "HmacSHA256");
    }

    @Override
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        String key = key(token, audiences);
        Optional<Authenticated> remembered = answers.get(key);
        if (remembered != null) {
            return remembered;
        }
        CompletableFuture<Optional<Authenticated>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Authenticated>> shared = calls.putIfAbsent(key, mine);
        if (shared == null) {
            shared = mine;
            Thread.ofVirtual().name("token-review").start(() -> {
                // the call leaves the map before its answer is given: a request after an error asks again
                try {
                    Optional<Authenticated> user = delegate.authenticate(token, audiences);
                    answers.put(key, user, ttlNanos);
                    calls.remove(key, mine);
                    mine.complete(user);
                } catch (Throwable e) { // an Error too: the requests sharing this call must not wait for ever
                    calls.remove(key, mine);
                    mine.completeExceptionally(e);
                }
            });
        }
        return join(shared);
    }

    /** How many answers are remembered (for tests). */
    int size() {
        return answers.size();
    }

    private static Optional<Authenticated> join(CompletableFuture<Optional<Authenticated>> call) {
        try {
            return call.get(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadCredentialsException("the token's review was interrupted");
        } catch (TimeoutException e) {
            throw new BadCredentialsException("the token's review did not answer in time: context deadline exceeded");
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

    /** HMAC of the audiences' count, each audience and the token, each length-prefixed (kube's keyFunc). */
    private String key(String token, List<String> audiences) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hmacKey);
            ByteBuffer count = ByteBuffer.allocate(4).putInt(audiences.size());
            mac.update(count.array());
            for (String audience : audiences) {
                field(mac, audience);
            }
            field(mac, token);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void field(Mac mac, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
    }
}
