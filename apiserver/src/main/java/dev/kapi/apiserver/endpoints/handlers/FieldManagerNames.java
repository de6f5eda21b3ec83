package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code fieldManager} of a write: checked as kube's {@code ValidateFieldManager} checks it (at most 128
 * bytes, printable characters), and, when the request names none, taken from the User-Agent as kube's
 * {@code prefixFromUserAgent} takes it ({@code kubectl/v1.32.0 (linux/amd64) ...} → {@code kubectl}).
 */
final class FieldManagerNames {

    static final int MAX_LENGTH = 128;

    private FieldManagerNames() {
    }

    /** The User-Agent up to its first {@code /}, without unprintable characters, cut at 128 bytes. */
    static String fromUserAgent(String userAgent) {
        if (userAgent == null) {
            return "";
        }
        int slash = userAgent.indexOf('/');
        String prefix = slash >= 0 ? userAgent.substring(0, slash) : userAgent;
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < prefix.length(); ) {
            int cp = prefix.codePointAt(i);
            i += Character.charCount(cp);
            if (!printable(cp)) {
                continue;
            }
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > MAX_LENGTH) {
                break;
            }
            bytes += n;
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** 422 {@code <optionsKind>.meta.k8s.io "" is invalid} for a name too long or with unprintable characters. */
    static void check(String fieldManager, String optionsKind) {
        if (fieldManager == null || fieldManager.isEmpty()) {
            return;
        }
        if (fieldManager.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            throw StatusError.invalid(optionsKind, "meta.k8s.io", "",
                    List.of(FieldError.tooLong("fieldManager", "", MAX_LENGTH)));
        }
        int position = 0;
        for (int i = 0; i < fieldManager.length(); ) {
            int cp = fieldManager.codePointAt(i);
            if (!printable(cp)) {
                throw StatusError.invalid(optionsKind, "meta.k8s.io", "", List.of(FieldError.invalid("fieldManager",
                        fieldManager, String.format("invalid character %s (at position %d)", goRune(cp), position))));
            }
            position += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            i += Character.charCount(cp);
        }
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean printable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                 Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /** Go's {@code %#U}: {@code U+0007}, with the character quoted when printable. */
    private static String goRune(int cp) {
        return String.format("U+%04X", cp);
    }
}
