package dev.kapi.apiserver;

import dev.kapi.apiserver.server.FlagValues;

import java.util.ArrayList;
import java.util.List;

/**
 * Accepts kube-apiserver's flag spelling, {@code --etcd-servers http://a:2379} as well as
 * {@code --etcd-servers=http://a:2379}, by turning the first form into the second (which Spring reads).
 * A flag followed by another flag or by nothing is a boolean set to true. A one-value flag
 * ({@link FlagValues#scalar}) given twice keeps its last value, as kube's flag library does.
 */
final class FlagArgs {

    private FlagArgs() {
    }

    static String[] normalize(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && !a.contains("=")) {
                boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
                out.add(a + "=" + (hasValue ? args[++i] : "true"));
            } else {
                out.add(a);
            }
        }
        // a one-value flag given twice: the last counts, as in kube's flag library
        java.util.Set<String> later = new java.util.HashSet<>();
        List<String> kept = new ArrayList<>();
        for (int i = out.size() - 1; i >= 0; i--) {
            String a = out.get(i);
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (name == null || !FlagValues.scalar(name) || later.add(name)) {
                kept.addFirst(a);
            }
        }
        return kept.toArray(String[]::new);
    }
}
