package dev.kapi.apiserver.registry.apiextensions.schema;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The string formats kube validates in custom resources: kube-openapi's strfmt default registry restricted to
 * apiextensions' supported formats (any other format, int32 and int64 included, is dropped, as kube does).
 */
final class Formats {

    private static final Set<String> SUPPORTED = Set.of("bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6",
            "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5", "isbn", "isbn10", "isbn13", "creditcard", "ssn",
            "hexcolor", "rgbcolor", "byte", "password", "date", "duration", "datetime");

    private static final Pattern HOSTNAME = Pattern.compile("^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|"
            + "([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}"
            + "([a-zA-Z\\p{L}]){2,63})$");
    private static final Pattern EMAIL = Pattern.compile("^(?:[^<>@\\s]+@[^<>@\\s]+|[^<>]*<[^<>@\\s]+@[^<>@\\s]+>)$");
    private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 = Pattern.compile("(?i)^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final Pattern UUID4 = Pattern.compile("(?i)^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    private static final Pattern UUID5 = Pattern.compile("(?i)^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    private static final Pattern CREDIT_CARD = Pattern.compile("^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|"
            + "6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11})$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
    private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final String BYTE = "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*";
    private static final Pattern RGB_COLOR = Pattern.compile("^rgb\\(" + BYTE + "," + BYTE + "," + BYTE + "\\)$");
    private static final Pattern MAC = Pattern.compile("^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}"
            + "|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){19}"
            + "|[0-9a-fA-F]{4}(?:\\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\\.[0-9a-fA-F]{4}){3}"
            + "|[0-9a-fA-F]{4}(?:\\.[0-9a-fA-F]{4}){9})$");
    private static final Pattern DATE_TIME = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})"
            + "(\\.\\d+)?([Zz]|[+-]\\d{2}:?\\d{2})?$");
    private static final Pattern GO_DURATION = Pattern.compile("^[-+]?(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+)$");
    private static final Pattern DURATION = Pattern.compile("^(\\d+)\\s*(ns|nanoseconds?|us|µs|microseconds?|ms"
            + "|milliseconds?|s|sec|seconds?|m|min|minutes?|h|hr|hours?|d|days?|w|wk|weeks?)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV4 = Pattern.compile("^(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");
    private static final Pattern BSON = Pattern.compile("^[0-9a-fA-F]{24}$");

    private Formats() {
    }

    /** The format kube validates for {@code format}, or empty when kube drops it. */
    static String effective(String format) {
        return format.isEmpty() || !SUPPORTED.contains(normalize(format)) ? "" : format;
    }

    private static String normalize(String format) {
        return format.replace("-", "").toLowerCase(Locale.ROOT);
    }

    static boolean valid(String format, String s) {
        try {
            return switch (normalize(format)) {
                case "bsonobjectid" -> BSON.matcher(s).matches();
                case "uri" -> uri(s);
                case "email" -> EMAIL.matcher(s).matches();
                case "hostname" -> s.length() <= 255 && HOSTNAME.matcher(s).matches();
                case "ipv4" -> IPV4.matcher(s).matches();
                case "ipv6" -> s.contains(":") && ipv6(s);
                case "cidr" -> cidr(s);
                case "mac" -> MAC.matcher(s).matches();
                case "uuid" -> UUID.matcher(s).matches();
                case "uuid3" -> UUID3.matcher(s).matches();
                case "uuid4" -> UUID4.matcher(s).matches();
                case "uuid5" -> UUID5.matcher(s).matches();
                case "isbn" -> Isbn.isbn10(s) || Isbn.isbn13(s);
                case "isbn10" -> Isbn.isbn10(s);
                case "isbn13" -> Isbn.isbn13(s);
                case "creditcard" -> CREDIT_CARD.matcher(s.replaceAll("\\D", "")).matches();
                case "ssn" -> SSN.matcher(s).matches();
                case "hexcolor" -> HEX_COLOR.matcher(s).matches();
                case "rgbcolor" -> RGB_COLOR.matcher(s).matches();
                case "byte" -> base64(s);
                case "date" -> date(s);
                case "datetime" -> dateTime(s);
                case "duration" -> GO_DURATION.matcher(s).matches() || DURATION.matcher(s).matches();
                default -> true;
            };
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean uri(String s) {
        if (s.startsWith(":")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
            if (c == '%' && (i + 2 >= s.length() || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean ipv6(String s) {
        if (!s.matches("^[0-9a-fA-F:.]+$")) {
            return false;
        }
        try {
            return InetAddress.getByName(s) instanceof Inet6Address || s.startsWith("::ffff:");
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean cidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("^\\d{1,3}$")) {
            return false;
        }
        int n = Integer.parseInt(bits);
        if (IPV4.matcher(ip).matches()) {
            return n <= 32;
        }
        return ip.contains(":") && ipv6(ip) && n <= 128;
    }

    private static boolean base64(String s) {
        if (s.length() % 4 != 0) {
            return false;
        }
        Base64.getDecoder().decode(s);
        return true;
    }

    private static boolean date(String s) {
        if (!s.matches("^\\d{4}-\\d{2}-\\d{2}$")) {
            return false;
        }
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean dateTime(String s) {
        var m = DATE_TIME.matcher(s);
        if (!m.matches() || !date(m.group(1))) {
            return false;
        }
        return Integer.parseInt(m.group(2)) < 24 && Integer.parseInt(m.group(3)) < 60 && Integer.parseInt(m.group(4)) < 61;
    }

    /** ISBN-10 and ISBN-13 check digits, after removing spaces and hyphens. */
    private static final class Isbn {
        static boolean isbn10(String s) {
            String d = s.replaceAll("[\\s-]", "");
            if (!d.matches("^\\d{9}[\\dX]$")) {
                return false;
            }
            int sum = 0;
            for (int i = 0; i < 10; i++) {
                int v = d.charAt(i) == 'X' ? 10 : d.charAt(i) - '0';
                sum += (10 - i) * v;
            }
            return sum % 11 == 0;
        }

        static boolean isbn13(String s) {
            String d = s.replaceAll("[\\s-]", "");
            if (!d.matches("^\\d{13}$")) {
                return false;
            }
            int sum = 0;
            for (int i = 0; i < 13; i++) {
                sum += (d.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
            }
            return sum % 10 == 0;
        }
    }
}
