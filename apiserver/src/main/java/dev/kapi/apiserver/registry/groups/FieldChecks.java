package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.util.List;
import java.util.regex.Pattern;

/** Small field checks shared by the group strategies, with apimachinery's messages. */
public final class FieldChecks {

    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");

    private FieldChecks() {
    }

    /** {@code ValidateNonnegativeField}: "must be greater than or equal to 0". */
    public static void nonNegative(Number value, String path, List<FieldError> errs) {
        if (value != null && value.longValue() < 0) {
            errs.add(FieldError.invalid(path, value, "must be greater than or equal to 0"));
        }
    }

    /** "must be greater than 0". */
    public static void positive(Number value, String path, List<FieldError> errs) {
        if (value != null && value.longValue() <= 0) {
            errs.add(FieldError.invalid(path, value, "must be greater than 0"));
        }
    }

    /**
     * {@code ValidateImmutableField}: "field is immutable" with the new value. Values are compared as they are
     * written ({@link Json#sameJson}), as kube compares its Go structs: a zero Go leaves out ({@code omitempty}) that
     * a request states equals the stored object's unset field.
     */
    public static void immutable(Object newValue, Object oldValue, Object printed, String path,
                                 List<FieldError> errs) {
        if (!Json.sameJson(newValue, oldValue)) {
            errs.add(FieldError.invalid(path, printed, "field is immutable"));
        }
    }

    /** A non-negative integer or a percentage string ({@code ValidatePositiveIntOrPercent}). */
    public static void intOrPercent(IntOrString v, String path, List<FieldError> errs) {
        if (v == null) {
            return;
        }
        if (v.getStrVal() != null) {
            if (!PERCENT.matcher(v.getStrVal()).matches()) {
                errs.add(FieldError.invalid(path, v.getStrVal(), "a valid percent string must be a numeric string "
                        + "followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
            } else if (Integer.parseInt(v.getStrVal().substring(0, v.getStrVal().length() - 1)) > 100) {
                errs.add(FieldError.invalid(path, v.getStrVal(), "must not be greater than 100%"));
            }
        } else if (v.getIntVal() != null) {
            nonNegative(v.getIntVal(), path, errs);
        }
    }

    /** The value as a number of its kind: int, or percent as given; 0 when unset. */
    public static boolean isZero(IntOrString v) {
        if (v == null) {
            return true;
        }
        if (v.getStrVal() != null) {
            return v.getStrVal().equals("0%");
        }
        return v.getIntVal() == null || v.getIntVal() == 0;
    }

    /** The IntOrString's value as kube prints it ({@code 25%}, {@code 1}). */
    public static String text(IntOrString v) {
        if (v == null) {
            return "";
        }
        return v.getStrVal() != null ? v.getStrVal() : String.valueOf(v.getIntVal());
    }

    /** The value for an Invalid error: the string or the integer. */
    public static Object value(IntOrString v) {
        return v.getStrVal() != null ? v.getStrVal() : v.getIntVal();
    }

    /** {@code field.NotSupported} when {@code value} is set and not among {@code supported}. */
    public static void oneOf(String value, List<String> supported, String path, List<FieldError> errs) {
        if (value != null && !supported.contains(value)) {
            errs.add(FieldError.notSupported(path, value, supported));
        }
    }
}
