package dev.kapi.apiserver.admission.plugin.podsecurity;

import java.util.List;

/**
 * One check's verdict on a pod (kube's {@code policy.CheckResult}): allowed, or forbidden with a short
 * {@code reason} ("host namespaces") and an optional {@code detail} ("hostNetwork=true, hostPID=true").
 */
public record CheckResult(boolean allowed, String reason, String detail) {

    static final CheckResult ALLOWED = new CheckResult(true, "", "");

    static CheckResult forbidden(String reason, String detail) {
        return new CheckResult(false, reason, detail);
    }

    /** Several checks' verdicts together: the forbidden ones, in check order. */
    public record Aggregate(List<CheckResult> forbidden) {

        public static Aggregate of(List<CheckResult> results) {
            return new Aggregate(results.stream().filter(r -> !r.allowed()).toList());
        }

        public boolean allowed() {
            return forbidden.isEmpty();
        }

        /** The reasons, comma separated: {@code host namespaces, privileged}. */
        public String reasons() {
            return String.join(", ", forbidden.stream().map(Aggregate::reasonOf).toList());
        }

        /** Each reason with its detail in parentheses: {@code host namespaces (hostPID=true), privileged (...)}. */
        public String details() {
            return String.join(", ", forbidden.stream().map(r -> r.detail() == null || r.detail().isEmpty()
                    ? reasonOf(r) : reasonOf(r) + " (" + r.detail() + ")").toList());
        }

        private static String reasonOf(CheckResult r) {
            return r.reason() == null || r.reason().isEmpty() ? "unknown forbidden reason" : r.reason();
        }
    }
}
