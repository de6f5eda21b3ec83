package dev.kapi.admissionwebhooks.tls;

import org.bouncycastle.asn1.x509.GeneralName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The certificate the webhooks serve and the CA bundle an API server needs to trust it.
 * <ul>
 * <li>Given ({@code --tls-cert-file} and {@code --tls-private-key-file}, PEM): served as they are; the CA bundle is
 * {@code --ca-bundle-file} when set, else the chain's certificates after the leaf, else the leaf itself.</li>
 * <li>Generated: a CA ({@code <data-dir>/pki/ca.{crt,key}}, made once and kept) signs a serving certificate
 * ({@code pki/serving.{crt,key}}) for the SANs, made again when the SANs change or it nears expiry. The directory
 * is 0700 and every file 0600. The CA bundle is the CA certificate, so it survives serving-certificate renewals.</li>
 * </ul>
 */
public final class ServingCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(ServingCertificates.class);
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVING_VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** The password of the in-memory key store; it is never written anywhere. */
    public static final String KEY_STORE_PASSWORD = "admission-webhooks";
    public static final String KEY_ALIAS = "serving";

    /** Where the certificate comes from: given files, else generated into {@code dataDir} for {@code sans}. */
    public record Settings(Path dataDir, String certFile, String keyFile, String caBundleFile, List<String> sans) {
    }

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final List<X509Certificate> caBundle;

    private ServingCertificates(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> caBundle) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.caBundle = List.copyOf(caBundle);
    }

    /** Reads the given certificate or loads/generates one; a bad setting is an {@link IllegalArgumentException}. */
    public static ServingCertificates load(Settings settings) {
        try {
            boolean cert = !settings.certFile().isBlank();
            boolean key = !settings.keyFile().isBlank();
            if (cert != key) {
                throw new IllegalArgumentException("--tls-cert-file and --tls-private-key-file go together");
            }
            if (cert) {
                return given(settings);
            }
            return generated(settings.dataDir().resolve("pki"), settings.sans());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SANs of a generated certificate: localhost, 127.0.0.1, this host's name, then {@code extra}. */
    public static List<String> defaultSans(List<String> extra) {
        Set<String> sans = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
        try {
            sans.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            LOG.debug("no host name for the serving certificate: {}", e.getMessage());
        }
        extra.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(sans::add);
        return List.copyOf(sans);
    }

    /** The served chain, leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    /** What a client (the API server) must trust to call the webhooks. */
    public List<X509Certificate> caBundle() {
        return caBundle;
    }

    /** {@link #caBundle()} as the base64 of its PEM: a webhook configuration's {@code clientConfig.caBundle}. */
    public String caBundleBase64() {
        return Base64.getEncoder().encodeToString(Pem.certificates(caBundle).getBytes(StandardCharsets.US_ASCII));
    }

    /** The key and chain as an in-memory PKCS#12 key store (alias {@value #KEY_ALIAS}). */
    public KeyStore keyStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(KEY_ALIAS, key, KEY_STORE_PASSWORD.toCharArray(), chain.toArray(X509Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServingCertificates given(Settings settings) throws IOException {
        List<X509Certificate> chain = Pem.readCertificates(Path.of(settings.certFile()));
        PrivateKey key = Pem.readPrivateKey(Path.of(settings.keyFile()));
        if (!matches(chain.getFirst(), key)) {
            throw new IllegalArgumentException("the private key in " + settings.keyFile()
                    + " does not belong to the certificate in " + settings.certFile());
        }
        List<X509Certificate> bundle;
        if (!settings.caBundleFile().isBlank()) {
            bundle = Pem.readCertificates(Path.of(settings.caBundleFile()));
        } else {
            bundle = chain.size() > 1 ? chain.subList(1, chain.size()) : chain;
        }
        return new ServingCertificates(chain, key, bundle);
    }

    private static ServingCertificates generated(Path dir, List<String> sans) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        Certificates.Issued ca = loadOrCreateCa(dir);
        Certificates.Issued serving = loadOrCreateServing(dir, ca, sans);
        return new ServingCertificates(List.of(serving.certificate()), serving.key(), List.of(ca.certificate()));
    }

    private static Certificates.Issued loadOrCreateCa(Path dir) throws IOException {
        Path crt = dir.resolve("ca.crt");
        Path key = dir.resolve("ca.key");
        if (Files.exists(crt) && Files.exists(key)) {
            return new Certificates.Issued(Pem.readCertificates(crt).getFirst(), Pem.readPrivateKey(key));
        }
        Certificates.Issued ca = Certificates.selfSignedCa(
                "kapi-admission-webhooks-ca@" + Instant.now().getEpochSecond(), CA_VALIDITY);
        write(dir, "ca", ca);
        LOG.info("Generated a CA in {}", crt);
        return ca;
    }

    private static Certificates.Issued loadOrCreateServing(Path dir, Certificates.Issued ca, List<String> sans)
            throws IOException {
        Path crt = dir.resolve("serving.crt");
        Path key = dir.resolve("serving.key");
        if (Files.exists(crt) && Files.exists(key)) {
            X509Certificate existing = Pem.readCertificates(crt).getFirst();
            if (stillGood(existing, ca, sans)) {
                return new Certificates.Issued(existing, Pem.readPrivateKey(key));
            }
        }
        Certificates.Issued serving = Certificates.serving(ca, "kapi-admission-webhooks", sans, SERVING_VALIDITY);
        write(dir, "serving", serving);
        LOG.info("Generated a serving certificate in {} for {}", crt, sans);
        return serving;
    }

    private static boolean stillGood(X509Certificate cert, Certificates.Issued ca, List<String> sans) {
        try {
            cert.verify(ca.certificate().getPublicKey());
            cert.checkValidity(Date.from(Instant.now().plus(RENEW_BEFORE)));
            return sanSet(cert).equals(canonical(sans));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DNS and IP SANs of a certificate, in a canonical form to compare with the wanted ones. */
    static Set<String> sanSet(X509Certificate cert) throws GeneralSecurityException {
        Set<String> out = new TreeSet<>();
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        for (List<?> n : names == null ? List.<List<?>>of() : names) {
            int type = (Integer) n.get(0);
            if (type == GeneralName.iPAddress) {
                out.add("ip:" + Certificates.canonicalIp(String.valueOf(n.get(1))));
            } else if (type == GeneralName.dNSName) {
                out.add("dns:" + n.get(1));
            }
        }
        return out;
    }

    private static Set<String> canonical(List<String> sans) {
        Set<String> out = new TreeSet<>();
        for (String s : sans) {
            out.add(Certificates.isIpLiteral(s) ? "ip:" + Certificates.canonicalIp(s) : "dns:" + s);
        }
        return out;
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] probe = "kapi-admission-webhooks".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static void write(Path dir, String name, Certificates.Issued issued) throws IOException {
        Pem.writePrivate(dir.resolve(name + ".crt"), Pem.certificates(List.of(issued.certificate())));
        Pem.writePrivate(dir.resolve(name + ".key"), Pem.privateKey(issued.key()));
    }
}
