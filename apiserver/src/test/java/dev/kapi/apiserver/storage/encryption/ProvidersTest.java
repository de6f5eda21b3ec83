package dev.kapi.apiserver.storage.encryption;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The three ciphers against published known answers (NIST SP 800-38A CBC, the GCM specification's test case 4,
 * NaCl's secretbox test), laid out as kube-apiserver stores them; round trips at every key size; and a wrong key,
 * a tampered value or another storage key never reads.
 */
class ProvidersTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] KEY = "/registry/secrets/default/s1".getBytes(UTF_8);

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void aesCbcIsNistSp80038aWithTheIvInFrontAndPkcs7Padding() {
        byte[] key = hex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] iv = hex("000102030405060708090a0b0c0d0e0f");
        byte[] plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        AesCbcTransformer cbc = new AesCbcTransformer(key);

        byte[] stored = cbc.seal(plain, iv);

        // IV, the two NIST blocks, then one block of padding (16 x 0x10) as kube pads a whole block
        assertThat(stored).hasSize(16 + 32 + 16);
        assertThat(Arrays.copyOfRange(stored, 0, 16)).isEqualTo(iv);
        assertThat(HEX.formatHex(Arrays.copyOfRange(stored, 16, 48)))
                .isEqualTo("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
        assertThat(cbc.fromStorage(stored, KEY).value()).isEqualTo(plain);
    }

    @Test
    void aesGcmIsTheGcmSpecTestCase4WithTheNonceInFrontAndTheStorageKeyAuthenticated() {
        byte[] key = hex("feffe9928665731c6d6a8f9467308308");
        byte[] nonce = hex("cafebabefacedbaddecaf888");
        byte[] plain = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        byte[] aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        AesGcmTransformer gcm = new AesGcmTransformer(key);

        byte[] stored = gcm.seal(plain, nonce, aad);

        assertThat(HEX.formatHex(stored)).isEqualTo("cafebabefacedbaddecaf888"
                + "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                + "5bc94fbc3221a5db94fae95ae7121a47");
        assertThat(gcm.fromStorage(stored, aad).value()).isEqualTo(plain);
        assertThatThrownBy(() -> gcm.fromStorage(stored, KEY)) // the value copied under another key
                .isInstanceOf(TransformException.class).hasMessage("cipher: message authentication failed");
    }

    @Test
    void secretboxIsNaClsSecretboxWithTheNonceInFront() {
        byte[] key = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
        byte[] nonce = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
        byte[] plain = hex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
                + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
                + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
                + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
                + "5e0705");
        String box = "f3ffc7703f9400e52a7dfb4b3d3305d9" // the Poly1305 tag
                + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
                + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
                + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
                + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74"
                + "e355a5";
        SecretboxTransformer secretbox = new SecretboxTransformer(key);

        byte[] stored = secretbox.seal(plain, nonce);

        assertThat(HEX.formatHex(stored)).isEqualTo(HEX.formatHex(nonce) + box);
        assertThat(secretbox.fromStorage(stored, KEY).value()).isEqualTo(plain);
        stored[stored.length - 1] ^= 1;
        assertThatThrownBy(() -> secretbox.fromStorage(stored, KEY))
                .isInstanceOf(TransformException.class).hasMessage("secretbox: message authentication failed");
    }

    static Stream<Arguments> ciphers() {
        return Stream.of(
                Arguments.of("aescbc-16", 16, (Function<byte[], ValueTransformer>) AesCbcTransformer::new),
                Arguments.of("aescbc-24", 24, (Function<byte[], ValueTransformer>) AesCbcTransformer::new),
                Arguments.of("aescbc-32", 32, (Function<byte[], ValueTransformer>) AesCbcTransformer::new),
                Arguments.of("aesgcm-16", 16, (Function<byte[], ValueTransformer>) AesGcmTransformer::new),
                Arguments.of("aesgcm-24", 24, (Function<byte[], ValueTransformer>) AesGcmTransformer::new),
                Arguments.of("aesgcm-32", 32, (Function<byte[], ValueTransformer>) AesGcmTransformer::new),
                Arguments.of("secretbox", 32, (Function<byte[], ValueTransformer>) SecretboxTransformer::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ciphers")
    void roundTripsEveryLengthWithAFreshNonceEachTime(String name, int keySize, Function<byte[], ValueTransformer> c) {
        ValueTransformer t = c.apply(random(keySize));
        for (int length : List.of(0, 1, 15, 16, 17, 100, 4096)) {
            byte[] plain = random(length);
            byte[] once = t.toStorage(plain, KEY);
            byte[] twice = t.toStorage(plain, KEY);
            assertThat(once).as("a new IV or nonce per write").isNotEqualTo(twice);
            assertThat(t.fromStorage(once, KEY).value()).isEqualTo(plain);
            assertThat(t.fromStorage(twice, KEY).stale()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ciphers")
    void aWrongKeyOrDamagedValueFailsToRead(String name, int keySize, Function<byte[], ValueTransformer> c) {
        byte[] key = new byte[keySize];
        Arrays.fill(key, (byte) 1);
        byte[] other = key.clone();
        other[0] = 2;
        // a fixed plaintext, keys and (for aescbc) IV, so that the outcome is the same on every run: CBC alone
        // could, for one value in 256, unpad garbage under a wrong key
        byte[] plain = "{\"kind\":\"Secret\",\"data\":{\"password\":\"aHVudGVyMg==\"}}".getBytes(UTF_8);
        ValueTransformer right = c.apply(key);
        ValueTransformer wrong = c.apply(other);
        byte[] stored = right instanceof AesCbcTransformer cbc ? cbc.seal(plain, new byte[16]) : right.toStorage(plain, KEY);

        assertThatThrownBy(() -> wrong.fromStorage(stored, KEY)).isInstanceOf(TransformException.class);
        assertThatThrownBy(() -> right.fromStorage(Arrays.copyOf(stored, 5), KEY))
                .isInstanceOf(TransformException.class)
                .hasMessage("the stored data was shorter than the required size");
        assertThat(right.fromStorage(stored, KEY).value()).isEqualTo(plain);
    }

    @Test
    void aesCbcRefusesAValueThatIsNotWholeBlocks() {
        AesCbcTransformer cbc = new AesCbcTransformer(random(32));
        byte[] stored = cbc.toStorage("x".getBytes(UTF_8), KEY);
        assertThatThrownBy(() -> cbc.fromStorage(concat(stored, new byte[3]), KEY))
                .hasMessage("the stored data is not a multiple of the block size");
    }

    @Test
    void identityStoresAsIsAndRefusesEncryptedData() {
        IdentityTransformer identity = new IdentityTransformer();
        byte[] plain = "{\"a\":1}".getBytes(UTF_8);
        assertThat(identity.toStorage(plain, KEY)).isSameAs(plain);
        assertThat(identity.fromStorage(plain, KEY).value()).isEqualTo(plain);
        assertThatThrownBy(() -> identity.fromStorage("k8s:enc:aescbc:v1:key1:xyz".getBytes(UTF_8), KEY))
                .hasMessage("identity transformer tried to read encrypted data");
    }
}
