package dev.kapi.apiserver.storage.encryption;

/**
 * Turns an object's bytes into what is stored under its key and back (kube's {@code value.Transformer}): an
 * encryption provider with one key, the list of a provider's keys, or the list of providers of a resource.
 * {@code authenticatedData} is the storage key: an AEAD binds the value to it, so a value copied under another
 * key does not decrypt. Implementations are thread safe.
 *
 * <p>Example: {@code fromStorage(toStorage(v, key), key)} answers {@code v}; it is {@linkplain Read#stale() stale}
 * when a list read it with another member than the one it writes with (the value is then rewritten on its next
 * update, so rotating a key takes a read and a write of every object).
 */
public interface ValueTransformer {

    /** What a read answers: the object's bytes, and whether they should be written again with the current key. */
    record Read(byte[] value, boolean stale) {
    }

    /** The stored form of {@code value}. */
    byte[] toStorage(byte[] value, byte[] authenticatedData);

    /**
     * The value stored as {@code stored}.
     *
     * @throws TransformException when this transformer cannot read it (wrong key, no matching prefix, damaged)
     */
    Read fromStorage(byte[] stored, byte[] authenticatedData);
}
