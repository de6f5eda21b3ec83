package dev.kapi.apiserver.api.yaml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scalar rules of the YAML kube-apiserver prints (sigs.k8s.io/yaml over go-yaml v2): which strings a
 * YAML 1.1 reader would take for something else (and so get quoted), which characters force quoting, how a
 * float is spelled (Go's {@code %g}), and the order of mapping keys (go-yaml's "natural" order: runs of
 * digits compare as numbers).
 */
final class YamlScalars {

    private YamlScalars() {
    }

    /** Plain words YAML 1.1 reads as booleans, nulls or special floats. */
    private static final Set<String> RESERVED = Set.of(
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
            "~", "null", "Null", "NULL",
            ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF");

    private static final Pattern GO_INT = Pattern.compile(
            "([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))");
    private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?[0-9]*\\.?[0-9]+([eE][-+][0-9]+)?");
    private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");
    private static final Pattern BASE60_FLOAT = Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.[0-9]+)?"
                    + "(?:Z|[+-][0-9]{2}:[0-9]{2}))|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.[0-9]+)?))?");
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Whether a plain {@code s} would be read back as something other than this string (so it is quoted). */
    static boolean needsQuotes(String s) {
        if (s.isEmpty() || RESERVED.contains(s)) {
            return true;
        }
        char c = s.charAt(0);
        if (c == '.') {
            return DOT_FLOAT.matcher(s).matches() && Double.isFinite(Double.parseDouble(s));
        }
        if (c != '+' && c != '-' && (c < '0' || c > '9')) {
            return false;
        }
        if (isTimestamp(s) || BASE60_FLOAT.matcher(s).matches()) {
            return true;
        }
        String plain = s.replace("_", "");
        if (isGoInt(plain)) {
            return true;
        }
        return YAML_FLOAT.matcher(plain).matches() && Double.isFinite(Double.parseDouble(plain));
    }

    /** Go's {@code strconv.ParseInt(s, 0, 64)} or {@code ParseUint(s, 0, 64)} succeeds. */
    private static boolean isGoInt(String s) {
        Matcher m = GO_INT.matcher(s);
        if (!m.matches()) {
            return false;
        }
        BigInteger v;
        if (m.group(2) != null) {
            v = new BigInteger(m.group(2), 16);
        } else if (m.group(3) != null) {
            v = new BigInteger(m.group(3), 8);
        } else if (m.group(4) != null) {
            v = new BigInteger(m.group(4), 2);
        } else if (m.group(5) != null) {
            v = m.group(5).isEmpty() ? BigInteger.ZERO : new BigInteger(m.group(5), 8);
        } else {
            v = new BigInteger(m.group(6));
        }
        if (m.group(1).equals("-")) {
            v = v.negate();
        }
        boolean int64 = v.compareTo(INT64_MIN) >= 0 && v.compareTo(INT64_MAX) <= 0;
        boolean uint64 = m.group(1).isEmpty() && v.signum() >= 0 && v.compareTo(UINT64_MAX) <= 0;
        return int64 || uint64;
    }

    /** go-yaml's timestamps: {@code 2006-1-2}, with {@code T15:4:5[.frac](Z|±hh:mm)} or {@code " 15:4:5[.frac]"}. */
    private static boolean isTimestamp(String s) {
        Matcher m = TIMESTAMP.matcher(s);
        if (!m.matches()) {
            return false;
        }
        try {
            LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            return false;
        }
        int h = m.group(4) != null ? 4 : m.group(7) != null ? 7 : 0;
        return h == 0 || Integer.parseInt(m.group(h)) < 24 && Integer.parseInt(m.group(h + 1)) < 60
                && Integer.parseInt(m.group(h + 2)) < 60;
    }

    /** YAML's printable characters (anything else is escaped in double quotes). */
    static boolean printable(int cp) {
        return cp == 0x0A || cp >= 0x20 && cp <= 0x7E || cp >= 0xA0 && cp <= 0xD7FF
                || cp >= 0xE000 && cp <= 0xFFFD && cp != 0xFEFF;
    }

    static boolean isBreak(int cp) {
        return cp == '\r' || cp == '\n' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
    }

    private static boolean isBlank(int cp) {
        return cp == ' ' || cp == '\t';
    }

    /** How a string may be written, from its characters (libyaml's scalar analysis, block context). */
    record Analysis(boolean multiline, boolean plainAllowed, boolean singleQuotedAllowed, boolean blockAllowed) {
    }

    static Analysis analyze(String s) {
        if (s.isEmpty()) {
            return new Analysis(false, true, true, false);
        }
        int[] cps = s.codePoints().toArray();
        boolean indicators = s.startsWith("---") || s.startsWith("...");
        boolean lineBreaks = false;
        boolean special = false;
        boolean leadingSpace = false;
        boolean leadingBreak = false;
        boolean trailingSpace = false;
        boolean trailingBreak = false;
        boolean breakSpace = false;
        boolean spaceBreak = false;
        boolean precededByWhitespace = true;
        boolean previousSpace = false;
        boolean previousBreak = false;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            boolean followedByWhitespace = i + 1 >= cps.length || isBlank(cps[i + 1]);
            if (i == 0) {
                switch (c) {
                    case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' ->
                            indicators = true;
                    case '?', ':', '-' -> indicators |= followedByWhitespace;
                    default -> { }
                }
            } else if (c == ':' && followedByWhitespace || c == '#' && precededByWhitespace) {
                indicators = true;
            }
            if (!printable(c)) {
                special = true;
            }
            if (c == ' ') {
                leadingSpace |= i == 0;
                trailingSpace |= i == cps.length - 1;
                breakSpace |= previousBreak;
                previousSpace = true;
                previousBreak = false;
            } else if (isBreak(c)) {
                lineBreaks = true;
                leadingBreak |= i == 0;
                trailingBreak |= i == cps.length - 1;
                spaceBreak |= previousSpace;
                previousSpace = false;
                previousBreak = true;
            } else {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = isBlank(c) || isBreak(c);
        }
        boolean plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace
                || spaceBreak || special || lineBreaks || indicators);
        boolean single = !(breakSpace || spaceBreak || special);
        boolean block = !(trailingSpace || spaceBreak || special);
        return new Analysis(lineBreaks, plain, single, block);
    }

    /** A float as Go's {@code strconv.FormatFloat(f, 'g', -1, 64)} spells it, YAML's specials for the rest. */
    static String goFloat(double d) {
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - bd.scale() - 1;
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String e = String.valueOf(Math.abs(exp));
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + bd.toPlainString();
    }

    /** go-yaml v2's order of string keys: letters before other characters, runs of digits by their value. */
    static final Comparator<String> KEY_ORDER = (a, b) -> {
        int[] ar = a.codePoints().toArray();
        int[] br = b.codePoints().toArray();
        for (int i = 0; i < ar.length && i < br.length; i++) {
            if (ar[i] == br[i]) {
                continue;
            }
            boolean al = Character.isLetter(ar[i]);
            boolean bl = Character.isLetter(br[i]);
            if (al && bl) {
                return Integer.compare(ar[i], br[i]);
            }
            if (al || bl) {
                return bl ? -1 : 1;
            }
            int ai = i;
            int bi = i;
            long an = 0;
            long bn = 0;
            for (; ai < ar.length && Character.isDigit(ar[ai]); ai++) {
                an = an * 10 + Character.digit(ar[ai], 10);
            }
            for (; bi < br.length && Character.isDigit(br[bi]); bi++) {
                bn = bn * 10 + Character.digit(br[bi], 10);
            }
            if (an != bn) {
                return Long.compare(an, bn);
            }
            if (ai != bi) {
                return Integer.compare(ai, bi);
            }
            return Integer.compare(ar[i], br[i]);
        }
        return Integer.compare(ar.length, br.length);
    };
}
