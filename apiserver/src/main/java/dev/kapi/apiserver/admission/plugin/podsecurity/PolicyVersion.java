package dev.kapi.apiserver.admission.plugin.podsecurity;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the Pod Security Standards a level is checked at: {@code latest} or {@code v1.<minor>} (kube's
 * {@code api.Version}). {@code latest} is newer than every numbered version.
 */
public record PolicyVersion(int major, int minor, boolean latest) {

    public static final PolicyVersion LATEST = new PolicyVersion(0, 0, true);
    /** kube's message for a value that is not a version. */
    static final String INVALID = "must be \"latest\" or \"v1.x\"";
    private static final Pattern NUMBERED = Pattern.compile("v1\\.([0-9]|[1-9][0-9]*)");

    public static PolicyVersion of(int major, int minor) {
        return new PolicyVersion(major, minor, false);
    }

    /** The version a label or configuration value names, empty for anything else. */
    public static Optional<PolicyVersion> parse(String value) {
        if ("latest".equals(value)) {
            return Optional.of(LATEST);
        }
        Matcher m = value == null ? null : NUMBERED.matcher(value);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(of(1, Integer.parseInt(m.group(1))));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** Whether this version is older than {@code other} ({@code latest} is older than nothing). */
    public boolean olderThan(PolicyVersion other) {
        if (latest) {
            return false;
        }
        if (other.latest) {
            return true;
        }
        return major != other.major ? major < other.major : minor < other.minor;
    }

    /** The next minor version ({@code latest} stays itself). */
    PolicyVersion next() {
        return latest ? this : of(major, minor + 1);
    }

    @Override
    public String toString() {
        return latest ? "latest" : "v" + major + "." + minor;
    }
}
