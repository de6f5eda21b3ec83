package dev.kapi.apiserver.endpoints.decoding;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A value the Go type behind a field refuses, raised by this package's deserializers. Either a type
 * mismatch ({@code goType} set: {@link DecodeErrors} adds the field path as Go's UnmarshalTypeError does) or
 * a parse error whose message is already kube's ({@code goType} null: a bad timestamp or quantity).
 */
final class GoDecodeException extends MismatchedInputException {

    private final String goType;

    private GoDecodeException(JsonParser p, String message, String goType) {
        super(p, message);
        this.goType = goType;
    }

    /** The JSON value at the parser cannot be decoded into the Go type {@code goType}. */
    static GoDecodeException mismatch(JsonParser p, String goType) {
        return new GoDecodeException(p, "cannot unmarshal into " + goType, goType);
    }

    /** Decoding failed with kube's own message (no field path is added, as in kube). */
    static GoDecodeException parse(JsonParser p, String message) {
        return new GoDecodeException(p, message, null);
    }

    String goType() {
        return goType;
    }
}
