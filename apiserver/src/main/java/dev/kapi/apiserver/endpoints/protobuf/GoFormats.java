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
}
