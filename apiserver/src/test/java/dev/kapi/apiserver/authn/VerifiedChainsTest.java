package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.server.tls.Certificates;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Client chains verified as Go's {@code x509.Verify} with client-auth usage verifies them: a path built from what
 * the client sent (intermediates, a root appended, an unrelated certificate), every certificate of it and the CA
 * within their validity, and no certificate of it restricted to other usages. A forged CA of the same name, or a
 * real certificate sent after a forged leaf, never verifies.
 */
class VerifiedChainsTest {

    static final Instant NOW = Instant.now();
    static final Certificates.Issued ROOT = cert(null, "root", true, null, NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(30)));
    static final Certificates.Issued INTERMEDIATE = cert(ROOT, "intermediate", true, null,
            NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    static final Certificates.Issued LEAF = cert(INTERMEDIATE, "alice", false, KeyPurposeId.id_kp_clientAuth,
            NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));

    final AtomicLong clock = new AtomicLong(NOW.toEpochMilli());

    VerifiedChains<String> chains(X509Certificate... cas) {
        return new VerifiedChains<>(List.of(cas), clock::get, c -> VerifiedChains.commonName(c[0]));
    }

    @Test
    void aPathIsBuiltFromWhatTheClientSent() {
        Certificates.Issued unrelated = cert(null, "unrelated", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)));
        VerifiedChains<String> chains = chains(ROOT.certificate());
        for (X509Certificate[] chain : List.of(
                new X509Certificate[] {LEAF.certificate(), INTERMEDIATE.certificate()},
                new X509Certificate[] {LEAF.certificate(), INTERMEDIATE.certificate(), ROOT.certificate()},
                new X509Certificate[] {LEAF.certificate(), unrelated.certificate(), INTERMEDIATE.certificate()})) {
            assertThat(chains.verified(chain)).isEqualTo("alice");
        }
        // the intermediate as the CA: the root appended is not needed
        assertThat(chains(INTERMEDIATE.certificate()).verified(new X509Certificate[] {LEAF.certificate(),
                ROOT.certificate()})).isEqualTo("alice");
        // without the intermediate there is no path
        assertThatThrownBy(() -> chains.verified(new X509Certificate[] {LEAF.certificate()}))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
    }

    @Test
    void aForgedCaOfTheSameNameOrARealCertificateAfterAForgedLeafNeverVerifies() {
        Certificates.Issued forgedRoot = cert(null, "root", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)));
        Certificates.Issued forgedLeaf = cert(forgedRoot, "admin", false, KeyPurposeId.id_kp_clientAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        Certificates.Issued selfSigned = cert(null, "admin", false, KeyPurposeId.id_kp_clientAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        VerifiedChains<String> chains = chains(ROOT.certificate());
        for (X509Certificate[] chain : List.of(
                new X509Certificate[] {forgedLeaf.certificate()},
                new X509Certificate[] {forgedLeaf.certificate(), forgedRoot.certificate()},
                new X509Certificate[] {selfSigned.certificate(), LEAF.certificate(), INTERMEDIATE.certificate()},
                new X509Certificate[] {forgedRoot.certificate(), INTERMEDIATE.certificate()})) {
            assertThatThrownBy(() -> chains.verified(chain)).isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
        }
    }

    @Test
    void noCertificateOfThePathMayBeForOtherUsagesOnly() {
        Certificates.Issued serverOnlyIntermediate = cert(ROOT, "server-intermediate", true,
                KeyPurposeId.id_kp_serverAuth, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        Certificates.Issued leaf = cert(serverOnlyIntermediate, "alice", false, KeyPurposeId.id_kp_clientAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        assertThatThrownBy(() -> chains(ROOT.certificate()).verified(new X509Certificate[] {leaf.certificate(),
                serverOnlyIntermediate.certificate()}))
                .hasMessage("x509: certificate specifies an incompatible key usage");
        Certificates.Issued serverLeaf = cert(INTERMEDIATE, "alice", false, KeyPurposeId.id_kp_serverAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        assertThatThrownBy(() -> chains(ROOT.certificate()).verified(new X509Certificate[] {serverLeaf.certificate(),
                INTERMEDIATE.certificate()})).hasMessage("x509: certificate specifies an incompatible key usage");
    }

    @Test
    void theCaAndEveryCertificateOfThePathMustBeValidNow() {
        Certificates.Issued shortRoot = cert(null, "short-root", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofHours(1)));
        Certificates.Issued leaf = cert(shortRoot, "alice", false, KeyPurposeId.id_kp_clientAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(2)));
        VerifiedChains<String> chains = chains(shortRoot.certificate());
        X509Certificate[] chain = {leaf.certificate()};
        assertThat(chains.verified(chain)).isEqualTo("alice");
        clock.set(NOW.plus(Duration.ofHours(2)).toEpochMilli()); // the CA expired: remembered no longer
        assertThatThrownBy(() -> chains.verified(chain))
                .hasMessage("x509: certificate has expired or is not yet valid");
        // an expired intermediate
        Certificates.Issued oldIntermediate = cert(ROOT, "old", true, null, NOW.minus(Duration.ofDays(3)),
                NOW.minus(Duration.ofDays(1)));
        Certificates.Issued underOld = cert(oldIntermediate, "bob", false, KeyPurposeId.id_kp_clientAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
        clock.set(NOW.toEpochMilli());
        assertThatThrownBy(() -> chains(ROOT.certificate()).verified(new X509Certificate[] {underOld.certificate(),
                oldIntermediate.certificate()})).isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
    }

    /** A certificate signed by {@code issuer} (null: by its own key), a CA or a leaf, with {@code eku} if given. */
    static Certificates.Issued cert(Certificates.Issued issuer, String cn, boolean ca, KeyPurposeId eku,
                                    Instant from, Instant to) {
        try {
            KeyPair keys = Certificates.newKeyPair();
            X500Name subject = new X500Name("CN=" + cn);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(64, new java.security.SecureRandom()).add(BigInteger.ONE), Date.from(from),
                    Date.from(to), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (eku != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
            }
            java.security.PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.key();
            String alg = signer instanceof java.security.interfaces.ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA";
            return new Certificates.Issued(new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(alg).build(signer))), keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
