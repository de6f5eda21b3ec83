package dev.kapi.apiserver.endpoints.protobuf;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The text forms Go's JSON gives apimachinery's time types: RFC 3339 times and Go duration strings. */
final class GoFormats {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private GoFormats() {
    }

    /** metav1.Time: RFC 3339 in UTC at seconds precision, {@code 2024-01-02T03:04:05Z}. */
    static String time(long seconds, int nanos) {
        return SECONDS.format(Instant.ofEpochSecond(seconds, nanos));
    }

    /** metav1.MicroTime: RFC 3339 in UTC with six fractional digits, {@code 2024-01-02T03:04:05.123456Z}. */
    static String microTime(long seconds, int nanos) {
        return MICROS.format(Instant.ofEpochSecond(seconds, nanos));
    }

    /** Go's {@code time.Duration.String()}: {@code 1h0m0s}, {@code 1m30s}, {@code 1.5s}, {@code 20ms}, {@code 0s}. */
    static String duration(long nanos) {
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
