package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.selection.LabelValidation;
import dev.kapi.apiserver.api.selection.NameSyntax;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * kube-apiserver's name and key rules with their exact messages (apimachinery's {@code IsDNS1123Subdomain},
 * {@code IsDNS1123Label}, {@code IsDNS1035Label}, {@code IsQualifiedName}, {@code IsValidLabelValue},
 * {@code IsConfigMapKey}, {@code IsValidPortName}, {@code path.IsValidPathSegmentName}). Each returns the
 * list of messages, empty when the value is valid. The label-key, label-value and DNS-subdomain rules (and
 * the message builders) live in {@link LabelValidation}, shared with the selectors; these delegate to it.
 */
public final class NameValidation {

    private static final String DNS1123_LABEL_FMT = LabelValidation.DNS1123_LABEL_FMT;
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";

    private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private NameValidation() {
    }

    /** apimachinery's {@code MaxLenError}. */
    public static String maxLenError(int length) {
        return LabelValidation.maxLenError(length);
    }

    /** apimachinery's {@code RegexError}: the message, examples and the regex. */
    public static String regexError(String msg, String regex, String... examples) {
        return LabelValidation.regexError(msg, regex, examples);
    }

    /** apimachinery's {@code InclusiveRangeError}. */
    public static String inclusiveRangeError(int lo, int hi) {
        return "must be between " + lo + " and " + hi + ", inclusive";
    }

    public static List<String> dns1123Subdomain(String value) {
        return LabelValidation.dns1123Subdomain(value);
    }

    public static List<String> dns1123Label(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add(maxLenError(63));
        }
        if (!NameSyntax.isDns1123Label(value)) {
            if (NameSyntax.isDns1123Subdomain(value)) {
                errs.add("must not contain dots");
            } else {
                errs.add(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                        + "or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT,
                        "my-name", "123-abc"));
            }
        }
        return errs;
    }

    public static List<String> dns1035Label(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add(maxLenError(63));
        }
        if (!NameSyntax.isDns1035Label(value)) {
            errs.add(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                    + "start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT,
                    "my-name", "abc-123"));
        }
        return errs;
    }

    /** apiserver's {@code path.IsValidPathSegmentName}: the rule of RBAC and other path-only names. */
    public static List<String> pathSegmentName(String value) {
        if (value.equals(".") || value.equals("..")) {
            return List.of("may not be '" + value + "'");
        }
        List<String> errs = new ArrayList<>();
        for (String illegal : new String[]{"/", "%"}) {
            if (value.contains(illegal)) {
                errs.add("may not contain '" + illegal + "'");
            }
        }
        return errs;
    }

    /** A label key, annotation key or finalizer: an optional DNS-subdomain prefix and '/', then a name. */
    public static List<String> qualifiedName(String value) {
        return LabelValidation.qualifiedName(value);
    }

    public static List<String> labelValue(String value) {
        return LabelValidation.labelValue(value);
    }

    /** A key of a ConfigMap's or Secret's data. */
    public static List<String> configMapKey(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 253) {
            errs.add(maxLenError(253));
        }
        if (!NameSyntax.isConfigMapKey(value)) {
            errs.add(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                    CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        if (value.equals(".")) {
            errs.add("must not be '.'");
        } else if (value.equals("..")) {
            errs.add("must not be '..'");
        } else if (value.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    /** An IANA_SVC_NAME: a named container or service port. */
    public static List<String> portName(String port) {
        List<String> errs = new ArrayList<>();
        if (port.length() > 15) {
            errs.add(maxLenError(15));
        }
        if (!PORT_NAME_CHARSET.matcher(port).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!HAS_LETTER.matcher(port).matches()) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (port.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!port.isEmpty() && (port.startsWith("-") || port.endsWith("-"))) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    /** A port number 1-65535. */
    public static List<String> portNumber(int port) {
        return port >= 1 && port <= 65535 ? List.of() : List.of(inclusiveRangeError(1, 65535));
    }
}
