package dev.kapi.apiserver.registry.apiextensions.cel;

/** Go's {@code %q} and {@code %f} as kube's CEL error messages print them. */
final class GoStrings {

    private GoStrings() {
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** kube's getCostErrorMessage: {@code <name> exceeds budget by factor of <f>x}. */
    static String costExceeds(String costName, long cost, long limit) {
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
