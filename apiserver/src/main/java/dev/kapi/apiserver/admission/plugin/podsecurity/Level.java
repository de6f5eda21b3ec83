package dev.kapi.apiserver.admission.plugin.podsecurity;

import java.util.Optional;

/** A Pod Security Standards level, least strict first (kube's {@code api.Level}). */
public enum Level {
    PRIVILEGED("privileged"), BASELINE("baseline"), RESTRICTED("restricted");

    /** kube's message for a value that is not a level. */
    static final String INVALID = "must be one of privileged, baseline, restricted";

    private final String label;

    Level(String label) {
        this.label = label;
    }

    /** The level a label or configuration value names, empty for anything else (case matters, as in kube). */
    public static Optional<Level> parse(String value) {
        for (Level l : values()) {
            if (l.label.equals(value)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Whether this level is stricter than {@code other}. */
    boolean stricterThan(Level other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return label;
    }
}
