package dev.kapi.apiserver.server;

import dev.kapi.apiserver.KnownFlags;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flag written as a YAML list in a configuration file ({@code tls-san: [a, b]}) reads as the comma-separated
 * flag ({@code --tls-san=a,b}). Spring keeps such a list as {@code tls-san[0]}, {@code tls-san[1]}, which a
 * plain property read sees as unset: an {@code etcd-servers} list would have started the embedded store, an
 * {@code oidc-required-claim} or {@code requestheader-allowed-names} list would have required nothing. An empty
 * entry in such a list stops the server. A value given as one string (on the command line or in a file) wins.
 */
public final class FlagLists implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> joined = new LinkedHashMap<>();
        for (String flag : KnownFlags.NAMES) {
            if (environment.getProperty(flag) != null || !environment.containsProperty(flag + "[0]")) {
                continue;
            }
            List<String> entries = new ArrayList<>();
            for (int i = 0; environment.containsProperty(flag + "[" + i + "]"); i++) {
                String entry = environment.getProperty(flag + "[" + i + "]", "");
                if (entry.isBlank()) {
                    throw new StartupFailure("--" + flag + ": empty value in \"" + flag + "\"");
                }
                entries.add(entry);
            }
            joined.put(flag, String.join(",", entries));
        }
        if (!joined.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("kapi-flag-lists", joined));
        }
    }

    /** After the config data (application.yaml, additional locations) has been read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
