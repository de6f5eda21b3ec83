package dev.kapi.apiserver.api.selection;

import dev.kapi.apiserver.api.GoQuote;
import java.util.ArrayList;
import java.util.List;

/**
 * apimachinery's label rules with their exact messages: {@code validation.IsQualifiedName} (label keys),
 * {@code IsValidLabelValue}, {@code IsDNS1123Subdomain} (the key prefix), and the {@code RegexError} /
 * {@code MaxLenError} texts they are built from. The single source of these rules; registry's
 * {@code NameValidation} delegates here. Each check returns its messages, empty when the value is valid.
 */
public final class LabelValidation {

    private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character";
    private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
    private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    /** apimachinery's {@code dns1123LabelFmt}. */
    public static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    /** apimachinery's {@code dns1123SubdomainFmt}. */
    public static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    private LabelValidation() {
    }

    /** {@code IsQualifiedName}: a label key, annotation key or finalizer (optional DNS-subdomain prefix and '/'). */
    public static List<String> qualifiedName(String value) {
        List<String> errs = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                errs.add("prefix part must be non-empty");
            } else {
                for (String m : dns1123Subdomain(prefix)) {
                    errs.add("prefix part " + m);
                }
            }
        } else {
            errs.add("a qualified name " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name",
                    "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errs.add("name part " + maxLenError(63));
        }
        if (!NameSyntax.isQualifiedName(name)) {
            errs.add("name part " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    /** {@code IsValidLabelValue}: empty, or at most 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
    public static List<String> labelValue(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add(maxLenError(63));
        }
        if (!value.isEmpty() && !NameSyntax.isQualifiedName(value)) {
            errs.add(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return errs;
    }

    /** {@code IsDNS1123Subdomain}: at most 253 characters of dot-separated lower-case DNS labels. */
    public static List<String> dns1123Subdomain(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 253) {
            errs.add(maxLenError(253));
        }
        if (!NameSyntax.isDns1123Subdomain(value)) {
            errs.add(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return errs;
    }

    /** apimachinery's {@code MaxLenError}. */
    public static String maxLenError(int length) {
        return "must be no more than " + length + " characters";
    }

    /** apimachinery's {@code RegexError}: the message, the examples (if any) and the regex. */
    public static String regexError(String msg, String fmt, String... examples) {
        if (examples.length == 0) {
            return msg + " (regex used for validation is '" + fmt + "')";
        }
        StringBuilder s = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                s.append(" or ");
            }
            s.append('\'').append(examples[i]).append("', ");
        }
        return s.append("regex used for validation is '").append(fmt).append("')").toString();
    }

    /** {@code field.Invalid(path, value, detail).Error()} for a string value; a null path prints as {@code <nil>}. */
    static String invalid(String path, String value, String detail) {
        return (path == null ? "<nil>" : path) + ": Invalid value: " + GoQuote.quote(value) + ": " + detail;
    }

    /** {@code field.Invalid} for a []string value, printed as Go's {@code %#v}. */
    static String invalid(String path, List<String> values, String detail) {
        StringBuilder s = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            s.append(i > 0 ? ", " : "").append(GoQuote.quote(values.get(i)));
        }
        return path + ": Invalid value: " + s.append('}') + ": " + detail;
    }

}
