package dev.kapi.apiserver.server;

import dev.kapi.apiserver.KnownFlags;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A flag written as a YAML list in a configuration file ({@code tls-san: [a, b]}) reads as the comma-separated
 * flag ({@code --tls-san=a,b}). Spring keeps such a list as {@code tls-san[0]}, {@code tls-san[1]}, which a
 * plain property read sees as unset: an {@code etcd-servers} list would have started the embedded store, an
 * {@code oidc-required-claim} or {@code requestheader-allowed-names} list would have required nothing. Where any
 * source has a flag as a list, the flag is bound as Spring binds lists, the source of highest precedence deciding
 * (the command line over a file, a later file over an earlier one, whether it says a list or a comma-separated
 * string), and that value is what every reader of the flag sees. An empty entry, a map, or a list that cannot be
 * read stops the server with one line.
 */
public final class FlagLists implements EnvironmentPostProcessor, Ordered {

    /** {@code flag[3]}: an entry of a list, the only nested name a flag may have. */
    private static final Pattern LIST_ENTRY = Pattern.compile("[a-z0-9-]+\\[\\d+]");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Binder binder = Binder.get(environment);
        refuseMaps(environment);
        Map<String, Object> joined = new LinkedHashMap<>();
        for (String flag : KnownFlags.NAMES) {
            if (!environment.containsProperty(flag + "[0]")) {
                continue;
            }
            List<String> entries;
            try {
                entries = binder.bind(flag, Bindable.listOf(String.class)).orElse(List.of());
            } catch (RuntimeException e) {
                throw new StartupFailure("--" + flag + ": " + rootMessage(e), e);
            }
            if (entries.stream().anyMatch(e -> e == null || e.isBlank())) {
                throw new StartupFailure("--" + flag + ": empty value in \"" + flag + "\"");
            }
            joined.put(flag, String.join(",", entries));
        }
        if (!joined.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("kapi-flag-lists", joined));
        }
    }

    /**
     * A flag written as a map ({@code oidc-required-claim: {tenant: acme}}) or a list of maps would be read as
     * unset: it stops the server instead, saying how to write it.
     */
    private static void refuseMaps(ConfigurableEnvironment environment) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> names)) {
                continue; // Spring's own view of all sources is not enumerable: each source is read once
            }
            for (String name : names.getPropertyNames()) {
                int cut = name.indexOf('.');
                int bracket = name.indexOf('[');
                String flag = name.substring(0, Math.min(cut < 0 ? name.length() : cut,
                        bracket < 0 ? name.length() : bracket));
                if (KnownFlags.NAMES.contains(flag) && !name.equals(flag) && !LIST_ENTRY.matcher(name).matches()) {
                    throw new StartupFailure("--" + flag + ": " + name + " is a map, not a value: write the flag as "
                            + "a string or a list of strings" + (flag.equals("oidc-required-claim")
                            ? " (claim=value)" : ""));
                }
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** After the config data (application.yaml, additional locations) has been read; before {@link FlagValues}. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }
}
