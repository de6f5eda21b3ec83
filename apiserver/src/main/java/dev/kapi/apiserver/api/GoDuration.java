package dev.kapi.apiserver.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Go's {@code time.ParseDuration}, as kube reads durations in flags and in the {@code timeout} query parameter:
 * an optional sign, then one or more decimal numbers each with a unit ({@code ns}, {@code us} or {@code µs},
 * {@code ms}, {@code s}, {@code m}, {@code h}), e.g. {@code 300ms}, {@code -1.5h}, {@code 2h45m}; a bare
 * {@code 0} is zero. A bad value fails with Go's message ({@code time: missing unit in duration "10"}).
 */
public final class GoDuration {

    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private GoDuration() {
    }

    /**
     * The duration {@code s} spells.
     *
     * @throws IllegalArgumentException with Go's message when it is not one
     */
    public static Duration parse(String s) {
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (s.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == s.length()) {
            throw invalid(s);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        while (i < s.length()) {
            int start = i;
            i = digits(s, i);
            boolean whole = i > start;
            String number = s.substring(start, i);
            if (i < s.length() && s.charAt(i) == '.') {
                int fraction = ++i;
                i = digits(s, i);
                whole |= i > fraction;
                number = number + "." + s.substring(fraction, i);
            }
            if (!whole) {
                throw invalid(s);
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("time: missing unit in duration " + GoQuote.quote(s));
            }
            nanos = nanos.add(new BigDecimal(number.startsWith(".") ? "0" + number : number)
                    .multiply(BigDecimal.valueOf(unitNanos(unit, s))));
        }
        BigInteger whole = nanos.toBigInteger();
        if (whole.compareTo(MAX_NANOS) > 0) {
            throw invalid(s);
        }
        return Duration.ofNanos(negative ? -whole.longValue() : whole.longValue());
    }

    private static int digits(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static long unitNanos(String unit, String s) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("time: unknown unit " + GoQuote.quote(unit)
                    + " in duration " + GoQuote.quote(s));
        };
    }

    private static IllegalArgumentException invalid(String s) {
        return new IllegalArgumentException("time: invalid duration " + GoQuote.quote(s));
    }

    /** Go's {@code time.Duration.String()}: {@code 1h0m0s}, {@code 1m30s}, {@code 1.5s}, {@code 20ms}, {@code 0s}. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long u = nanos < 0 ? -nanos : nanos; // Long.MIN_VALUE stays negative: handled as unsigned below
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            if (u < 1_000L) {
                return sign + u + "ns";
            }
            if (u < 1_000_000L) {
                return sign + decimal(u, 3) + "µs";
            }
            return sign + decimal(u, 6) + "ms";
        }
        long secondsTotal = Long.divideUnsigned(u, 1_000_000_000L);
        long fraction = Long.remainderUnsigned(u, 1_000_000_000L);
        long hours = secondsTotal / 3600;
        long minutes = secondsTotal / 60 % 60;
        long seconds = secondsTotal % 60;
        StringBuilder out = new StringBuilder(sign);
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds);
        if (fraction > 0) {
            out.append('.').append(trimZeros(String.format("%09d", fraction)));
        }
        return out.append('s').toString();
    }

    /** {@code value / 10^digits} with its fraction, trailing zeros dropped: {@code decimal(1500, 3)} is {@code 1.5}. */
    private static String decimal(long value, int digits) {
        long scale = (long) Math.pow(10, digits);
        long whole = value / scale;
        long fraction = value % scale;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        return whole + "." + trimZeros(String.format("%0" + digits + "d", fraction));
    }

    private static String trimZeros(String digits) {
        int end = digits.length();
        while (end > 0 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }
}
