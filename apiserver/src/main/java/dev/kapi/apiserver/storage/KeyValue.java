package dev.kapi.apiserver.storage;

import java.util.Objects;

/**
 * One stored entry: its key, the object's JSON and the revisions at which the key was created and last
 * modified. {@code modRevision} is the object's resourceVersion. Equal when the four are (the value's bytes
 * by identity, as a record's array component).
 *
 * <p>An entry the watch cache holds is handed to every reader of it, so it carries one {@link #memo()}: an
 * int a reader works out from the value once and keeps for the next reader (kube's cacher keeps an object's
 * serialization with it the same way). The registry keeps where its served JSON takes the resourceVersion.
 */
public final class KeyValue {

    /** {@link #memo()} before any reader set it. */
    public static final int NO_MEMO = Integer.MIN_VALUE;

    private final String key;
    private final byte[] value;
    private final long createRevision;
    private final long modRevision;
    private volatile int memo = NO_MEMO;

    public KeyValue(String key, byte[] value, long createRevision, long modRevision) {
        this.key = key;
        this.value = value;
        this.createRevision = createRevision;
        this.modRevision = modRevision;
    }

    public String key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    public long createRevision() {
        return createRevision;
    }

    public long modRevision() {
        return modRevision;
    }

    /**
     * What a reader derived from {@link #value()} and kept ({@link #NO_MEMO} until one did). Readers may race
     * to set it: each must derive the same int from the same value, so any of them winning is right.
     */
    public int memo() {
        return memo;
    }

    /** Keeps what {@link #memo()} answers from now on. */
    public void memo(int derived) {
        this.memo = derived;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other && createRevision == other.createRevision
                && modRevision == other.modRevision && key.equals(other.key) && value == other.value;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, System.identityHashCode(value), createRevision, modRevision);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + key + ", value=" + value.length + " bytes, createRevision=" + createRevision
                + ", modRevision=" + modRevision + "]";
    }
}
