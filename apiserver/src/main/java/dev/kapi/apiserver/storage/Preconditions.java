package dev.kapi.apiserver.storage;

/**
 * Conditions a write or delete requires of the current value: its {@code metadata.uid} and/or its
 * mod revision (resourceVersion). A null field is not checked.
 */
public record Preconditions(String uid, Long resourceVersion) {

    public static final Preconditions NONE = new Preconditions(null, null);

    public static Preconditions uid(String uid) {
        return new Preconditions(uid, null);
    }

    public static Preconditions resourceVersion(long resourceVersion) {
        return new Preconditions(null, resourceVersion);
    }

    public boolean isEmpty() {
        return uid == null && resourceVersion == null;
    }

    /**
     * Checks these preconditions against an entry.
     *
     * @throws StorageException CONFLICT naming the mismatch
     */
    public void check(KeyValue current) {
        if (resourceVersion != null && resourceVersion != current.modRevision()) {
            throw new StorageException(StorageException.Code.CONFLICT, current.key(),
                    "Precondition failed: ResourceVersion in precondition: " + resourceVersion
                            + ", ResourceVersion in object meta: " + current.modRevision());
        }
        if (uid != null) {
            String actual = StoredObjects.uid(current.value());
            if (!uid.equals(actual)) {
                throw new StorageException(StorageException.Code.CONFLICT, current.key(),
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + actual);
            }
        }
    }
}
