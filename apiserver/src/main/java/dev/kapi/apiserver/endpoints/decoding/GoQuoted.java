package dev.kapi.apiserver.endpoints.decoding;

/**
 * A string that prints as Go's {@code %q} prints it ({@code "a\"b"}), for the bad value of a field error
 * ({@link dev.kapi.apiserver.api.FieldError} prints non-strings with {@code toString()}).
 */
public record GoQuoted(String text) {
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < ' ') {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
