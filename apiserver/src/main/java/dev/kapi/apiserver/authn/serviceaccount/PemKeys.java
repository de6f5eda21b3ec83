package dev.kapi.apiserver.authn.serviceaccount;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes PEM keys with the JDK alone: private keys as PKCS#8 ({@code PRIVATE KEY}) or PKCS#1
 * ({@code RSA PRIVATE KEY}); public keys as X.509 ({@code PUBLIC KEY}), PKCS#1 ({@code RSA PUBLIC KEY}) or
 * inside certificates ({@code CERTIFICATE}). RSA and EC (PKCS#8 / X.509 encodings) are understood.
 */
public final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemKeys() {
    }

    /** One PEM block: its label and DER bytes. */
    public record Block(String type, byte[] der) {
    }

    public static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""))));
        }
        return out;
    }

    /**
     * The first private key in {@code pem}: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
     * ({@code EC PRIVATE KEY}, as {@code openssl ecparam -genkey} writes it); fails naming what the file holds
     * when there is none.
     */
    public static PrivateKey privateKey(String pem) {
        List<String> found = new ArrayList<>();
        for (Block b : blocks(pem)) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(sequence(concat(new byte[]{0x02, 0x01, 0x00}, RSA_ALGORITHM, tlv(0x04, b.der()))));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(sec1ToPkcs8(b.der()));
                }
                default -> found.add(b.type());
            }
        }
        throw new IllegalArgumentException("no private key found (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY): "
                + (found.isEmpty() ? "no PEM block" : "the PEM holds " + String.join(", ", found)));
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: a probe {@code algorithm} signs with the one
     * verifies with the other (false when it cannot be signed or verified so).
     */
    public static boolean pairs(PrivateKey key, PublicKey publicKey, String algorithm) {
        try {
            byte[] probe = "kapi".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            java.security.Signature v = java.security.Signature.getInstance(algorithm);
            v.initVerify(publicKey);
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A SEC1 {@code ECPrivateKey} as PKCS#8, its curve from the key's own parameters. */
    private static byte[] sec1ToPkcs8(byte[] der) {
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der);
            if (sec1.getParametersObject() == null) {
                throw new IllegalArgumentException("an EC PRIVATE KEY without its curve");
            }
            return new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                    org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()), sec1)
                    .getEncoded();
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid EC PRIVATE KEY: " + e.getMessage(), e);
        }
    }

    /**
     * Every public key in {@code pem}: public keys, certificates' keys, the public halves of RSA private keys and
     * of SEC1 EC private keys that carry theirs (PKCS#8 EC keys are skipped); kube-apiserver's
     * {@code --service-account-key-file} accepts all of these.
     */
    public static List<PublicKey> publicKeys(String pem) {
        List<PublicKey> out = new ArrayList<>();
        try {
            for (Block b : blocks(pem)) {
                switch (b.type()) {
                    case "PUBLIC KEY" -> out.add(x509(b.der()));
                    case "RSA PUBLIC KEY" -> out.add(KeyFactory.getInstance("RSA").generatePublic(
                            new X509EncodedKeySpec(sequence(concat(RSA_ALGORITHM, bitString(b.der()))))));
                    case "CERTIFICATE" -> out.add(CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(b.der())).getPublicKey());
                    case "PRIVATE KEY", "RSA PRIVATE KEY" -> {
                        PrivateKey k = privateKey("-----BEGIN " + b.type() + "-----\n"
                                + Base64.getMimeEncoder().encodeToString(b.der()) + "\n-----END " + b.type() + "-----\n");
                        if (k instanceof RSAPrivateCrtKey) {
                            out.add(publicOf(k));
                        }
                    }
                    case "EC PRIVATE KEY" -> {
                        org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
                                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(b.der());
                        if (sec1.getPublicKey() != null && sec1.getParametersObject() != null) {
                            out.add(x509(new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                            org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey,
                                            sec1.getParametersObject()), sec1.getPublicKey()).getEncoded()));
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid public key: " + e.getMessage(), e);
        }
        return out;
    }

    /** The public key of an RSA private key (the CRT form carries the public exponent). */
    public static PublicKey publicOf(PrivateKey key) {
        if (key instanceof RSAPrivateCrtKey rsa) {
            try {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(e);
            }
        }
        throw new IllegalArgumentException("cannot derive the public key of a " + key.getAlgorithm() + " private key");
    }

    /** PEM text of a key in its standard encoding (PKCS#8 {@code PRIVATE KEY} or X.509 {@code PUBLIC KEY}). */
    public static String encode(java.security.Key key) {
        String type = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(key.getEncoded())
                + "\n-----END " + type + "-----\n";
    }

    private static PrivateKey pkcs8(byte[] der) {
        for (String alg : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("unsupported private key (only RSA and EC)");
    }

    private static PublicKey x509(byte[] der) throws GeneralSecurityException {
        for (String alg : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("unsupported public key (only RSA and EC)");
    }

    private static byte[] sequence(byte[] content) {
        return tlv(0x30, content);
    }

    private static byte[] bitString(byte[] content) {
        return tlv(0x03, concat(new byte[]{0}, content));
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
