package dev.kapi.apiserver.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PrivateKey;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class CertificatesTest {

    /** A JVM with Bouncy Castle registered (client libraries register it) reads EC keys as "ECDSA" keys. */
    @Test
    void aCaKeyReadWhileBouncyCastleIsARegisteredProviderStillSigns() throws Exception {
        Certificates.Issued ca = Certificates.selfSignedCa("test-ca", Duration.ofDays(1));
        String pem = Pem.privateKey(ca.key());
        boolean added = Security.addProvider(new BouncyCastleProvider()) != -1;
        try {
            PrivateKey read = Pem.readPrivateKey(pem);
            assertThat(read.getAlgorithm()).isEqualTo("ECDSA");
            Certificates.Issued client = Certificates.client(new Certificates.Issued(ca.certificate(), read), "u",
                    List.of("g"), Duration.ofHours(1));
            client.certificate().verify(ca.certificate().getPublicKey());
        } finally {
            if (added) {
                Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            }
        }
    }
}
