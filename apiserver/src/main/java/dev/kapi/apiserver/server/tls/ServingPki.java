package dev.kapi.apiserver.server.tls;

import dev.kapi.apiserver.authn.serviceaccount.PemKeys;
import org.bouncycastle.asn1.x509.GeneralName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Kapi's certificates: a CA ({@code <data-dir>/pki/ca.{crt,key}}, generated on first start and kept), the
 * serving certificate ({@code --tls-cert-file}/{@code --tls-private-key-file}, or {@code pki/serving.{crt,key}}
 * signed by the CA, regenerated when its SANs change or it nears expiry) and the CAs trusted for client
 * certificates (the CA plus {@code --client-ca-file}).
 */
public final class ServingPki {

    private static final Logger LOG = LoggerFactory.getLogger(ServingPki.class);
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVING_VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** The password of the in-memory key store (never written anywhere). */
    public static final String KEY_STORE_PASSWORD = "kapi";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The flags that decide the certificates. */
    public record Settings(Path dataDir, String tlsCertFile, String tlsPrivateKeyFile, List<String> sans,
                           String clientCaFile) {
    }

    private final Certificates.Issued ca;
    private final List<X509Certificate> servingChain;
    private final PrivateKey servingKey;
    private final List<X509Certificate> clientCas;

    private ServingPki(Certificates.Issued ca, List<X509Certificate> servingChain, PrivateKey servingKey,
                       List<X509Certificate> clientCas) {
        this.ca = ca;
        this.servingChain = List.copyOf(servingChain);
        this.servingKey = servingKey;
        this.clientCas = List.copyOf(clientCas);
    }

