package dev.kapi.apiserver.storage.encryption;

/** A stored value a {@link ValueTransformer} cannot read (or, never in practice, a value it cannot write). */
public final class TransformException extends RuntimeException {

    public TransformException(String message) {
        super(message);
    }

    public TransformException(String message, Throwable cause) {
        super(message, cause);
    }
}
