package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GoDuration;
import dev.kapi.apiserver.api.GoQuote;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The boolean, integer and duration flags read as kube-apiserver's flag library (pflag) reads them, from the command
 * line and configuration files alike, before any reader converts them. A value pflag refuses stops the server with
 * pflag's one line, e.g. {@code invalid argument "maybe" for "--anonymous-auth" flag: strconv.ParseBool: parsing
 * "maybe": invalid syntax}, where Spring's conversion failed deep in a bean with a page of stack trace. A value
 * pflag takes in a spelling Spring's conversion reads otherwise or not at all ({@code T}, {@code FALSE},
 * {@code 0x1F}, {@code 017}, which Go reads as octal) reaches the readers in its plain form.
 */
public final class FlagValues implements EnvironmentPostProcessor, Ordered {

    static final Set<String> BOOLEANS = Set.of("allow-empty-store", "anonymous-auth", "audit-log-compress",
            "audit-log-truncate-enabled", "audit-webhook-truncate-enabled", "audit-log-batch-throttle-enable",
            "audit-webhook-batch-throttle-enable", "leader-elect", "watch-cache");
    /** Read into Java {@code int}s: a value beyond 32 bits is out of range. */
    static final Set<String> INTEGERS = Set.of("secure-port", "audit-log-maxsize", "audit-log-maxbackup",
            "audit-log-maxage", "max-requests-inflight", "max-mutating-requests-inflight", "simulated-nodes",
            "audit-log-batch-buffer-size", "audit-log-batch-max-size", "audit-log-batch-throttle-burst",
            "audit-webhook-batch-buffer-size", "audit-webhook-batch-max-size", "audit-webhook-batch-throttle-burst");
    static final Set<String> LONGS = Set.of("default-not-ready-toleration-seconds",
            "default-unreachable-toleration-seconds", "audit-log-truncate-max-event-size",
            "audit-log-truncate-max-batch-size", "audit-webhook-truncate-max-event-size",
            "audit-webhook-truncate-max-batch-size");
    static final Set<String> DURATIONS = Set.of("service-account-max-token-expiration", "shutdown-delay-duration",
            "request-timeout", "etcd-count-metric-poll-period", "etcd-compaction-interval",
            "etcd-db-metric-poll-interval", "leader-elect-lease-duration", "leader-elect-renew-deadline",
            "leader-elect-retry-period", "simulated-job-run-time", "audit-webhook-initial-backoff",
            "audit-webhook-batch-initial-backoff",
            "audit-log-batch-max-wait", "audit-webhook-batch-max-wait", "authentication-token-webhook-cache-ttl",
            "authorization-webhook-cache-authorized-ttl", "authorization-webhook-cache-unauthorized-ttl");
    /** Read into Java {@code double}s as Go's {@code strconv.ParseFloat(v, 32)} reads them (pflag's float32). */
    static final Set<String> FLOATS = Set.of("audit-log-batch-throttle-qps", "audit-webhook-batch-throttle-qps");
    /** IP address flags (pflag's {@code IP} type). */
    static final Set<String> ADDRESSES = Set.of("bind-address", "advertise-address");

