package dev.kapi.apiserver.api;

/**
 * One validation failure on one field, as kube-apiserver's {@code field.Error}: it becomes a
 * {@code details.causes[]} entry of a 422 Invalid status ({@code reason} = the type's cause reason,
 * {@code field} = the path, {@code message} = the rendered text).
 */
public record FieldError(Type type, String field, Object badValue, String detail) {

    public enum Type {
        REQUIRED("FieldValueRequired", "Required value"),
        INVALID("FieldValueInvalid", "Invalid value"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TOO_MANY("FieldValueTooMany", "Too many"),
        NOT_FOUND("FieldValueNotFound", "Not found");

        private final String reason;
        private final String text;

        Type(String reason, String text) {
            this.reason = reason;
            this.text = text;
        }

        public String reason() {
            return reason;
        }

        public String text() {
            return text;
        }
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, null, detail);
    }

    public static FieldError invalid(String field, Object value, String detail) {
        return new FieldError(Type.INVALID, field, value, detail);
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, null, detail);
    }

    /** kube's {@code field.NotFound}: the value names something that does not exist. */
    public static FieldError notFound(String field, Object value) {
        return new FieldError(Type.NOT_FOUND, field, value, null);
    }

    public static FieldError duplicate(String field, Object value) {
        return new FieldError(Type.DUPLICATE, field, value, null);
    }

    public static FieldError notSupported(String field, Object value, java.util.Collection<String> supported) {
        StringBuilder d = new StringBuilder("supported values: ");
        int i = 0;
        for (String s : supported) {
            d.append(i++ == 0 ? "" : ", ").append('"').append(s).append('"');
        }
        return new FieldError(Type.NOT_SUPPORTED, field, value, d.toString());
    }

    public static FieldError tooLong(String field, Object value, int max) {
        return new FieldError(Type.TOO_LONG, field, value, "may not be more than " + max + " bytes");
    }

    /** The cause message as kube-apiserver renders it, e.g. {@code Invalid value: "x": must be ...}. */
    public String message() {
        StringBuilder m = new StringBuilder(type.text());
        if (type != Type.REQUIRED && type != Type.FORBIDDEN && type != Type.TOO_LONG
                && !(type == Type.TOO_MANY && badValue == null)) { // kube omits a TooMany count only when unknown
            m.append(": ").append(render(badValue));
        }
        if (detail != null && !detail.isEmpty()) {
            m.append(": ").append(detail);
        }
        return m.toString();
    }

    /** The whole line: {@code field: message}. */
    @Override
    public String toString() {
        return field + ": " + message();
    }

    private static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        return String.valueOf(value);
    }
}
