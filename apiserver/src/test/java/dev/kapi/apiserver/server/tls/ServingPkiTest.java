package dev.kapi.apiserver.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServingPkiTest {

    @TempDir
    Path dir;

    ServingPki load(List<String> sans) {
        return ServingPki.load(new ServingPki.Settings(dir, "", "", sans, ""));
    }

    @Test
    void generatesCaAndServingCertificateOnFirstStart() throws Exception {
        ServingPki pki = load(List.of("localhost", "127.0.0.1", "::1", "kapi.example"));
        for (String f : List.of("ca.crt", "ca.key", "serving.crt", "serving.key")) {
            assertThat(dir.resolve("pki").resolve(f)).exists();
        }
        // the data dir is private to the server's user, certificates included
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki"))))
                .isEqualTo("rwx------");
        for (String f : List.of("ca.crt", "ca.key", "serving.crt", "serving.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki").resolve(f))))
                    .as(f).isEqualTo("rw-------");
        }
        X509Certificate serving = pki.servingChain().getFirst();
        serving.verify(pki.ca().certificate().getPublicKey());
        assertThat(ServingPki.sanSet(serving)).containsExactlyInAnyOrder("dns:localhost", "dns:kapi.example",
                "ip:127.0.0.1", "ip:0:0:0:0:0:0:0:1");
        assertThat(pki.clientCas()).containsExactly(pki.ca().certificate());
        assertThat(pki.trustForClients()).containsExactly(pki.ca().certificate());
    }

    @Test
    void reusesCertificatesOnRestartAndRenewsServingWhenSansChange() {
        ServingPki first = load(List.of("localhost", "127.0.0.1"));
        ServingPki again = load(List.of("127.0.0.1", "localhost"));
        assertThat(again.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(again.servingChain()).isEqualTo(first.servingChain());

        ServingPki renamed = load(List.of("localhost", "127.0.0.1", "10.0.0.7"));
        assertThat(renamed.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(renamed.servingChain().getFirst().getSerialNumber())
                .isNotEqualTo(first.servingChain().getFirst().getSerialNumber());
    }

    @Test
    void theInMemoryKeyStoreGivesKeyManagersTheServingKeyAndChain() throws Exception {
        ServingPki pki = load(List.of("localhost"));
        PrivateKey written = Pem.readPrivateKey(dir.resolve("pki/serving.key"));

        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(pki.keyStore(), ServingPki.KEY_STORE_PASSWORD.toCharArray());
        X509KeyManager keys = (X509KeyManager) factory.getKeyManagers()[0];

        assertThat(keys.getPrivateKey("kapi")).isEqualTo(written);
        assertThat(keys.getCertificateChain("kapi")).containsExactlyElementsOf(pki.servingChain());
        // the same through the key store itself, as Jetty's SslContextFactory reads it
        assertThat(pki.keyStore().getKey("kapi", ServingPki.KEY_STORE_PASSWORD.toCharArray())).isEqualTo(written);
    }

    /** A JVM with Bouncy Castle registered reads the EC keys written on the first start back as "ECDSA" keys. */
    @Test
    void theKeyStoreTakesAKeyReadBackWhileBouncyCastleIsARegisteredProvider() throws Exception {
        load(List.of("localhost"));
        PrivateKey written = Pem.readPrivateKey(dir.resolve("pki/serving.key"));
        boolean added = Security.addProvider(new BouncyCastleProvider()) != -1;
        try {
            ServingPki restarted = load(List.of("localhost"));
            assertThat(Pem.readPrivateKey(dir.resolve("pki/serving.key")).getAlgorithm()).isEqualTo("ECDSA");

            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(restarted.keyStore(), ServingPki.KEY_STORE_PASSWORD.toCharArray());
            X509KeyManager keys = (X509KeyManager) factory.getKeyManagers()[0];

            // the same key (Bouncy Castle encodes it with the curve's parameters, so the bytes differ)
            assertThat(((ECPrivateKey) keys.getPrivateKey("kapi")).getS()).isEqualTo(((ECPrivateKey) written).getS());
            assertThat(keys.getCertificateChain("kapi")).containsExactlyElementsOf(restarted.servingChain());
        } finally {
            if (added) {
                Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            }
        }
    }

    @Test
    void servesGivenCertificateFilesAndTrustsTheClientCaFile() throws Exception {
        Certificates.Issued otherCa = Certificates.selfSignedCa("other", Duration.ofDays(1));
        Certificates.Issued serving = Certificates.serving(otherCa, "kapi", List.of("kapi.example"), Duration.ofDays(1));
        Path crt = Files.writeString(dir.resolve("tls.crt"),
                Pem.certificates(List.of(serving.certificate(), otherCa.certificate())));
        Path key = Files.writeString(dir.resolve("tls.key"), Pem.privateKey(serving.key()));
        Path clientCa = Files.writeString(dir.resolve("client-ca.crt"), Pem.certificates(List.of(otherCa.certificate())));

        ServingPki pki = ServingPki.load(new ServingPki.Settings(dir, crt.toString(), key.toString(), List.of(),
                clientCa.toString()));

        assertThat(pki.servingChain()).containsExactly(serving.certificate(), otherCa.certificate());
        assertThat(pki.trustForClients()).containsExactly(otherCa.certificate());
        assertThat(pki.clientCas()).containsExactly(pki.ca().certificate(), otherCa.certificate());
        assertThat(pki.keyStore().getCertificateChain("kapi")).hasSize(2);
        assertThat(dir.resolve("pki/serving.crt")).doesNotExist();
    }

    /** kube refuses a key of another pair ("tls: private key does not match public key"); every handshake failed. */
    @Test
    void aKeyFileOfAnotherCertificateIsRefused() throws Exception {
        Certificates.Issued otherCa = Certificates.selfSignedCa("other", Duration.ofDays(1));
        List<String> sans = List.of("kapi.example");
        Certificates.Issued serving = Certificates.serving(otherCa, "kapi", sans, Duration.ofDays(1));
        Certificates.Issued another = Certificates.serving(otherCa, "kapi", sans, Duration.ofDays(1));
        Path crt = Files.writeString(dir.resolve("tls.crt"), Pem.certificates(List.of(serving.certificate())));
        Path key = Files.writeString(dir.resolve("tls.key"), Pem.privateKey(another.key()));
        assertThatThrownBy(() -> ServingPki.load(new ServingPki.Settings(dir, crt.toString(), key.toString(),
                List.of(), ""))).hasMessage("tls: private key does not match public key");
        assertThat(ServingPki.matches(serving.key(), serving.certificate())).isTrue();
    }

    @Test
    void certificateFileWithoutKeyFileIsAnError() {
        assertThatThrownBy(() -> ServingPki.load(new ServingPki.Settings(dir, "/x.crt", "", List.of(), "")))
                .hasMessageContaining("--tls-cert-file and --tls-private-key-file go together");
    }
}
