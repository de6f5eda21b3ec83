package dev.kapi.apiserver.admission.plugin.podsecurity;

import dev.kapi.apiserver.api.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a namespace asks of its pods in each mode: {@code enforce} refuses pods, {@code audit} annotates the
 * audit event, {@code warn} warns the client (kube's {@code api.Policy}). A namespace says it with the labels
 * {@code pod-security.kubernetes.io/<mode>} (a {@link Level}) and {@code <mode>-version} (a
 * {@link PolicyVersion}); what it leaves out comes from the configured defaults.
 */
public record Policy(LevelVersion enforce, LevelVersion audit, LevelVersion warn) {

    static final String LABEL_PREFIX = "pod-security.kubernetes.io/";
    public static final String ENFORCE_LABEL = LABEL_PREFIX + "enforce";
    public static final String ENFORCE_VERSION_LABEL = LABEL_PREFIX + "enforce-version";
    public static final String AUDIT_LABEL = LABEL_PREFIX + "audit";
    public static final String AUDIT_VERSION_LABEL = LABEL_PREFIX + "audit-version";
    public static final String WARN_LABEL = LABEL_PREFIX + "warn";
    public static final String WARN_VERSION_LABEL = LABEL_PREFIX + "warn-version";

    /** kube's default: privileged at latest in every mode. */
    public static final Policy PRIVILEGED = new Policy(LevelVersion.PRIVILEGED_LATEST, LevelVersion.PRIVILEGED_LATEST,
            LevelVersion.PRIVILEGED_LATEST);

    /** A namespace's policy and what was wrong with its labels (a policy is always given, errors or not). */
    public record Parsed(Policy policy, List<FieldError> errors) {
    }

    /**
     * kube's {@code PolicyToEvaluate}: the labels over the defaults. A bad enforce level means restricted, a bad
     * audit or warn level means privileged (they fail open), a bad version means latest; each bad value is a
     * field error. When the enforce level is set, no warn level is, and enforce is the stricter, warn follows
     * enforce (its version too, unless a warn version is set).
     */
    public static Parsed fromLabels(Map<String, String> labels, Policy defaults) {
        if (labels == null || labels.isEmpty()) {
            return new Parsed(defaults, List.of());
        }
        List<FieldError> errors = new ArrayList<>();
        Level enforceLevel = level(labels, ENFORCE_LABEL, defaults.enforce.level(), Level.RESTRICTED, errors);
        boolean enforceLevelSet = labels.containsKey(ENFORCE_LABEL) && errors.isEmpty();
        PolicyVersion enforceVersion = version(labels, ENFORCE_VERSION_LABEL, defaults.enforce.version(), errors);
        Level auditLevel = level(labels, AUDIT_LABEL, defaults.audit.level(), Level.PRIVILEGED, errors);
        PolicyVersion auditVersion = version(labels, AUDIT_VERSION_LABEL, defaults.audit.version(), errors);
        Level warnLevel = level(labels, WARN_LABEL, defaults.warn.level(), Level.PRIVILEGED, errors);
        PolicyVersion warnVersion = version(labels, WARN_VERSION_LABEL, defaults.warn.version(), errors);
        if (!labels.containsKey(WARN_LABEL) && enforceLevelSet && enforceLevel.stricterThan(warnLevel)) {
            warnLevel = enforceLevel;
            if (!labels.containsKey(WARN_VERSION_LABEL)) {
                warnVersion = enforceVersion;
            }
        }
        return new Parsed(new Policy(new LevelVersion(enforceLevel, enforceVersion),
                new LevelVersion(auditLevel, auditVersion), new LevelVersion(warnLevel, warnVersion)),
                List.copyOf(errors));
    }

    private static Level level(Map<String, String> labels, String label, Level fallback, Level onError,
                               List<FieldError> errors) {
        if (!labels.containsKey(label)) {
            return fallback;
        }
        String value = labels.get(label);
        return Level.parse(value).orElseGet(() -> {
            errors.add(FieldError.invalid(path(label), value, Level.INVALID));
            return onError;
        });
    }

    private static PolicyVersion version(Map<String, String> labels, String label, PolicyVersion fallback,
                                         List<FieldError> errors) {
        if (!labels.containsKey(label)) {
            return fallback;
        }
        String value = labels.get(label);
        return PolicyVersion.parse(value).orElseGet(() -> {
            errors.add(FieldError.invalid(path(label), value, PolicyVersion.INVALID));
            return PolicyVersion.LATEST;
        });
    }

    private static String path(String label) {
        return "metadata.labels[" + label + "]";
    }

    /** Every mode privileged: nothing to check. */
    public boolean fullyPrivileged() {
        return enforce.level() == Level.PRIVILEGED && audit.level() == Level.PRIVILEGED
                && warn.level() == Level.PRIVILEGED;
    }

    boolean equivalent(Policy other) {
        return enforce.equivalent(other.enforce) && audit.equivalent(other.audit) && warn.equivalent(other.warn);
    }
}
