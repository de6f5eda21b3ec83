package dev.kapi.apiserver.server;

import dev.kapi.apiserver.KnownFlags;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A flag written as a YAML list in a configuration file ({@code tls-san: [a, b]}) reads as the comma-separated
 * flag ({@code --tls-san=a,b}). Spring keeps such a list as {@code tls-san[0]}, {@code tls-san[1]}, which a
 * plain property read sees as unset: an {@code etcd-servers} list would have started the embedded store, an
 * {@code oidc-required-claim} or {@code requestheader-allowed-names} list would have required nothing. Where any
 * source has a flag as a list, the flag is bound as Spring binds lists, the source of highest precedence deciding
 * (the command line over a file, a later file over an earlier one, whether it says a list or a comma-separated
 * string), and that value is what every reader of the flag sees. An empty entry stops the server.
 */
public final class FlagLists implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        Map<String, Object> joined = new LinkedHashMap<>();
        for (String flag : KnownFlags.NAMES) {
            if (!environment.containsProperty(flag + "[0]")) {
                continue;
            }
            List<String> entries = binder.bind(flag, Bindable.listOf(String.class)).orElse(List.of());
            if (entries.stream().anyMatch(e -> e == null || e.isBlank())) {
                throw new StartupFailure("--" + flag + ": empty value in \"" + flag + "\"");
            }
            joined.put(flag, String.join(",", entries));
        }
        if (!joined.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("kapi-flag-lists", joined));
        }
    }

    /** After the config data (application.yaml, additional locations) has been read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
