package dev.kapi.apiserver.api.selection;

/**
 * The character rules of apimachinery's name regexes, checked by hand: each method answers exactly what
 * matching the whole value against its regex answers, without a regex engine (these run for every name,
 * label and key of every write). The regexes themselves stay in the error messages.
 */
public final class NameSyntax {

    private NameSyntax() {
    }

    /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}: a label key's name part, a label value. */
    public static boolean isQualifiedName(String s) {
        int n = s.length();
        if (n == 0 || !isAlphanumeric(s.charAt(0)) || !isAlphanumeric(s.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = s.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}: an RFC 1123 label. */
    public static boolean isDns1123Label(String s) {
        return isDns1123Label(s, 0, s.length());
    }

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*}: an RFC 1123 subdomain. */
    public static boolean isDns1123Subdomain(String s) {
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            if (!isDns1123Label(s, start, end)) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }

    /** {@code [a-z]([-a-z0-9]*[a-z0-9])?}: an RFC 1035 label. */
    public static boolean isDns1035Label(String s) {
        return !s.isEmpty() && s.charAt(0) >= 'a' && s.charAt(0) <= 'z' && isDns1123Label(s, 0, s.length());
    }

    /** {@code [-._a-zA-Z0-9]+}: a ConfigMap or Secret key. */
    public static boolean isConfigMapKey(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isDns1123Label(String s, int start, int end) {
        if (end <= start || !isLowerAlphanumeric(s.charAt(start)) || !isLowerAlphanumeric(s.charAt(end - 1))) {
            return false;
        }
        for (int i = start + 1; i < end - 1; i++) {
            char c = s.charAt(i);
            if (!isLowerAlphanumeric(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
