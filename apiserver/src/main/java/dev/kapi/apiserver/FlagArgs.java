package dev.kapi.apiserver;

import java.util.ArrayList;
import java.util.List;

/**
 * Accepts kube-apiserver's flag spelling, {@code --etcd-servers http://a:2379} as well as
 * {@code --etcd-servers=http://a:2379}, by turning the first form into the second (which Spring reads).
 * A flag followed by another flag or by nothing is a boolean set to true.
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
        return out.toArray(String[]::new);
    }
}
