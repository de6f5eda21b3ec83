package dev.kapi.apiserver.cel;

import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.exceptions.CelAttributeNotFoundException;
import dev.cel.common.exceptions.CelDivideByZeroException;
import dev.cel.common.exceptions.CelIndexOutOfBoundsException;
import dev.cel.common.exceptions.CelNumericOverflowException;
import dev.cel.common.exceptions.CelOverloadNotFoundException;
import dev.cel.runtime.CelEvaluationException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CEL's compile issues and runtime errors in cel-go's words, as kube's messages quote them. */
public final class CelErrors {

    private static final Pattern CANDIDATES = Pattern.compile(" \\(candidates: [^\\n]*\\)");
    private static final Pattern LOCATION = Pattern.compile("^(ERROR: <input>:\\d+:\\d+: )", Pattern.MULTILINE);
    private static final Pattern MISSING_KEY = Pattern.compile("key '(.*)' is not present in map");
    private static final Pattern PREFIX = Pattern.compile("^evaluation error at <input>:\\d+: ");

    private CelErrors() {
    }

    /** The issues of a failed parse ({@code ERROR: <input>:1:5: Syntax error: ...}). */
    public static String parseIssues(CelValidationResult parsed) {
        return LOCATION.matcher(issues(parsed)).replaceAll("$1Syntax error: ");
    }

    /** The issues of a failed check ({@code ERROR: <input>:1:8: undefined field 'nme'} and the caret lines). */
    public static String checkIssues(CelValidationResult checked) {
        return CANDIDATES.matcher(issues(checked)).replaceAll("");
    }

    /** The issues of any failed step, as CEL words them. */
    public static String issues(CelValidationResult r) {
        try {
            r.getAst();
            return "";
        } catch (CelValidationException e) {
            return e.getMessage();
        }
    }

    /** A runtime error as cel-go says it: {@code no such key: replicas}, {@code division by zero}, ... */
    public static String runtime(CelEvaluationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof VariableError v) {
            return v.getMessage();
        }
        if (cause instanceof CelOverloadNotFoundException) {
            return "no such overload";
        }
        if (cause instanceof CelAttributeNotFoundException) {
            Matcher m = MISSING_KEY.matcher(String.valueOf(cause.getMessage()));
            if (m.find()) {
                return "no such key: " + m.group(1);
            }
            String message = String.valueOf(cause.getMessage());
            // an index into a map ({@code m['k']}) names only the key, as cel-go's "no such key: k" ends
            return message.contains(" ") ? message : "no such key: " + message;
        }
        if (cause instanceof CelDivideByZeroException) {
            return String.valueOf(cause.getMessage()).contains("%") ? "modulus by zero" : "division by zero";
        }
        if (cause instanceof CelIndexOutOfBoundsException) {
            return String.valueOf(cause.getMessage()).replace("Index out of bounds", "index out of bounds");
        }
        if (cause instanceof CelNumericOverflowException) {
            return "integer overflow";
        }
        return PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
    }

    /** A composited variable that failed, raised from inside the expression that reads it. */
    public static final class VariableError extends RuntimeException {
        public VariableError(String message) {
            super(message, null, false, false);
        }
    }
}
