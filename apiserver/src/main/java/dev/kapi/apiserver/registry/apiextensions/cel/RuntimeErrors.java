package dev.kapi.apiserver.registry.apiextensions.cel;

import dev.cel.common.exceptions.CelAttributeNotFoundException;
import dev.cel.common.exceptions.CelDivideByZeroException;
import dev.cel.common.exceptions.CelIndexOutOfBoundsException;
import dev.cel.common.exceptions.CelNumericOverflowException;
import dev.cel.common.exceptions.CelOverloadNotFoundException;
import dev.cel.runtime.CelEvaluationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A rule's runtime error in kube's words ({@code no such key: x evaluating rule: <rule>}). */
final class RuntimeErrors {

    private static final Pattern MISSING_KEY = Pattern.compile("key '(.*)' is not present in map");
    private static final Pattern PREFIX = Pattern.compile("^evaluation error at <input>:\\d+: ");

    private RuntimeErrors() {
    }

    static String describe(CelEvaluationException e, RuleSchema.Rule rule) {
        Throwable cause = e.getCause();
        String what;
        if (cause instanceof CelOverloadNotFoundException) {
            return "'no such overload': call arguments did not match a supported operator, function or macro signature for rule: "
                    + rule.errorString();
        } else if (cause instanceof CelAttributeNotFoundException) {
            Matcher m = MISSING_KEY.matcher(String.valueOf(cause.getMessage()));
            what = m.find() ? "no such key: " + m.group(1) : cause.getMessage();
        } else if (cause instanceof CelDivideByZeroException) {
            what = String.valueOf(cause.getMessage()).contains("%") ? "modulus by zero" : "division by zero";
        } else if (cause instanceof CelIndexOutOfBoundsException) {
            what = String.valueOf(cause.getMessage()).replace("Index out of bounds", "index out of bounds");
        } else if (cause instanceof CelNumericOverflowException) {
            what = "integer overflow";
        } else {
            what = PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
        }
        return what + " evaluating rule: " + rule.errorString();
    }
}
