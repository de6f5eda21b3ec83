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

    /** A CA bundle with an expired CA and its renewal (same name, same key): the renewal verifies, every time. */
    @Test
    void aCaRenewedWithTheSameKeyVerifiesWhateverTheOrderOfTheBundle() {
        KeyPair caKeys = Certificates.newKeyPair();
        Certificates.Issued expired = cert(caKeys, null, "renewed-root", true, null, NOW.minus(Duration.ofDays(30)),
                NOW.minus(Duration.ofDays(1)));
        Certificates.Issued renewed = cert(caKeys, null, "renewed-root", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)));
        Certificates.Issued leaf = clientLeaf(renewed, "alice");
        for (int i = 0; i < 20; i++) {
            X509Certificate[] bundle = i % 2 == 0 ? new X509Certificate[] {expired.certificate(), renewed.certificate()}
                    : new X509Certificate[] {renewed.certificate(), expired.certificate()};
            assertThat(chains(bundle).verified(new X509Certificate[] {leaf.certificate()})).isEqualTo("alice");
        }
        assertThatThrownBy(() -> chains(expired.certificate()).verified(new X509Certificate[] {leaf.certificate()}))
                .hasMessage("x509: certificate has expired or is not yet valid");
    }

    /** Duplicate intermediates (renewed, or signed by another CA) and a cross-signed CA, in any order, as Go. */
    @Test
    void everyCertificateOfTheNameThePathNeedsIsTried() {
        KeyPair interKeys = Certificates.newKeyPair();
        Certificates.Issued expiredInter = cert(interKeys, ROOT, "inter", true, null, NOW.minus(Duration.ofDays(9)),
                NOW.minus(Duration.ofDays(1)));
        Certificates.Issued renewedInter = cert(interKeys, ROOT, "inter", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(9)));
        Certificates.Issued untrusted = cert(null, "untrusted-root", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(9)));
        Certificates.Issued foreignInter = cert(interKeys, untrusted, "inter", true, null,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(9)));
        Certificates.Issued leaf = clientLeaf(renewedInter, "alice");
        VerifiedChains<String> chains = chains(ROOT.certificate());
        for (X509Certificate[] chain : List.of(
                new X509Certificate[] {leaf.certificate(), expiredInter.certificate(), renewedInter.certificate()},
                new X509Certificate[] {leaf.certificate(), renewedInter.certificate(), expiredInter.certificate()},
                new X509Certificate[] {leaf.certificate(), foreignInter.certificate(), renewedInter.certificate()})) {
            assertThat(chains(ROOT.certificate()).verified(chain)).isEqualTo("alice");
            assertThat(chains.verified(chain)).isEqualTo("alice");
        }
        // a new root of the same name with a new key, cross-signed by the trusted one
        KeyPair newRootKeys = Certificates.newKeyPair();
        Certificates.Issued newRoot = cert(newRootKeys, null, "root", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(9)));
        Certificates.Issued crossSigned = cert(newRootKeys, ROOT, "root", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(9)));
        Certificates.Issued underNew = clientLeaf(newRoot, "bob");
        assertThat(chains.verified(new X509Certificate[] {underNew.certificate(), crossSigned.certificate()}))
                .isEqualTo("bob");
        assertThatThrownBy(() -> chains(ROOT.certificate()).verified(new X509Certificate[] {underNew.certificate()}))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
    }

    /** A chain of more certificates than a client may send is refused before any path is looked for. */
    @Test
    void aChainLongerThanAClientMaySendIsRefused() {
        X509Certificate[] chain = new X509Certificate[ClientChainPath.MAX_SENT + 1];
        chain[0] = LEAF.certificate();
        chain[1] = INTERMEDIATE.certificate();
        for (int i = 2; i < chain.length; i++) {
            chain[i] = cert(null, "junk-" + i, true, null, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)))
                    .certificate();
        }
        assertThatThrownBy(() -> chains(ROOT.certificate()).verified(chain))
                .hasMessage("x509: certificate signed by unknown authority");
        assertThat(chains(ROOT.certificate()).verified(java.util.Arrays.copyOf(chain, ClientChainPath.MAX_SENT)))
                .isEqualTo("alice");
    }

    /** Sent certificates that all bear the name the path needs, none leading to a CA: the search ends quickly. */
    @Test
    void aChainBuiltToMakeTheSearchLongEndsQuickly() {
        Certificates.Issued loop = cert(null, "loop", true, null, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)));
        Certificates.Issued leaf = clientLeaf(loop, "mallory");
        X509Certificate[] chain = new X509Certificate[ClientChainPath.MAX_SENT];
        chain[0] = leaf.certificate();
        for (int i = 1; i < chain.length; i++) { // self-issued, all named "loop": 9! orders
            chain[i] = cert(null, "loop", true, null, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)))
                    .certificate();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> chains(ROOT.certificate()).verified(chain))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /**
     * As in Go: a CA allowing no intermediate below it ({@code pathlen:0}) cannot vouch for a leaf under one (PKIX
     * leaves an anchor's own path length out), and a SHA-1 signature is refused.
     */
    @Test
    void theCasPathLengthAndInsecureSignaturesAreHonoured() {
        Instant from = NOW.minus(Duration.ofDays(1));
        Instant to = NOW.plus(Duration.ofDays(9));
        Certificates.Issued noSubCas = cert(Certificates.newKeyPair(), null, "no-sub-cas", new BasicConstraints(0),
                null, from, to, b -> { }, null);
        Certificates.Issued sub = cert(noSubCas, "sub", true, null, from, to);
        Certificates.Issued admin = cert(sub, "system:admin", false, KeyPurposeId.id_kp_clientAuth, from, to);
        assertThatThrownBy(() -> chains(noSubCas.certificate()).verified(new X509Certificate[] {admin.certificate(),
                sub.certificate()})).isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
        Certificates.Issued direct = cert(noSubCas, "alice", false, KeyPurposeId.id_kp_clientAuth, from, to);
        assertThat(chains(noSubCas.certificate()).verified(new X509Certificate[] {direct.certificate()}))
                .isEqualTo("alice");

        KeyPair rsaKeys = rsaKeyPair();
        Certificates.Issued rsaRoot = cert(rsaKeys, null, "rsa-root", new BasicConstraints(true), null, from, to,
                b -> { }, "SHA256withRSA");
        Certificates.Issued sha1 = cert(rsaKeyPair(), rsaRoot, "old", new BasicConstraints(false),
                KeyPurposeId.id_kp_clientAuth, from, to, b -> { }, "SHA1withRSA");
        assertThatThrownBy(() -> chains(rsaRoot.certificate()).verified(new X509Certificate[] {sha1.certificate()}))
                .hasMessage("x509: cannot verify signature: insecure algorithm");
    }

    private static KeyPair rsaKeyPair() {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client leaf for {@code cn} signed by {@code issuer}, valid from a day ago for two days. */
    static Certificates.Issued clientLeaf(Certificates.Issued issuer, String cn) {
        return cert(Certificates.newKeyPair(), issuer, cn, false, KeyPurposeId.id_kp_clientAuth,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
    }

    /** A certificate signed by {@code issuer} (null: by its own key), a CA or a leaf, with {@code eku} if given. */
    static Certificates.Issued cert(Certificates.Issued issuer, String cn, boolean ca, KeyPurposeId eku,
                                    Instant from, Instant to) {
        return cert(Certificates.newKeyPair(), issuer, cn, ca, eku, from, to);
    }

    /** {@link #cert} for the key pair {@code keys}. */
    static Certificates.Issued cert(KeyPair keys, Certificates.Issued issuer, String cn, boolean ca, KeyPurposeId eku,
                                    Instant from, Instant to) {
        return cert(keys, issuer, cn, new BasicConstraints(ca), eku, from, to, b -> { }, null);
    }

    /** The general form: basic constraints as given, more extensions by {@code extra}, {@code sigAlg} or the usual. */
    static Certificates.Issued cert(KeyPair keys, Certificates.Issued issuer, String cn, BasicConstraints constraints,
                                    KeyPurposeId eku, Instant from, Instant to,
                                    java.util.function.Consumer<JcaX509v3CertificateBuilder> extra, String sigAlg) {
        try {
            X500Name subject = new X500Name("CN=" + cn);
            X500Name issuerName = issuer == null ? subject
                    : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(64, new java.security.SecureRandom()).add(BigInteger.ONE), Date.from(from),
                    Date.from(to), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, constraints);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(constraints.isCA()
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (eku != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
            }
            extra.accept(b);
            java.security.PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.key();
            String alg = sigAlg != null ? sigAlg
                    : signer instanceof java.security.interfaces.ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA";
            return new Certificates.Issued(new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(alg).build(signer))), keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
