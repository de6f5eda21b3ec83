package dev.kapi.admissionwebhooks;

import java.util.ArrayList;
import java.util.List;

/**
 * Command-line flags as Spring reads them: {@code --flag value} becomes {@code --flag=value}, a flag followed
 * by another flag or by nothing is a boolean set to true, and {@code --config FILE} adds the YAML file FILE to
 * the configuration ({@code --spring.config.additional-location}).
 */
final class Flags {

    private Flags() {
    }

    static String[] normalize(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && !a.contains("=")) {
                boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
                a = a + "=" + (hasValue ? args[++i] : "true");
            }
            if (a.startsWith("--config=")) {
                a = "--spring.config.additional-location=file:" + a.substring("--config=".length());
            }
            out.add(a);
        }
        return out.toArray(String[]::new);
    }
}
