package dev.kapi.apiserver.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PemTest {

    static Stream<Arguments> keys() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        return Stream.of(
                Arguments.of(ec.generateKeyPair(), "-----BEGIN EC PRIVATE KEY-----"),
                Arguments.of(rsa.generateKeyPair(), "-----BEGIN RSA PRIVATE KEY-----"));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void kubeconfigKeysUseTheTraditionalBlockAndReadBack(KeyPair pair, String header) throws Exception {
        PrivateKey key = pair.getPrivate();
        String pem = Pem.privateKeyForKubeconfig(key, pair.getPublic());

        assertThat(pem).startsWith(header + "\n");
        // the key read back signs what the public key verifies
        Signature signer = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
        signer.initSign(Pem.readPrivateKey(pem));
        signer.update(new byte[]{1, 2, 3});
        byte[] signature = signer.sign();
        signer.initVerify(pair.getPublic());
        signer.update(new byte[]{1, 2, 3});
        assertThat(signer.verify(signature)).isTrue();
    }
}
