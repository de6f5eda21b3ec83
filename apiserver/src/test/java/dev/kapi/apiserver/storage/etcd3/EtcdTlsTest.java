package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchOptions;
import dev.kapi.apiserver.storage.WatchRecorder;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdTlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real etcd serving TLS with {@code --client-cert-auth}: our client certificate and CA work (create, get,
 * watch); a client certificate from another CA, none at all, a CA that did not sign etcd's certificate, or a
 * certificate made for another address are refused, nothing is written, and {@link EtcdTlsProbe} says
 * which of these it is.
 */
class EtcdTlsTest {

    private static final Duration SHORT = Duration.ofSeconds(3);
    private static final Certificates.Issued OTHER_CA = Certificates.selfSignedCa("other-ca", Duration.ofHours(1));

    private static EtcdTlsFiles pki;
    private static LocalEtcdProcess etcd;
    private static EtcdTls good;

    @BeforeAll
    static void startTlsEtcd() {
        pki = EtcdTlsFiles.generateTemp();
        etcd = EtcdExtension.startPrivate(pki.clientCertAuth());
        good = new EtcdTls(List.of(pki.ca().certificate()), List.of(pki.client().certificate()), pki.client().key());
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @Test
    void createGetAndWatchOverTlsWithAClientCertificate() {
        assertThat(etcd.endpoint()).startsWith("https://");
        assertThat(EtcdTlsProbe.failure(etcd.endpoints(), good)).isEmpty();
        String prefix = EtcdExtension.randomPrefix() + "/";
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), prefix, good)) {
            long created = storage.create(prefix + "a", "1".getBytes()).modRevision();
            assertThat(new String(storage.get(prefix + "a").value())).isEqualTo("1");
            WatchRecorder recorder = new WatchRecorder();
            try (WatchHandle ignored = storage.watch(prefix, WatchOptions.from(created), recorder)) {
                storage.create(prefix + "b", "2".getBytes());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(recorder.summary()).containsExactly("ADDED b=2"));
            }
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() {
        Certificates.Issued foreign = Certificates.client(OTHER_CA, "intruder", List.of(), Duration.ofHours(1));
        EtcdTls tls = new EtcdTls(List.of(pki.ca().certificate()), List.of(foreign.certificate()), foreign.key());
        assertRefused(tls, "refused our client certificate (bad_certificate): is it signed by a CA etcd trusts?");
    }

    @Test
    void noClientCertificateIsRefusedWhenEtcdRequiresOne() {
        EtcdTls tls = new EtcdTls(List.of(pki.ca().certificate()), null, null);
        assertRefused(tls, "requires a client certificate and none is configured (bad_certificate)");
    }

    @Test
    void aCaThatDidNotSignEtcdsCertificateIsRefused() {
        EtcdTls tls = new EtcdTls(List.of(OTHER_CA.certificate()), List.of(pki.client().certificate()),
                pki.client().key());
        assertRefused(tls, "has a certificate that no trusted CA signed (not from the configured CA file)");
    }

    @Test
    void withoutACaFileTheJvmTrustStoreIsUsedAndDoesNotKnowAPrivateCa() {
        EtcdTls tls = new EtcdTls(List.of(), List.of(pki.client().certificate()), pki.client().key());
        assertRefused(tls, "has a certificate that no CA of the JVM's trust store signed");
        // an https:// endpoint without any TLS given is the same: the JVM's trust store
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), SHORT, SHORT, null)) {
            assertThatThrownBy(() -> storage.get("/any")).isInstanceOf(StorageException.class);
        }
    }

    @Test
    void aServingCertificateForAnotherAddressIsRefused(@TempDir Path dir) {
        EtcdTlsFiles elsewhere = EtcdTlsFiles.generate(dir);
        elsewhere.writeKeyPair("server", Certificates.serving(elsewhere.ca(), "etcd", List.of("etcd.example.com"),
                Duration.ofHours(1)));
        // its /health cannot be checked with host name verification, so spawn it and wait until it answers
        LocalEtcdProcess misnamed = LocalEtcdProcess.spawn(dir.resolve("data"), new LocalEtcdProcess.Member("m",
                LocalEtcdProcess.freePort(), LocalEtcdProcess.freePort(), null, elsewhere.clientCertAuth()));
        try {
            EtcdTls tls = new EtcdTls(List.of(elsewhere.ca().certificate()),
                    List.of(elsewhere.client().certificate()), elsewhere.client().key());
            await().atMost(Duration.ofSeconds(30)).until(() -> EtcdTlsProbe.failure(misnamed.endpoints(), tls)
                    .isPresent());
            assertThat(EtcdTlsProbe.failure(misnamed.endpoints(), tls)).hasValueSatisfying(f -> assertThat(f)
                    .startsWith("etcd at " + misnamed.endpoint() + " has a certificate that is not for its address ("));
        } finally {
            misnamed.close();
        }
    }

    /** What a plain etcd sometimes does with a TLS hello (CI saw it): the probe must still say so. */
    @Test
    void aPeerThatResetsTheConnectionInTheHandshake() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread resetter = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    s.getInputStream().read(); // the client hello has come
                    s.setSoLinger(true, 0); // close with a reset, not a FIN
                } catch (java.io.IOException ignored) {
                    // the test fails on the probe's answer
                }
            });
            String url = "https://127.0.0.1:" + server.getLocalPort();
            assertThat(EtcdTlsProbe.failure(List.of(url), good)).contains("etcd at " + url
                    + " closed the connection in the TLS handshake (does it speak TLS, and does it want a client "
                    + "certificate?)");
            resetter.join();
        }
    }

    @Test
    void anEtcdWithoutTlsBehindAnHttpsUrl() {
        LocalEtcdProcess plain = EtcdExtension.startPrivate();
        try {
            String url = plain.endpoint().replace("http://", "https://");
            assertThat(EtcdTlsProbe.failure(List.of(url), good)).contains("etcd at " + url
                    + " closed the connection in the TLS handshake (does it speak TLS, and does it want a client "
                    + "certificate?)");
        } finally {
            plain.close();
        }
    }

    @Test
    void anUnreachableEndpointSaysNothingAboutTls() {
        String nobody = "https://127.0.0.1:" + LocalEtcdProcess.freePort();
        assertThat(EtcdTlsProbe.failure(List.of(nobody, etcd.endpoint()), good)).isEmpty();
    }

    @Test
    void tlsForHttpEndpointsAndMixedSchemesAreRefused() {
        assertThatThrownBy(() -> EtcdStorage.connect(List.of("http://127.0.0.1:2379"), "/p/", good))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS is configured but the etcd endpoints are http:// URLs");
        assertThatThrownBy(() -> EtcdStorage.connect(List.of("https://127.0.0.1:2379", "http://127.0.0.1:2380"),
                "/p/", good)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the etcd endpoints https://127.0.0.1:2379,http://127.0.0.1:2380 mix https:// and "
                        + "http:// URLs; use one scheme for all");
    }

    /** The probe reads {@code reason}; the client's calls fail within their timeout and write nothing. */
    private static void assertRefused(EtcdTls tls, String reason) {
        assertThat(EtcdTlsProbe.failure(etcd.endpoints(), tls)).contains("etcd at " + etcd.endpoint() + " " + reason);
        String key = EtcdExtension.randomPrefix() + "/refused";
        long started = System.nanoTime();
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), SHORT, SHORT, tls)) {
            assertThatThrownBy(() -> storage.create(key, "x".getBytes()))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNREACHABLE));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SHORT.plusSeconds(5));
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), "/", good)) {
            assertThatThrownBy(() -> storage.get(key)).isInstanceOfSatisfying(StorageException.class,
                    e -> assertThat(e.code()).isEqualTo(StorageException.Code.KEY_NOT_FOUND));
        }
    }
}
