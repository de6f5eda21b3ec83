package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.validation.NameValidation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Label key (qualified name) and value syntax with apimachinery's messages, for selectors in this package. */
final class LabelSyntax {

    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final String NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must "
            + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
            + "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private LabelSyntax() {
    }

    static List<String> qualifiedName(String value) {
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
                for (String m : NameValidation.dns1123Subdomain(prefix)) {
                    errs.add("prefix part " + m);
                }
            }
        } else {
            errs.add("a qualified name " + NAME_MSG
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errs.add("name part must be no more than 63 characters");
        }
        if (!name.isEmpty() && !QUALIFIED_NAME.matcher(name).matches()) {
            errs.add("name part " + NAME_MSG);
        }
        return errs;
    }

    static List<String> labelValue(String value) {
        List<String> errs = new ArrayList<>();
        if (value.length() > 63) {
            errs.add("must be no more than 63 characters");
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            errs.add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    + "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                    + "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        }
        return errs;
    }

    static List<FieldError> validateLabels(Map<String, String> labels, String path) {
        List<FieldError> errs = new ArrayList<>();
        labels.forEach((k, v) -> {
            for (String m : qualifiedName(k)) {
                errs.add(FieldError.invalid(path, k, m));
            }
            for (String m : labelValue(v == null ? "" : v)) {
                errs.add(FieldError.invalid(path, v, m));
            }
        });
        return errs;
    }
}
