package dev.kapi.apiserver.endpoints.decoding;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.fieldpath.JsonValues;

/**
 * A string that prints as Go's {@code %q} prints it ({@code "a\"b"}), for the bad value of a field error
 * ({@link dev.kapi.apiserver.api.FieldError} prints non-strings with {@code toString()}).
 */
public record GoQuoted(String text) {
    @Override
    public String toString() {
        return GoQuote.quote(text);
    }
}
