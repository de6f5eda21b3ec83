package dev.kapi.apiserver.server.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Issues the certificates Kapi needs: its CA, the serving certificate and client certificates (ECDSA P-256). */
public final class Certificates {

    /** A certificate with its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private Certificates() {
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA allowed to sign certificates. */
    public static Issued selfSignedCa(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Name name = subject(commonName, List.of());
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(name, name, keys.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(sign(b, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A serving certificate for the given DNS names and IP addresses. */
    public static Issued serving(Issued ca, String commonName, List<String> sans, Duration validity) {
        GeneralName[] names = sans.stream().map(Certificates::generalName).toArray(GeneralName[]::new);
        return leaf(ca, subject(commonName, List.of()), KeyPurposeId.id_kp_serverAuth, new GeneralNames(names),
                validity);
    }

    /** A client certificate: CN is the user name, each O a group (kube-apiserver's x509 convention). */
    public static Issued client(Issued ca, String user, List<String> groups, Duration validity) {
        return leaf(ca, subject(user, groups), KeyPurposeId.id_kp_clientAuth, null, validity);
    }

    /**
     * Key managers presenting {@code key} with its certificate chain (a TLS server's certificate, or a client's
     * certificate when the server asks for one).
     */
    public static javax.net.ssl.KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", key, new char[0], chain.toArray(new X509Certificate[0]));
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            return kmf.getKeyManagers();
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** A DNS or IP subject alternative name, as a SAN value given on the command line reads. */
    static GeneralName generalName(String san) {
        return isIpLiteral(san) ? new GeneralName(GeneralName.iPAddress, san) : new GeneralName(GeneralName.dNSName, san);
    }

    static boolean isIpLiteral(String s) {
        return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** Canonical text of an IP SAN ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one address). */
    static String canonicalIp(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return ip;
        }
    }

    private static Issued leaf(Issued ca, X500Name subject, KeyPurposeId usage, GeneralNames sans, Duration validity) {
        KeyPair keys = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), subject,
                    keys.getPublic(), validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new Issued(sign(b, ca.key()), keys.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X500Name subject(String commonName, List<String> organizations) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(o -> name.addRDN(BCStyle.O, o));
        name.addRDN(BCStyle.CN, commonName);
        return name.build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
                                                    Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            // by type, not getAlgorithm(): Bouncy Castle's EC keys say "ECDSA" (when it is a registered provider)
            String algorithm = signer instanceof java.security.interfaces.ECPrivateKey ? "SHA256withECDSA"
                    : "SHA256withRSA";
            ContentSigner s = new JcaContentSignerBuilder(algorithm).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(s));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
