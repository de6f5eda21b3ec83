package dev.kapi.admissionwebhooks.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServingCertificatesTest {

    @TempDir
    Path dir;

    private ServingCertificates generated(List<String> sans) {
        return ServingCertificates.load(new ServingCertificates.Settings(dir, "", "", "", sans));
    }

    private ServingCertificates given(Path cert, Path key, String caBundle) {
        return ServingCertificates.load(new ServingCertificates.Settings(dir, cert.toString(), key.toString(),
                caBundle, List.of()));
    }

    @Test
    void aGeneratedCertificateIsKeptAcrossRestartsAndSignedByTheBundledCa() throws Exception {
        ServingCertificates first = generated(List.of("localhost", "127.0.0.1", "webhooks.example.com"));
        ServingCertificates second = generated(List.of("localhost", "127.0.0.1", "webhooks.example.com"));

        assertThat(second.chain()).isEqualTo(first.chain());
        assertThat(second.caBundle()).isEqualTo(first.caBundle());
        X509Certificate leaf = first.chain().getFirst();
        leaf.verify(first.caBundle().getFirst().getPublicKey());
        assertThat(ServingCertificates.sanSet(leaf)).containsExactly("dns:localhost", "dns:webhooks.example.com",
                "ip:127.0.0.1");
        assertThat(decode(first.caBundleBase64())).isEqualTo(Files.readString(dir.resolve("pki/ca.crt")));
    }

    @Test
    void otherSansMakeANewServingCertificateFromTheSameCa() throws Exception {
        ServingCertificates before = generated(List.of("localhost"));
        ServingCertificates after = generated(List.of("localhost", "10.0.0.7"));

        assertThat(after.caBundle()).isEqualTo(before.caBundle());
        assertThat(after.chain()).isNotEqualTo(before.chain());
        assertThat(ServingCertificates.sanSet(after.chain().getFirst())).containsExactly("dns:localhost", "ip:10.0.0.7");
    }

    @Test
    void aGivenCertificateIsServedAsItIs() throws Exception {
        Certificates.Issued ca = Certificates.selfSignedCa("test-ca", Duration.ofDays(1));
        Certificates.Issued leaf = Certificates.serving(ca, "webhooks", List.of("localhost"), Duration.ofDays(1));
        Path cert = write("tls.crt", Pem.certificates(List.of(leaf.certificate())));
        Path chain = write("chain.crt", Pem.certificates(List.of(leaf.certificate(), ca.certificate())));
        Path key = write("tls.key", Pem.privateKey(leaf.key()));
        Path bundle = write("ca.crt", Pem.certificates(List.of(ca.certificate())));

        // the bundle: --ca-bundle-file, else the chain after the leaf, else the leaf itself
        assertThat(given(cert, key, bundle.toString()).caBundle()).containsExactly(ca.certificate());
        assertThat(given(chain, key, "").caBundle()).containsExactly(ca.certificate());
        assertThat(given(cert, key, "").caBundle()).containsExactly(leaf.certificate());
        assertThat(given(chain, key, "").chain()).containsExactly(leaf.certificate(), ca.certificate());
        // nothing was generated
        assertThat(dir.resolve("pki")).doesNotExist();
    }

    @Test
    void aKeyOfAnotherCertificateOrAMissingHalfIsRefused() throws Exception {
        Certificates.Issued ca = Certificates.selfSignedCa("test-ca", Duration.ofDays(1));
        Certificates.Issued leaf = Certificates.serving(ca, "webhooks", List.of("localhost"), Duration.ofDays(1));
        Path cert = write("tls.crt", Pem.certificates(List.of(leaf.certificate())));
        Path otherKey = write("other.key", Pem.privateKey(ca.key()));

        assertThatThrownBy(() -> given(cert, otherKey, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the private key in " + otherKey + " does not belong to the certificate in " + cert);
        assertThatThrownBy(() -> ServingCertificates.load(new ServingCertificates.Settings(dir, cert.toString(), "",
                "", List.of()))).hasMessage("--tls-cert-file and --tls-private-key-file go together");
        assertThatThrownBy(() -> given(otherKey, otherKey, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(otherKey + ": not a PEM certificate");
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    }
}
