package dev.kapi.apiserver.server;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * kube-apiserver's {@code --logging-format}: {@code text} (the default, Spring Boot's console lines) or
 * {@code json}, one JSON object per line ({@link KubeJsonLogFormat}) through Spring Boot's structured logging
 * ({@code logging.structured.format.console}). Read before logging starts, after the config files
 * ({@code --spring.config.additional-location}) are, so it works as a flag and as a YAML key alike.
 */
public final class LoggingFormat implements EnvironmentPostProcessor, Ordered {

    static final String FLAG = "logging-format";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty(FLAG, "text").trim();
        switch (format) {
            case "text", "" -> { }
            case "json" -> environment.getPropertySources().addFirst(new MapPropertySource("kapi-logging-format",
                    Map.of("logging.structured.format.console", KubeJsonLogFormat.class.getName())));
            default -> throw new StartupFailure("invalid value \"" + format + "\" for --logging-format: format "
                    + "not supported; supported values: json, text");
        }
    }

    /** Whether the server logs JSON lines (and so should print nothing else). */
    static boolean isJson(org.springframework.core.env.Environment environment) {
        return "json".equals(environment.getProperty(FLAG, "text").trim());
    }

    /** After the config data (application.yaml, additional locations) has been read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
