package dev.kapi.apiserver.admission.plugin.podsecurity;

/** A level checked at a version, written {@code restricted:latest} as in kube's messages. */
public record LevelVersion(Level level, PolicyVersion version) {

    public static final LevelVersion PRIVILEGED_LATEST = new LevelVersion(Level.PRIVILEGED, PolicyVersion.LATEST);

    /** Both privileged (whatever the versions), or the same level at the same version. */
    boolean equivalent(LevelVersion other) {
        return level == Level.PRIVILEGED && other.level == Level.PRIVILEGED || equals(other);
    }

    @Override
    public String toString() {
        return level + ":" + version;
    }
}
