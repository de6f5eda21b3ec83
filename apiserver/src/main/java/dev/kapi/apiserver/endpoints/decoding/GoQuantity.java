package dev.kapi.apiserver.endpoints.decoding;

import dev.kapi.apiserver.api.Quantities;

import java.util.Set;

/**
 * apimachinery's {@code resource.ParseQuantity} as a check: the text a {@code Quantity} field accepts
 * ({@code 100m}, {@code 1Gi}, {@code 1.5}, {@code 2e3}) and kube's error for anything else.
 */
public final class GoQuantity {

    /** apimachinery's {@code ErrFormatWrong}. */
    public static final String FORMAT_WRONG =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    /** apimachinery's {@code ErrSuffix}. */
    public static final String BAD_SUFFIX = "unable to parse quantity's suffix";
    /**
     * Kapi's own limit (kube has none): a number of more digits is refused rather than left unparsed, where quota
     * and limit ranges would not count it (parsing it exactly costs time quadratic in its digits).
     */
    public static final String TOO_MANY_DIGITS = "quantities may have at most " + (Quantities.MAX_DIGITS - 1)
            + " digits";

    private static final Set<String> SUFFIXES = Set.of("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k",
            "M", "G", "T", "P", "E");

    private GoQuantity() {
    }

    /** Null when {@code text} (already unquoted and trimmed, as Quantity.UnmarshalJSON does) parses; else kube's error. */
    public static String check(String text) {
        if (text.isEmpty()) {
            return FORMAT_WRONG;
        }
        if (text.equals("0")) {
            return null;
        }
        int pos = 0;
        int end = text.length();
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            pos++;
        }
        int numberStart = pos;
        pos = digits(text, pos);
        boolean point = pos < end && text.charAt(pos) == '.';
        if (point) {
            pos = digits(text, pos + 1);
        }
        // one below the parser's limit: it counts a "0" before a bare fraction (".5")
        if (pos - numberStart - (point ? 1 : 0) > Quantities.MAX_DIGITS - 1) {
            return TOO_MANY_DIGITS;
        }
        if (pos == end) {
            return null;
        }
        int suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos < end && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
            pos++;
        }
        if (digits(text, pos) != end) {
            return FORMAT_WRONG;
        }
        return validSuffix(text.substring(suffixStart)) ? null : BAD_SUFFIX;
    }

    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** A binary or decimal SI suffix, or a decimal exponent ({@code e3}, {@code E-2}) that fits an int64. */
    private static boolean validSuffix(String suffix) {
        if (SUFFIXES.contains(suffix)) {
            return true;
        }
        if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            try {
                Long.parseLong(suffix.substring(1));
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }
}
