package dev.kapi.apiserver.storage.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code aescbc} provider with one key, laid out as kube-apiserver lays it out: a random 16-byte IV, then
 * the value in AES-CBC with PKCS#7 padding. CBC authenticates nothing: a wrong key is usually caught by the
 * padding check, not always, which is why kube recommends aesgcm or secretbox over it.
 */
final class AesCbcTransformer implements ValueTransformer {

    private static final int BLOCK = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    AesCbcTransformer(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] toStorage(byte[] value, byte[] authenticatedData) {
        byte[] iv = new byte[BLOCK];
        RANDOM.nextBytes(iv);
        return seal(value, iv);
    }

    /** The stored form with a given IV (the known-answer tests choose it). */
    byte[] seal(byte[] value, byte[] iv) {
        int padding = BLOCK - value.length % BLOCK;
        byte[] padded = new byte[value.length + padding];
        System.arraycopy(value, 0, padded, 0, value.length);
        java.util.Arrays.fill(padded, value.length, padded.length, (byte) padding);
        byte[] out = new byte[BLOCK + padded.length];
        System.arraycopy(iv, 0, out, 0, BLOCK);
        try {
            Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
            cbc.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            cbc.doFinal(padded, 0, padded.length, out, BLOCK);
        } catch (GeneralSecurityException e) {
            throw new TransformException("failed to encrypt with AES-CBC: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Read fromStorage(byte[] stored, byte[] authenticatedData) {
        if (stored.length < BLOCK) {
            throw new TransformException("the stored data was shorter than the required size");
        }
        int length = stored.length - BLOCK;
        if (length % BLOCK != 0) {
            throw new TransformException("the stored data is not a multiple of the block size");
        }
        byte[] plain;
        try {
            Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding");
            cbc.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(stored, 0, BLOCK));
            plain = cbc.doFinal(stored, BLOCK, length);
        } catch (GeneralSecurityException e) {
            throw new TransformException("failed to decrypt with AES-CBC: " + e.getMessage(), e);
        }
        int padding = plain.length == 0 ? 0 : plain[plain.length - 1] & 0xff;
        if (padding == 0 || padding > plain.length) {
            throw new TransformException("invalid PKCS7 data (empty or not padded)");
        }
        for (int i = plain.length - padding; i < plain.length; i++) {
            if ((plain[i] & 0xff) != padding) {
                throw new TransformException("invalid padding on input");
            }
        }
        return new Read(java.util.Arrays.copyOf(plain, plain.length - padding), false);
    }
}
