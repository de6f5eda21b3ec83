package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.decoding.GoQuoted;

import java.util.Locale;

/**
 * Query parameters converted as kube-apiserver's parameter codec converts them, with its 400s: an integer
 * that does not parse is {@code strconv.ParseInt: parsing "abc": invalid syntax}.
 */
final class QueryParams {

    private QueryParams() {
    }

    /** The int64 parameter {@code name}, null when absent; Go's {@code strconv.ParseInt} error as a 400. */
    static Long int64(RequestScope scope, String name) {
        String v = scope.param(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            boolean digits = v.matches("[+-]?[0-9]+");
            throw StatusError.badRequest("strconv.ParseInt: parsing " + new GoQuoted(v) + ": "
                    + (digits ? "value out of range" : "invalid syntax"));
        }
    }

    /**
     * The {@code watch} flag of a list: absent, empty, {@code false} or {@code 0} (the request info made it
     * a list); anything but a boolean is refused (kube would take it as true and watch).
     */
    static void checkListWatchFlag(RequestScope scope) {
        String v = scope.param("watch");
        if (v == null || v.isEmpty()) {
            return;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!lower.equals("false") && !lower.equals("0") && !lower.equals("true") && !lower.equals("1")) {
            throw StatusError.badRequest("strconv.ParseBool: parsing " + new GoQuoted(v) + ": invalid syntax");
        }
    }
}