    /** Loads the certificates, generating what is missing or stale. */
    public static ServingPki load(Settings settings) {
        try {
            Path dir = settings.dataDir().resolve("pki");
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Certificates.Issued ca = loadOrCreateCa(dir);
            List<X509Certificate> chain;
            PrivateKey key;
            if (!settings.tlsCertFile().isEmpty() || !settings.tlsPrivateKeyFile().isEmpty()) {
                if (settings.tlsCertFile().isEmpty() || settings.tlsPrivateKeyFile().isEmpty()) {
                    throw new IllegalArgumentException("--tls-cert-file and --tls-private-key-file go together");
                }
                chain = Pem.readCertificates(Path.of(settings.tlsCertFile()));
                key = Pem.readPrivateKey(Path.of(settings.tlsPrivateKeyFile()));
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException("tls: failed to find any PEM data in certificate input");
                }
                if (!matches(key, chain.getFirst())) {
                    throw new IllegalArgumentException("tls: private key does not match public key");
                }
            } else {
                Certificates.Issued serving = loadOrCreateServing(dir, ca, settings.sans());
                chain = List.of(serving.certificate());
                key = serving.key();
            }
            List<X509Certificate> clientCas = new ArrayList<>(List.of(ca.certificate()));
            if (!settings.clientCaFile().isEmpty()) {
                clientCas.addAll(Pem.readCertificates(Path.of(settings.clientCaFile())));
            }
            return new ServingPki(ca, chain, key, clientCas);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code key} is the private key of {@code cert}: what it signs, the certificate's key verifies. */
    static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        // a key type the JDK names otherwise: the handshake will tell; an RSA key beside an EC certificate: false
        return algorithm == null || PemKeys.pairs(key, cert.getPublicKey(), algorithm);
    }

    /** The SANs of a generated serving certificate: the local names plus each {@code --tls-san}. */
    public static List<String> defaultSans(List<String> extra) {
        Set<String> sans = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            sans.add(java.net.InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            LOG.debug("no host name for the serving certificate: {}", e.getMessage());
        }
        extra.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(sans::add);
        return List.copyOf(sans);
    }

    /** Kapi's CA: signs the serving certificate and client certificates (the admin kubeconfig's). */
    public Certificates.Issued ca() {
        return ca;
    }

    /** The certificate chain served, leaf first. */
    public List<X509Certificate> servingChain() {
        return servingChain;
    }

    /** The CAs whose client certificates authenticate users. */
    public List<X509Certificate> clientCas() {
        return clientCas;
    }

    /** What a client should trust to reach this server: the CA when it signed the serving cert, else the chain. */
    public List<X509Certificate> trustForClients() {
        X509Certificate leaf = servingChain.getFirst();
        if (leaf.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
            return List.of(ca.certificate());
        }
        return servingChain.size() > 1 ? servingChain.subList(1, servingChain.size()) : servingChain;
    }

    /**
     * The serving key and chain as an in-memory key store (alias {@code kapi}). The key is wrapped with a single
     * PBKDF2 iteration instead of PKCS12's default 10,000: the store never leaves memory, so the wrapping
     * protects nothing, and with the default, storing the key and the key managers' reading it back cost about
     * 6 ms per key store on every start (twice per start: Jetty's and the client-certificate context's).
     */
    public KeyStore keyStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            X509Certificate[] chain = servingChain.toArray(X509Certificate[]::new);
            PrivateKey key = withAlgorithmOf(servingKey, chain[0]);
            char[] password = KEY_STORE_PASSWORD.toCharArray();
            if (key != null) {
                byte[] salt = new byte[16];
                byte[] iv = new byte[16];
                RANDOM.nextBytes(salt);
                RANDOM.nextBytes(iv);
                PBEParameterSpec oneIteration = new PBEParameterSpec(salt, 1, new IvParameterSpec(iv));
                ks.setEntry("kapi", new KeyStore.PrivateKeyEntry(key, chain),
                        new KeyStore.PasswordProtection(password, "PBEWithHmacSHA256AndAES_256", oneIteration));
            } else {
                ks.setKeyEntry("kapi", servingKey, password, chain); // an entry would refuse the names' mismatch
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code key} under the algorithm name of the certificate's public key, which a key store's entry requires:
     * with Bouncy Castle a registered provider (client libraries register it), an EC key read from a file says
     * "ECDSA" where the certificate's says "EC". Null when it cannot be converted.
     */
    private static PrivateKey withAlgorithmOf(PrivateKey key, X509Certificate certificate) {
        String algorithm = certificate.getPublicKey().getAlgorithm();
        if (key.getAlgorithm().equals(algorithm)) {
            return key;
        }
        try {
            PrivateKey converted = KeyFactory.getInstance(algorithm)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            return converted.getAlgorithm().equals(algorithm) ? converted : null;
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** The client CAs as an in-memory trust store. */
    public KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < clientCas.size(); i++) {
                ks.setCertificateEntry("client-ca-" + i, clientCas.get(i));
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Certificates.Issued loadOrCreateCa(Path dir) throws IOException {
        Path crt = dir.resolve("ca.crt");
        Path key = dir.resolve("ca.key");
        if (Files.exists(crt) && Files.exists(key)) {
            return new Certificates.Issued(Pem.readCertificates(crt).getFirst(), Pem.readPrivateKey(key));
        }
        Certificates.Issued ca = Certificates.selfSignedCa("kapi-ca@" + Instant.now().getEpochSecond(), CA_VALIDITY);
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
        Certificates.Issued serving = Certificates.serving(ca, "kapi", sans, SERVING_VALIDITY);
        write(dir, "serving", serving);
        LOG.info("Generated a serving certificate in {} for {}", crt, sans);
        return serving;
    }

    private static boolean stillGood(X509Certificate cert, Certificates.Issued ca, List<String> sans) {
        try {
            cert.verify(ca.certificate().getPublicKey());
            cert.checkValidity(java.util.Date.from(Instant.now().plus(RENEW_BEFORE)));
            return sanSet(cert).equals(canonical(sans));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DNS and IP SANs of a certificate, canonicalised for comparison. */
    static Set<String> sanSet(X509Certificate cert) throws CertificateParsingException {
        Set<String> out = new TreeSet<>();
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        if (names != null) {
            for (List<?> n : names) {
                int type = (Integer) n.get(0);
                String value = String.valueOf(n.get(1));
                if (type == GeneralName.iPAddress) {
                    out.add("ip:" + Certificates.canonicalIp(value));
                } else if (type == GeneralName.dNSName) {
                    out.add("dns:" + value);
                }
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

    /** Certificate and key, both 0600: everything in the data dir is the server user's alone. */
    private static void write(Path dir, String name, Certificates.Issued issued) throws IOException {
        writePrivate(dir.resolve(name + ".crt"), Pem.certificates(List.of(issued.certificate())));
        writePrivate(dir.resolve(name + ".key"), Pem.privateKey(issued.key()));
    }

    /** Writes a file only its owner may read (keys, kubeconfigs with credentials). */
    public static void writePrivate(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