    /** A dotted quad as Go's {@code net.ParseIP} takes it (no leading zeros). */
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> plain = new LinkedHashMap<>();
        for (String flag : BOOLEANS) {
            String v = value(environment, flag);
            if (v != null) {
                plain.put(flag, Boolean.toString(parseBool(flag, v)));
            }
        }
        for (String flag : INTEGERS) {
            String v = value(environment, flag);
            if (v != null) {
                plain.put(flag, parseInt(flag, v, INT_MIN, INT_MAX).toString());
            }
        }
        for (String flag : LONGS) {
            String v = value(environment, flag);
            if (v != null) {
                plain.put(flag, parseInt(flag, v, LONG_MIN, LONG_MAX).toString());
            }
        }
        for (String flag : DURATIONS) {
            String v = value(environment, flag);
            if (v != null) {
                try {
                    GoDuration.parse(v.trim());
                } catch (IllegalArgumentException e) {
                    throw invalid(flag, v, e.getMessage());
                }
            }
        }
        for (String flag : FLOATS) {
            String v = value(environment, flag);
            if (v != null) {
                plain.put(flag, Double.toString(parseFloat32(flag, v)));
            }
        }
        Object port = plain.get("secure-port");
        if (port != null && (Integer.parseInt((String) port) < 0 || Integer.parseInt((String) port) > 65535)) {
            throw new StartupFailure("--secure-port " + port + " must be between 1 and 65535, inclusive (0 "
                    + "listens on a free port)");
        }
        for (String flag : ADDRESSES) {
            String v = value(environment, flag);
            if (v != null && !isIp(v)) {
                throw invalid(flag, v, "failed to parse IP: " + GoQuote.quote(v));
            }
        }
        if (!plain.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("kapi-flag-values", plain));
        }
    }

    /**
     * Whether {@code flag} (without dashes) takes one value, of a type read here: given twice on a command line,
     * the last one counts, as in pflag (Spring would join the two with a comma).
     */
    public static boolean scalar(String flag) {
        return BOOLEANS.contains(flag) || INTEGERS.contains(flag) || LONGS.contains(flag) || DURATIONS.contains(flag)
                || ADDRESSES.contains(flag) || FLOATS.contains(flag);
    }

    /**
     * The flag's value, null when unset or blank (a configuration file's {@code flag: ""} leaves a flag at its
     * default, as the readers take it); a placeholder that names nothing stops the server naming the flag.
     */
    private static String value(ConfigurableEnvironment environment, String flag) {
        String v;
        try {
            v = environment.getProperty(flag);
        } catch (IllegalArgumentException e) { // ${UNSET} in a file or on the command line
            throw new StartupFailure("--" + flag + ": " + e.getMessage(), e);
        }
        return v == null || v.isBlank() ? null : v;
    }

    /** An IPv4 or IPv6 address literal (never a name: nothing is looked up). */
    static boolean isIp(String v) {
        if (IPV4.matcher(v).matches()) {
            return true;
        }
        if (!v.contains(":") || !v.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            java.net.InetAddress.getByName(v); // a literal with a colon is parsed, not resolved
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A decimal float as Go writes one (no hexadecimal or underscores), or Inf/Infinity/NaN in any case. */
    private static final Pattern FLOAT = Pattern.compile("[+-]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?"
            + "|(?i:inf|infinity|nan))");

    /** Go's {@code strconv.ParseFloat(v, 32)} for the spellings above: out of range beyond float32's largest. */
    static double parseFloat32(String flag, String v) {
        if (!FLOAT.matcher(v).matches()) {
            throw invalid(flag, v, "strconv.ParseFloat: parsing " + quoted(v) + ": invalid syntax");
        }
        String lower = v.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("nan")) {
            return Double.NaN;
        }
        if (lower.contains("inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        float f = Float.parseFloat(v);
        if (Float.isInfinite(f)) {
            throw invalid(flag, v, "strconv.ParseFloat: parsing " + quoted(v) + ": value out of range");
        }
        return f;
    }

    /** Go's {@code strconv.ParseBool}. */
    static boolean parseBool(String flag, String v) {
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw invalid(flag, v, "strconv.ParseBool: parsing " + quoted(v) + ": invalid syntax");
        };
    }

    /**
     * Go's {@code strconv.ParseInt(v, 0, bits)}: a sign, then decimal, or hexadecimal, octal or binary after
     * {@code 0x}, {@code 0o}, {@code 0b}, or octal after a bare leading {@code 0}; underscores between digits.
     */
    static BigInteger parseInt(String flag, String v, BigInteger min, BigInteger max) {
        String unsigned = v.startsWith("+") || v.startsWith("-") ? v.substring(1) : v;
        String digits = unsigned;
        int radix = 10;
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            char p = Character.toLowerCase(digits.charAt(1));
            boolean prefix = digits.length() >= 3 && (p == 'x' || p == 'o' || p == 'b');
            radix = !prefix ? 8 : p == 'x' ? 16 : p == 'o' ? 8 : 2;
            digits = digits.substring(prefix ? 2 : 1);
        }
        StringBuilder plain = new StringBuilder();
        boolean underscores = false;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c == '_') {
                underscores = true;
            } else if (Character.digit(c, radix) >= 0 && c < 128) {
                plain.append(c);
            } else {
                // Go reads the digits in order: past 64 bits before the bad character, the number is out of range
                throw invalid(flag, v, "strconv.ParseInt: parsing " + quoted(v) + ": "
                        + (beyondUint64(plain, radix) ? "value out of range" : "invalid syntax"));
            }
        }
        if (beyondUint64(plain, radix)) {
            throw invalid(flag, v, "strconv.ParseInt: parsing " + quoted(v) + ": value out of range");
        }
        if (unsigned.isEmpty() || (plain.isEmpty() && radix != 8) || (underscores && !underscoreOk(unsigned))) {
            throw invalid(flag, v, "strconv.ParseInt: parsing " + quoted(v) + ": invalid syntax");
        }
        BigInteger n = plain.isEmpty() ? BigInteger.ZERO : new BigInteger(plain.toString(), radix);
        if (v.startsWith("-")) {
            n = n.negate();
        }
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
            throw invalid(flag, v, "strconv.ParseInt: parsing " + quoted(v) + ": value out of range");
        }
        return n;
    }

    private static boolean beyondUint64(StringBuilder digits, int radix) {
        return !digits.isEmpty() && new BigInteger(digits.toString(), radix).bitLength() > 64;
    }

    /** Go's {@code underscoreOK}: every underscore between two digits (a base prefix counting as one). */
    private static boolean underscoreOk(String s) {
        char saw = '^';
        int i = 0;
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0' && "box".indexOf(Character.toLowerCase(s.charAt(1))) >= 0) {
            i = 2;
            saw = '0';
            hex = Character.toLowerCase(s.charAt(1)) == 'x';
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            char lower = Character.toLowerCase(c);
            if (c >= '0' && c <= '9' || hex && lower >= 'a' && lower <= 'f') {
                saw = '0';
            } else if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
            } else {
                if (saw == '_') {
                    return false;
                }
                saw = '!';
            }
        }
        return saw != '_';
    }

    /** pflag's message for a value its flag's type refuses. */
    private static StartupFailure invalid(String flag, String v, String why) {
        return new StartupFailure("invalid argument " + quoted(v) + " for \"--" + flag + "\" flag: " + why);
    }

    private static String quoted(String v) {
        return GoQuote.quote(v);
    }

    /** After {@link FlagLists}, which may have joined a list into the value read here. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
