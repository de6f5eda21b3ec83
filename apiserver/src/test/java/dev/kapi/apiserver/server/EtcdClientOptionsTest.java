package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.etcd3.EtcdTls;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdTlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --etcd-cafile}, {@code --etcd-certfile}, {@code --etcd-keyfile}: the key forms kube-apiserver
 * accepts (PKCS#8, SEC1 EC, PKCS#1 RSA) reach a real etcd with {@code --client-cert-auth}; a flag that
 * cannot work is one line naming it.
 */
class EtcdClientOptionsTest {

    private static EtcdTlsFiles pki;
    private static LocalEtcdProcess etcd;

    @BeforeAll
    static void startTlsEtcd() {
        pki = EtcdTlsFiles.generateTemp();
        etcd = EtcdExtension.startPrivate(pki.clientCertAuth());
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static EtcdClientOptions options(Object ca, Object cert, Object key) {
        return new EtcdClientOptions(ca == null ? "" : ca.toString(), cert == null ? "" : cert.toString(),
                key == null ? "" : key.toString());
    }

    private static void writesThrough(EtcdTls tls) {
        String key = EtcdExtension.randomPrefix() + "/k";
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), "/", tls)) {
            storage.create(key, "v".getBytes());
            assertThat(new String(storage.get(key).value())).isEqualTo("v");
        }
    }

    @Test
    void pkcs8EcKey() {
        assertThat(Files.exists(pki.clientKeyFile())).isTrue();
        EtcdTls tls = options(pki.caFile(), pki.clientCertFile(), pki.clientKeyFile()).tls(etcd.endpoints());
        assertThat(tls.trustedCas()).containsExactly(pki.ca().certificate());
        writesThrough(tls);
    }

    @Test
    void sec1EcKey() {
        Path key = pki.write("client-sec1.key",
                Pem.privateKeyForKubeconfig(pki.client().key(), pki.client().certificate().getPublicKey()));
        assertThat(key).content().startsWith("-----BEGIN EC PRIVATE KEY-----");
        writesThrough(options(pki.caFile(), pki.clientCertFile(), key).tls(etcd.endpoints()));
    }

    @Test
    void pkcs1RsaKey() {
        Certificates.Issued rsa = pki.rsaClient("rsa-client");
        Path cert = pki.write("rsa.crt", Pem.certificates(List.of(rsa.certificate())));
        Path key = pki.write("rsa.key", Pem.privateKeyForKubeconfig(rsa.key(), rsa.certificate().getPublicKey()));
        assertThat(key).content().startsWith("-----BEGIN RSA PRIVATE KEY-----");
        writesThrough(options(pki.caFile(), cert, key).tls(etcd.endpoints()));
    }

    @Test
    void httpsWithoutFilesIsTlsWithTheJvmTrustStore() {
        EtcdTls tls = options(null, null, null).tls(List.of("https://etcd.example.com:2379"));
        assertThat(tls.trustedCas()).isEmpty();
        assertThat(tls.clientKey()).isNull();
        assertThat(options(null, null, null).tls(List.of("http://127.0.0.1:2379"))).isNull();
    }

    @Test
    void aCaFileAloneIsTlsWithoutAClientCertificate() {
        EtcdTls tls = options(pki.caFile(), null, null).tls(etcd.endpoints());
        assertThat(tls.clientChain()).isNull();
    }

    @Test
    void aMissingFile() {
        Path missing = pki.dir().resolve("missing.crt");
        assertThatThrownBy(() -> options(missing, null, null).tls(etcd.endpoints()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--etcd-cafile: open " + missing + ": no such file or directory");
        assertThatThrownBy(() -> options(null, pki.clientCertFile(), missing).tls(etcd.endpoints()))
                .hasMessage("--etcd-keyfile: open " + missing + ": no such file or directory");
    }

    @Test
    void aDirectoryInsteadOfAFile() {
        assertThatThrownBy(() -> options(null, pki.dir(), pki.clientKeyFile()).tls(etcd.endpoints()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--etcd-certfile: read " + pki.dir() + ": is a directory");
    }

    @Test
    void aFileThatIsNotPem() {
        Path garbage = pki.write("garbage.pem", "not a certificate\n");
        assertThatThrownBy(() -> options(garbage, null, null).tls(etcd.endpoints()))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("--etcd-cafile=" + garbage + ": ");
        assertThatThrownBy(() -> options(null, pki.clientCertFile(), garbage).tls(etcd.endpoints()))
                .hasMessage("--etcd-keyfile=" + garbage + ": no unencrypted private key found "
                        + "(PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    @Test
    void aCertificateWithoutItsKeyAndAKeyWithoutItsCertificate() {
        assertThatThrownBy(() -> options(pki.caFile(), pki.clientCertFile(), null).tls(etcd.endpoints()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--etcd-certfile=" + pki.clientCertFile()
                        + " is given without --etcd-keyfile: give both or neither");
        assertThatThrownBy(() -> options(pki.caFile(), null, pki.clientKeyFile()).tls(etcd.endpoints()))
                .hasMessage("--etcd-keyfile=" + pki.clientKeyFile()
                        + " is given without --etcd-certfile: give both or neither");
    }

    @Test
    void aKeyThatIsNotTheCertificates() {
        Path otherKey = pki.write("other.key", Pem.privateKey(Certificates.newKeyPair().getPrivate()));
        assertThatThrownBy(() -> options(pki.caFile(), pki.clientCertFile(), otherKey).tls(etcd.endpoints()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--etcd-keyfile=" + otherKey + " is not the key of the certificate in --etcd-certfile="
                        + pki.clientCertFile());
    }

    @Test
    void tlsFilesWithHttpEndpoints() {
        assertThatThrownBy(() -> options(pki.caFile(), null, null).tls(List.of("http://127.0.0.1:2379")))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--etcd-cafile, --etcd-certfile and --etcd-keyfile are for TLS, but "
                        + "--etcd-servers=http://127.0.0.1:2379 are http:// URLs: use https:// URLs for an etcd "
                        + "serving TLS");
    }

    @Test
    void mixedSchemes() {
        assertThatThrownBy(() -> options(null, null, null).tls(List.of("https://a:2379", "http://b:2379")))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--etcd-servers: the etcd endpoints https://a:2379,http://b:2379 mix https:// and "
                        + "http:// URLs; use one scheme for all");
    }
}
