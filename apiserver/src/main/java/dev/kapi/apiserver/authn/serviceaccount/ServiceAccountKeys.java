package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of ServiceAccount tokens: the private key that signs ({@code --service-account-signing-key-file},
 * or one generated once into the data dir) and the public keys that verify
 * ({@code --service-account-key-file}, by default the signing key's own). Each public key is known by
 * kube's key id: the unpadded base64url SHA-256 of its DER (PKIX) encoding.
 */
public final class ServiceAccountKeys {

    private final PrivateKey signingKey;
    private final String signingKeyId;
    private final JWSAlgorithm signingAlgorithm;
    private final Map<String, PublicKey> verifyingKeys;

    public ServiceAccountKeys(PrivateKey signingKey, PublicKey signingPublicKey, List<PublicKey> verifyingKeys) {
        this.signingKey = signingKey;
        this.signingKeyId = keyId(signingPublicKey);
        this.signingAlgorithm = algorithmOf(signingPublicKey);
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey k : verifyingKeys.isEmpty() ? List.of(signingPublicKey) : verifyingKeys) {
            byId.put(keyId(k), k);
        }
        this.verifyingKeys = Map.copyOf(byId);
    }

    /**
     * Loads the keys from the flags' files. Without a signing key file, the RSA 2048 key in
     * {@code generatedKeyFile} is used, generated there on first start.
     */
    public static ServiceAccountKeys load(Path signingKeyFile, List<Path> keyFiles, Path generatedKeyFile) {
        PrivateKey signing = signingKeyFile != null ? PemKeys.privateKey(read(signingKeyFile))
                : loadOrGenerate(generatedKeyFile);
        List<PublicKey> verifying = new ArrayList<>();
        for (Path f : keyFiles) {
            List<PublicKey> keys = PemKeys.publicKeys(read(f));
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no public keys found in " + f);
            }
            verifying.addAll(keys);
        }
        PublicKey signingPublic = publicOfSigningKey(signing, verifying);
        return new ServiceAccountKeys(signing, signingPublic, verifying);
    }

    /**
     * The public half of the signing key: derived for RSA; for EC, the verifying key that checks a test
     * signature (the JDK cannot derive it, so it must be in {@code --service-account-key-file}).
     */
    private static PublicKey publicOfSigningKey(PrivateKey signing, List<PublicKey> verifying) {
        if (signing instanceof java.security.interfaces.RSAPrivateCrtKey) {
            return PemKeys.publicOf(signing);
        }
        for (PublicKey k : verifying) {
            if (k.getAlgorithm().equals(signing.getAlgorithm()) && pairs(signing, k)) {
                return k;
            }
        }
        throw new IllegalArgumentException("the public key of the " + signing.getAlgorithm()
                + " service account signing key must be given in --service-account-key-file");
    }

    private static boolean pairs(PrivateKey signing, PublicKey candidate) {
        return PemKeys.pairs(signing, candidate,
                signing.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
    }

    private static PrivateKey loadOrGenerate(Path file) {
        if (Files.exists(file)) {
            return PemKeys.privateKey(read(file));
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            PrivateKey key = gen.generateKeyPair().getPrivate();
            if (!Files.isDirectory(file.getParent())) {
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            // created 0600, so the key is never readable by others, not even before a chmod
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, PemKeys.encode(key), StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the service account key " + file, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file, e);
        }
    }

    /** kube's key id of a public key: base64url (unpadded) of SHA-256 over its DER encoding. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 for RSA keys; ES256/384/512 by curve for EC keys. */
    public static JWSAlgorithm algorithmOf(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits <= 256 ? JWSAlgorithm.ES256 : bits <= 384 ? JWSAlgorithm.ES384 : JWSAlgorithm.ES512;
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
    }

    public PrivateKey signingKey() {
        return signingKey;
    }

    public String signingKeyId() {
        return signingKeyId;
    }

    public JWSAlgorithm signingAlgorithm() {
        return signingAlgorithm;
    }

    /** The verifying key with this id, or null. */
    public PublicKey verifyingKey(String keyId) {
        return verifyingKeys.get(keyId);
    }

    public List<PublicKey> verifyingKeys() {
        return List.copyOf(verifyingKeys.values());
    }

    /** The verifying keys as a JWK set (kid, use=sig, alg), as {@code /openid/v1/jwks} serves them. */
    public JWKSet publicJwks() {
        List<JWK> jwks = new ArrayList<>();
        verifyingKeys.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            PublicKey k = e.getValue();
            if (k instanceof RSAPublicKey rsa) {
                jwks.add(new RSAKey.Builder(rsa).keyID(e.getKey()).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).build());
            } else if (k instanceof ECPublicKey ec) {
                jwks.add(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).keyID(e.getKey())
                        .keyUse(KeyUse.SIGNATURE).algorithm(algorithmOf(ec)).build());
            }
        });
        return new JWKSet(jwks);
    }
}
