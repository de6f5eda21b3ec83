package dev.kapi.apiserver.authn.oidc;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An issuer that cannot be read is asked at most once per refresh interval, whoever sends tokens naming it, and no
 * request waits behind another's fetch (tokens need no valid signature to make the server fetch keys).
 */
class OidcProviderKeysTest {

    @Test
    void aFailingIssuerIsAskedOncePerIntervalAndNobodyWaitsForIt() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> {
            asked.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            OidcProviderKeys keys = new OidcProviderKeys(issuer, HttpClient.newHttpClient(), Clock.systemUTC());
            List<Thread> others = new ArrayList<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread first = Thread.ofVirtual().start(() -> fail(keys, failures));
            while (asked.get() == 0) {
                Thread.sleep(5);
            }
            for (int i = 0; i < 8; i++) { // while the first fetch hangs, the others fail at once
                others.add(Thread.ofVirtual().start(() -> fail(keys, failures)));
            }
            for (Thread t : others) {
                t.join(2000);
                assertThat(t.isAlive()).isFalse();
            }
            assertThat(failures).hasSize(8).allMatch(f -> f.equals("oidc: the keys of " + issuer + " are being read"));
            release.countDown();
            first.join(5000);
            assertThat(failures).hasSize(9).contains("oidc: GET " + issuer + "/.well-known/openid-configuration "
                    + "answered 500");
            for (int i = 0; i < 5; i++) { // within the interval: the last failure again, without asking
                assertThatThrownBy(() -> keys.keysFor(null)).isInstanceOf(IllegalStateException.class)
                        .hasMessage("oidc: GET " + issuer + "/.well-known/openid-configuration answered 500");
            }
            assertThat(asked.get()).isEqualTo(1);
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    private static void fail(OidcProviderKeys keys, List<String> failures) {
        try {
            keys.keysFor("some-kid");
        } catch (IllegalStateException e) {
            failures.add(e.getMessage());
        }
    }
}
