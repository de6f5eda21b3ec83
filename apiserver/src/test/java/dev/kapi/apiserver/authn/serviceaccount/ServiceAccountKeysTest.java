package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountKeysTest {

    static Path resource(String name) {
        try {
            return Path.of(ServiceAccountKeysTest.class.getResource("/serviceaccount/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void generatesAKeyOnFirstStartAndReusesIt(@TempDir Path dataDir) throws Exception {
        Path file = dataDir.resolve("pki/sa.key");
        ServiceAccountKeys first = ServiceAccountKeys.load(null, List.of(), file);
        ServiceAccountKeys second = ServiceAccountKeys.load(null, List.of(), file);

        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(second.signingKeyId()).isEqualTo(first.signingKeyId());
        assertThat(first.signingAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(first.verifyingKeys()).hasSize(1);
        assertThat(first.verifyingKey(first.signingKeyId())).isNotNull();
    }

    @Test
    void readsAPkcs1SigningKeyAndCertificateAndEcPublicKeys() {
        ServiceAccountKeys keys = ServiceAccountKeys.load(resource("pkcs1.key"),
                List.of(resource("pkcs1.crt"), resource("ec.pub")), Path.of("/nonexistent"));
        String rsaKid = ServiceAccountKeys.keyId(PemKeys.publicKeys(read("pkcs1.crt")).getFirst());
        String ecKid = ServiceAccountKeys.keyId(PemKeys.publicKeys(read("ec.pub")).getFirst());

        assertThat(keys.signingKeyId()).isEqualTo(rsaKid);
        assertThat(keys.publicJwks().getKeys()).extracting(JWK::getKeyID).containsExactlyInAnyOrder(rsaKid, ecKid);
        assertThat(keys.publicJwks().getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
        assertThat(keys.publicJwks().getKeyByKeyId(ecKid).getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    }

    @Test
    void signsWithAnEcKeyAsEs256() throws Exception {
        ServiceAccountKeys keys = ServiceAccountKeys.load(resource("ec.key"), List.of(resource("ec.pub")),
                Path.of("/nonexistent"));
        ServiceAccountTokenOptions options = new ServiceAccountTokenOptions(List.of("https://issuer"), List.of(), null);
        ServiceAccountRef sa = new ServiceAccountRef("ns", "sa", "u");
        String token = new ServiceAccountTokenGenerator(keys, "https://issuer").issue(sa, List.of("https://issuer"),
                Instant.now(), Instant.now().plusSeconds(600), null);

        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(new ServiceAccountTokenAuthenticator(keys, options, (k, n, name, uid, deletedBefore) -> true,
                Clock.systemUTC())
                .authenticateToken(token, List.of())).isPresent();
    }

    /** {@code openssl ecparam -genkey}'s SEC1 block reads as the key it holds; a certificate says what it is. */
    @Test
    void readsASec1EcKeyAndSaysWhatAFileWithoutAKeyHolds() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        String sec1 = dev.kapi.apiserver.server.tls.Pem.privateKeyForKubeconfig(pair.getPrivate(), pair.getPublic());
        assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(((java.security.interfaces.ECPrivateKey) PemKeys.privateKey(sec1)).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS());

        assertThat(PemKeys.publicKeys(sec1)).containsExactly(pair.getPublic());

        String cert = dev.kapi.apiserver.server.tls.Pem.certificates(List.of(dev.kapi.apiserver.server.tls.Certificates
                .selfSignedCa("x", java.time.Duration.ofDays(1)).certificate()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PemKeys.privateKey(cert))
                .hasMessage("no private key found (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY): the PEM holds "
                        + "CERTIFICATE");
    }

    /**
     * Security: with a SEC1 EC key configured for signing and verifying, a token signed by another EC key (one an
     * attacker made, with the same issuer and claims) is refused as an invalid bearer token.
     */
    @Test
    void aTokenSignedByAnotherSec1KeyIsRefused(@TempDir Path dir) throws Exception {
        Path ours = Files.writeString(dir.resolve("ours.key"), sec1Key());
        Path theirs = Files.writeString(dir.resolve("theirs.key"), sec1Key());
        ServiceAccountKeys server = ServiceAccountKeys.load(ours, List.of(ours), dir.resolve("unused"));
        ServiceAccountKeys attacker = ServiceAccountKeys.load(theirs, List.of(theirs), dir.resolve("unused"));
        ServiceAccountTokenOptions options = new ServiceAccountTokenOptions(List.of("https://issuer"), List.of(), null);
        ServiceAccountRef sa = new ServiceAccountRef("kube-system", "admin", "u");
        ServiceAccountTokenAuthenticator authn = new ServiceAccountTokenAuthenticator(server, options,
                (k, n, name, uid, deletedBefore) -> true, Clock.systemUTC());
        String forged = new ServiceAccountTokenGenerator(attacker, "https://issuer").issue(sa,
                List.of("https://issuer"), Instant.now(), Instant.now().plusSeconds(600), null);
        String genuine = new ServiceAccountTokenGenerator(server, "https://issuer").issue(sa,
                List.of("https://issuer"), Instant.now(), Instant.now().plusSeconds(600), null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> authn.authenticateToken(forged, List.of()))
                .hasMessageContaining("invalid bearer token");
        assertThat(authn.authenticateToken(genuine, List.of())).isPresent();
    }

    private static String sec1Key() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        return dev.kapi.apiserver.server.tls.Pem.privateKeyForKubeconfig(pair.getPrivate(), pair.getPublic());
    }

    private static String read(String name) {
        try {
            return Files.readString(resource(name));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
