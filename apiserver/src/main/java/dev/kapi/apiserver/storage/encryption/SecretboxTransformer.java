package dev.kapi.apiserver.storage.encryption;

import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The {@code secretbox} provider with one 32-byte key: NaCl's secretbox (XSalsa20 and Poly1305), laid out as
 * kube-apiserver lays it out: a random 24-byte nonce, then the box (the 16-byte Poly1305 tag, then the
 * ciphertext). As NaCl does, the first 32 bytes of the XSalsa20 key stream are the one-time Poly1305 key and
 * the value is encrypted with the stream from byte 32 on.
 */
final class SecretboxTransformer implements ValueTransformer {

    private static final int NONCE = 24;
    private static final int TAG = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    SecretboxTransformer(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("secretbox needs a 32-byte key, got " + key.length);
        }
        this.key = key.clone();
    }

    @Override
    public byte[] toStorage(byte[] value, byte[] authenticatedData) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return seal(value, nonce);
    }

    /** The stored form with a given nonce (the known-answer tests choose it). */
    byte[] seal(byte[] value, byte[] nonce) {
        XSalsa20Engine stream = stream(nonce);
        byte[] macKey = macKey(stream);
        byte[] out = new byte[NONCE + TAG + value.length];
        System.arraycopy(nonce, 0, out, 0, NONCE);
        stream.processBytes(value, 0, value.length, out, NONCE + TAG);
        System.arraycopy(tag(macKey, out, NONCE + TAG, value.length), 0, out, NONCE, TAG);
        return out;
    }

    @Override
    public Read fromStorage(byte[] stored, byte[] authenticatedData) {
        if (stored.length < NONCE + TAG) {
            throw new TransformException("the stored data was shorter than the required size");
        }
        byte[] nonce = java.util.Arrays.copyOf(stored, NONCE);
        int length = stored.length - NONCE - TAG;
        XSalsa20Engine stream = stream(nonce);
        byte[] expected = tag(macKey(stream), stored, NONCE + TAG, length);
        if (!MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(stored, NONCE, NONCE + TAG))) {
            throw new TransformException("secretbox: message authentication failed");
        }
        byte[] plain = new byte[length];
        stream.processBytes(stored, NONCE + TAG, length, plain, 0);
        return new Read(plain, false);
    }

    private XSalsa20Engine stream(byte[] nonce) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    /** The one-time Poly1305 key: the first 32 bytes of the stream, which then goes on at byte 32. */
    private static byte[] macKey(XSalsa20Engine stream) {
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        return macKey;
    }

    /** The Poly1305 tag of {@code length} ciphertext bytes at {@code offset}. */
    private static byte[] tag(byte[] macKey, byte[] data, int offset, int length) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(data, offset, length);
        byte[] tag = new byte[TAG];
        mac.doFinal(tag, 0);
        return tag;
    }
}
