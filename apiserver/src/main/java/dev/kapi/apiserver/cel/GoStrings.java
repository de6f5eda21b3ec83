package dev.kapi.apiserver.cel;

import dev.kapi.apiserver.api.GoQuote;
/** Go's {@code %q} and {@code %f} as kube's CEL error messages print them. */
public final class GoStrings {

    private GoStrings() {
    }


    /** kube's getCostErrorMessage: {@code <name> exceeds budget by factor of <f>x}. */
    public static String costExceeds(String costName, long cost, long limit) {
        double factor = (double) cost / limit;
        String f;
        if (factor > 100.0) {
            f = "more than 100x";
        } else if (factor < 1.5) {
            f = String.format(java.util.Locale.ROOT, "%fx", factor);
        } else {
            f = String.format(java.util.Locale.ROOT, "%.1fx", factor);
        }
        return costName + " exceeds budget by factor of " + f;
    }
}
