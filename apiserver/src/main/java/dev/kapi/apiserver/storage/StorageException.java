package dev.kapi.apiserver.storage;

/** Every failure the storage SPI reports, with a code the registry maps to an API status. */
public class StorageException extends RuntimeException {

    public enum Code {
        /** The key does not exist. */
        KEY_NOT_FOUND,
        /** Create found the key already present. */
        KEY_EXISTS,
        /** A uid or resourceVersion precondition did not hold. */
        CONFLICT,
        /** The requested revision was compacted away. */
        EXPIRED,
        /** The requested revision is newer than the store has reached. */
        TOO_LARGE_RESOURCE_VERSION,
        /** A continue token could not be decoded. */
        INVALID_CONTINUE,
        /** The backend refused the value as too large. */
        TOO_LARGE,
        /** The backend did not answer (in time). */
        UNREACHABLE,
        /**
         * A watch cache is (re)initializing and will not pass this read to the backend (a list from memory that
         * would cost the backend a read of every entry); the client is to try again in a moment.
         */
        NOT_READY,
        /** The backend has no space left (a full disk): the write was not made. */
        NO_SPACE,
        /** Anything else the backend reported. */
        INTERNAL
    }

    private final Code code;
    private final String key;

    public StorageException(Code code, String key, String message) {
        this(code, key, message, null);
    }

    public StorageException(Code code, String key, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.key = key;
    }

    public Code code() {
        return code;
    }

    public String key() {
        return key;
    }
}
