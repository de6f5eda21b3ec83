package dev.kapi.apiserver.server.readpath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.registry.StorageDecorator;
import dev.kapi.apiserver.storage.readcheck.StaleStorage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The HTTP race of {@link LinearizableHttpTests} catches a broken cache: ConfigMaps' storage behind a
 * {@link StaleStorage} that reads a few revisions old and drops every seventh watch event.
 */
class StaleReadPathDetectionTest {

    /** ConfigMaps read stale; every other resource as it is. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Stale {
        @Bean
        StorageDecorator staleConfigMaps() {
            return (definition, storage) -> definition.resource().equals("configmaps")
                    ? new StaleStorage(storage, 4, 7) : storage;
        }
    }

    @Test
    void staleReadsAndLostWatchEventsAreCaught() throws InterruptedException {
        try (ReadPathServer server = new ReadPathServer(List.of(), Stale.class)) {
            assertThat(server.send("POST", "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                    + "\"metadata\":{\"name\":\"stale\"}}").code()).isEqualTo(201);
            List<String> violations = new HttpRace(server, "stale", Duration.ofSeconds(3)).run(Duration.ofSeconds(3));
            System.out.println(violations.size() + " violations caught, e.g. "
                    + violations.stream().map(v -> v.substring(0, Math.min(v.length(), 300))).limit(4).toList());

            assertThat(violations).anyMatch(v -> v.startsWith("list "))
                    .anyMatch(v -> v.startsWith("watch with bookmarks"))
                    .anyMatch(v -> v.startsWith("resumed watch"))
                    .noneMatch(v -> v.startsWith("the backend's own watch"));
        }
    }
}
