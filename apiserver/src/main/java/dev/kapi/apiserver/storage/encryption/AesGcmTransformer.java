package dev.kapi.apiserver.storage.encryption;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code aesgcm} provider with one key, laid out as kube-apiserver lays it out: a random 12-byte nonce, then
 * the AES-GCM ciphertext with its 16-byte tag, authenticated together with the storage key (a value moved to
 * another key does not open). Random nonces limit a key to about 2^32 writes: rotate keys often.
 */
final class AesGcmTransformer implements ValueTransformer {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    AesGcmTransformer(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] toStorage(byte[] value, byte[] authenticatedData) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return seal(value, nonce, authenticatedData);
    }

    /** The stored form with a given nonce (the known-answer tests choose it). */
    byte[] seal(byte[] value, byte[] nonce, byte[] authenticatedData) {
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            gcm.updateAAD(authenticatedData);
            byte[] out = new byte[NONCE + gcm.getOutputSize(value.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            gcm.doFinal(value, 0, value.length, out, NONCE);
            return out;
        } catch (GeneralSecurityException e) {
            throw new TransformException("failed to encrypt with AES-GCM: " + e.getMessage(), e);
        }
    }

    @Override
    public Read fromStorage(byte[] stored, byte[] authenticatedData) {
        if (stored.length < NONCE) {
            throw new TransformException("the stored data was shorter than the required size");
        }
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE));
            gcm.updateAAD(authenticatedData);
            return new Read(gcm.doFinal(stored, NONCE, stored.length - NONCE), false);
        } catch (AEADBadTagException e) {
            throw new TransformException("cipher: message authentication failed");
        } catch (GeneralSecurityException e) {
            throw new TransformException("failed to decrypt with AES-GCM: " + e.getMessage(), e);
        }
    }
}
