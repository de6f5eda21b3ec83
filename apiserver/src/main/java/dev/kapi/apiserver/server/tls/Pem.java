package dev.kapi.apiserver.server.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** PEM text for certificates and private keys, as kubeconfigs and {@code --tls-*-file} flags hold them. */
public final class Pem {

    private Pem() {
    }

    /** One {@code CERTIFICATE} block per certificate, in order. */
    public static String certificates(List<X509Certificate> certs) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                out.append(block("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    /** A PKCS#8 {@code PRIVATE KEY} block. */
    public static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    /**
     * A private key in the form kubeconfigs carry (as client-go and k3s write them): SEC1
     * ({@code EC PRIVATE KEY}, with the curve and the public key) for EC keys, PKCS#1
     * ({@code RSA PRIVATE KEY}) for RSA keys, PKCS#8 otherwise. Clients such as fabric8 pick the key algorithm
     * from these block types and cannot read an EC key from a PKCS#8 block.
     */
    public static String privateKeyForKubeconfig(PrivateKey key, PublicKey publicKey) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            if (key instanceof ECPrivateKey ec) {
                org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                        ec.getParams().getOrder().bitLength(), ec.getS(),
                        SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData(),
                        info.getPrivateKeyAlgorithm().getParameters());
                return block("EC PRIVATE KEY", sec1.getEncoded());
            }
            if (key.getAlgorithm().equals("RSA")) {
                return block("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
            }
            return privateKey(key);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every certificate of a PEM bundle (a CA bundle or a chain, leaf first). */
    public static List<X509Certificate> readCertificates(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certs = cf.generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate found");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate bundle: " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try {
            return readCertificates(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A private key in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). */
    public static PrivateKey readPrivateKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new IllegalArgumentException("no unencrypted private key found");
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try {
            return readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
