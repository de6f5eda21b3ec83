package dev.kapi.apiserver.endpoints.decoding;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Parses the timestamps of apimachinery's {@code metav1.Time} (Go's {@code time.RFC3339} layout) and
 * {@code metav1.MicroTime} ({@code 2006-01-02T15:04:05.000000Z07:00}) as Go's {@code time.Parse} does,
 * failing with Go's own words: {@code parsing time "abc" as "2006-01-02T15:04:05Z07:00": cannot parse "abc"
 * as "2006"}, {@code parsing time "2024-13-01T00:00:00Z": month out of range}.
 */
public final class GoTime {

    static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
    static final String RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00";

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private GoTime() {
    }

    /** A parse that failed with Go's message. */
    public static final class ParseError extends Exception {
        ParseError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The instant of {@code value} in the layout of {@code metav1.Time} ({@code micro} false) or
     * {@code metav1.MicroTime}; Go's {@code time.ParseError} text otherwise.
     */
    public static Instant parse(String value, boolean micro) throws ParseError {
        return new Parser(value, micro ? RFC3339_MICRO : RFC3339, micro).parse();
    }

    /** How kube writes a parsed time back: UTC, seconds ({@code Time}) or microseconds ({@code MicroTime}). */
    public static String format(Instant t, boolean micro) {
        return (micro ? MICROS : SECONDS).format(t);
    }

    /** Go's {@code time.Parse} for the two fixed layouts, one layout element after the other. */
    private static final class Parser {
        private final String input;
        private final String layout;
        private final boolean micro;
        private String rest;
        private int year;
        private int month;
        private int day;
        private int hour;
        private int minute;
        private int second;
        private int nanos;
        private int offsetSeconds;

        Parser(String input, String layout, boolean micro) {
            this.input = input;
            this.layout = layout;
            this.micro = micro;
            this.rest = input;
        }

        Instant parse() throws ParseError {
            year = number("", "2006", 4, true, null, Integer.MAX_VALUE);
            month = number("-", "01", 2, true, "month", 12);
            day = number("-", "02", 2, true, null, Integer.MAX_VALUE);
            hour = number("T", "15", 2, false, "hour", 23);
            minute = number(":", "04", 2, true, "minute", 59);
            second = number(":", "05", 2, true, "second", 59);
            fraction();
            zone();
            if (!rest.isEmpty()) {
                throw new ParseError("parsing time " + quote(input) + ": extra text: " + quote(rest));
            }
            if (day < 1 || day > LocalDate.of(year, month == 0 ? 1 : month, 1).lengthOfMonth()) {
                throw new ParseError("parsing time " + quote(input) + ": day out of range");
            }
            long local = LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
            return Instant.ofEpochSecond(local - offsetSeconds, nanos);
        }

        /** The literal {@code prefix}, then a number of the layout element {@code element}. */
        private int number(String prefix, String element, int width, boolean fixed, String range, int max)
                throws ParseError {
            skip(prefix);
            String hold = rest;
            int n;
            if (width == 4) {
                if (rest.length() < 4 || !digit(rest, 0)) {
                    throw cannotParse(hold, element);
                }
                String p = rest.substring(0, 4);
                for (int i = 1; i < 4; i++) {
                    if (!digit(p, i)) {
                        throw cannotParse(hold, element);
                    }
                }
                n = Integer.parseInt(p);
                rest = rest.substring(4);
            } else {
                if (!digit(rest, 0)) {
                    throw cannotParse(hold, element);
                }
                if (!digit(rest, 1)) {
                    if (fixed) {
                        throw cannotParse(hold, element);
                    }
                    n = rest.charAt(0) - '0';
                    rest = rest.substring(1);
                } else {
                    n = (rest.charAt(0) - '0') * 10 + rest.charAt(1) - '0';
                    rest = rest.substring(2);
                }
            }
            if (range != null && (n > max || range.equals("month") && n < 1)) {
                throw new ParseError("parsing time " + quote(input) + ": " + range + " out of range");
            }
            return n;
        }

        /** MicroTime: exactly six fractional digits; Time: any fraction after the seconds is accepted. */
        private void fraction() throws ParseError {
            if (micro) {
                String hold = rest;
                if (rest.length() < 7 || rest.charAt(0) != '.' && rest.charAt(0) != ',') {
                    throw cannotParse(hold, ".000000");
                }
                for (int i = 1; i < 7; i++) {
                    if (!digit(rest, i)) {
                        throw cannotParse(hold, ".000000");
                    }
                }
                nanos = Integer.parseInt(rest.substring(1, 7)) * 1000;
                rest = rest.substring(7);
                return;
            }
            if (rest.length() >= 2 && (rest.charAt(0) == '.' || rest.charAt(0) == ',') && digit(rest, 1)) {
                int n = 2;
                while (n < rest.length() && digit(rest, n)) {
                    n++;
                }
                String digits = rest.substring(1, Math.min(n, 10));
                nanos = Integer.parseInt((digits + "000000000").substring(0, 9));
                rest = rest.substring(n);
            }
        }

        /** {@code Z07:00}: a {@code Z} or a {@code ±hh:mm} offset. */
        private void zone() throws ParseError {
            String hold = rest;
            if (!rest.isEmpty() && rest.charAt(0) == 'Z') {
                rest = rest.substring(1);
                return;
            }
            if (rest.length() < 6 || rest.charAt(3) != ':' || !digit(rest, 1) || !digit(rest, 2) || !digit(rest, 4)
                    || !digit(rest, 5) || rest.charAt(0) != '+' && rest.charAt(0) != '-') {
                throw cannotParse(hold, "Z07:00");
            }
            int hh = Integer.parseInt(rest.substring(1, 3));
            int mm = Integer.parseInt(rest.substring(4, 6));
            rest = rest.substring(6);
            if (hh > 24) {
                throw new ParseError("parsing time " + quote(input) + ": time zone offset hour out of range");
            }
            if (mm > 60) {
                throw new ParseError("parsing time " + quote(input) + ": time zone offset minute out of range");
            }
            int offset = (hh * 60 + mm) * 60;
            offsetSeconds = hold.charAt(0) == '-' ? -offset : offset;
        }

        private void skip(String prefix) throws ParseError {
            for (int i = 0; i < prefix.length(); i++) {
                if (rest.isEmpty() || rest.charAt(0) != prefix.charAt(i)) {
                    throw cannotParse(rest, prefix.substring(i));
                }
                rest = rest.substring(1);
            }
        }

        private ParseError cannotParse(String valueElem, String layoutElem) {
            return new ParseError("parsing time " + quote(input) + " as " + quote(layout) + ": cannot parse "
                    + quote(valueElem) + " as " + quote(layoutElem));
        }

        private static boolean digit(String s, int i) {
            return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
        }
    }

    /** Go's time package quoting: double quotes, {@code \"} and {@code \\}, other bytes outside ASCII as {@code \xNN}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (byte c : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if (u >= 0x80 || u < ' ') {
                b.append("\\x").append(Character.forDigit(u >> 4, 16)).append(Character.forDigit(u & 0xf, 16));
            } else {
                if (u == '"' || u == '\\') {
                    b.append('\\');
                }
                b.append((char) u);
            }
        }
        return b.append('"').toString();
    }
}
