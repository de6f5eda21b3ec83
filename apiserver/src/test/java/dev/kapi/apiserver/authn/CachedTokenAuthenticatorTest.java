package dev.kapi.apiserver.authn;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kube's token cache in front of the authentication webhook: users and "not this token" are remembered for the TTL,
 * refusals with an error are not, audiences are part of the key, concurrent requests share one call, and the
 * number of entries is bounded.
 */
class CachedTokenAuthenticatorTest {

    static final UserInfo ALICE = new UserInfo("alice", "", List.of("team"), Map.of());

    final AtomicLong now = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();

    CachedTokenAuthenticator cache(TokenAuthenticator delegate) {
        return new CachedTokenAuthenticator((token, audiences) -> {
            calls.incrementAndGet();
            return delegate.authenticate(token, audiences);
        }, Duration.ofMinutes(2), now::get);
    }

    @Test
    void aUserAndAnUnknownTokenAreRememberedForTheTtl() {
        CachedTokenAuthenticator cache = cache((t, a) -> t.equals("good") ? Optional.of(new TokenAuthenticator.Authenticated(ALICE, List.of())) : Optional.empty());
        assertThat(cache.authenticateToken("good", List.of())).contains(ALICE);
        assertThat(cache.authenticateToken("other", List.of())).isEmpty();
        now.addAndGet(Duration.ofSeconds(119).toNanos());
        assertThat(cache.authenticateToken("good", List.of())).contains(ALICE);
        assertThat(cache.authenticateToken("other", List.of())).isEmpty();
        assertThat(calls).hasValue(2);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.authenticateToken("good", List.of())).contains(ALICE);
        assertThat(calls).as("asked again once the TTL passed").hasValue(3);
        assertThat(cache.authenticateToken("good", List.of("other-audience"))).contains(ALICE);
        assertThat(calls).as("audiences are part of the key").hasValue(4);
    }

    @Test
    void noTwoQuestionsShareAKey() {
        CachedTokenAuthenticator cache = cache((t, a) -> a.size() == 2 ? Optional.of(new TokenAuthenticator.Authenticated(ALICE, List.of())) : Optional.empty());
        assertThat(cache.authenticateToken("T", List.of("a", "b"))).contains(ALICE);
        assertThat(cache.authenticateToken("T", List.of("a\u0000b"))).isEmpty();
        assertThat(cache.authenticateToken("b\u0001T", List.of("a"))).isEmpty();
        assertThat(cache.authenticateToken("", List.of("a", "bT"))).contains(ALICE);
        assertThat(calls).hasValue(4);
    }

    @Test
    void aTtlOfZeroRemembersNothing() {
        CachedTokenAuthenticator cache = new CachedTokenAuthenticator((t, a) -> {
            calls.incrementAndGet();
            return Optional.of(new TokenAuthenticator.Authenticated(ALICE, List.of()));
        }, Duration.ZERO, now::get);
        cache.authenticateToken("t", List.of());
        cache.authenticateToken("t", List.of());
        assertThat(calls).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aRefusalWithAnErrorIsNotRemembered() {
        CachedTokenAuthenticator cache = cache((t, a) -> {
            throw new TokenAuthenticator.BadCredentialsException("webhook down");
        });
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cache.authenticateToken("t", List.of())).hasMessage("webhook down");
        }
        assertThat(calls).hasValue(3);
        assertThat(cache.size()).isZero();
    }

    @Test
    void concurrentRequestsWithOneTokenShareOneCall() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CachedTokenAuthenticator cache = cache((t, a) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Optional.of(new TokenAuthenticator.Authenticated(ALICE, List.of()));
        });
        List<Future<Optional<UserInfo>>> answers = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                answers.add(threads.submit(() -> cache.authenticateToken("same", List.of())));
            }
            Thread.sleep(200);
            release.countDown();
            for (Future<Optional<UserInfo>> a : answers) {
                assertThat(a.get()).contains(ALICE);
            }
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void theCacheHoldsAtMostItsBoundOfEntries() {
        CachedTokenAuthenticator cache = cache((t, a) -> Optional.empty());
        for (int i = 0; i < CachedTokenAuthenticator.MAX_ENTRIES + 500; i++) {
            cache.authenticateToken("random-" + i, List.of());
        }
        assertThat(cache.size()).isEqualTo(CachedTokenAuthenticator.MAX_ENTRIES);
        cache.authenticateToken("random-" + (CachedTokenAuthenticator.MAX_ENTRIES + 499), List.of());
        cache.authenticateToken("random-0", List.of());
        assertThat(calls).as("the newest kept, the oldest gone").hasValue(CachedTokenAuthenticator.MAX_ENTRIES + 501);
    }
}
