package dev.kapi.apiserver.storage.encryption;

/**
 * The {@code identity} provider: values are stored as they are. It refuses to read a value that starts with the
 * prefix reserved for encrypted data ({@code k8s:enc:}), so a list with {@code identity} ahead of an encrypting
 * provider (the way out of encryption) still hands encrypted values on to the provider that reads them.
 */
final class IdentityTransformer implements ValueTransformer {

    static final byte[] ENCRYPTED = "k8s:enc:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public byte[] toStorage(byte[] value, byte[] authenticatedData) {
        return value;
    }

    @Override
    public Read fromStorage(byte[] stored, byte[] authenticatedData) {
        if (PrefixTransformers.startsWith(stored, ENCRYPTED)) {
            throw new TransformException("identity transformer tried to read encrypted data");
        }
        return new Read(stored, false);
    }
}
