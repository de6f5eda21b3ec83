package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --logging-format=json} on the packaged server: every line it prints, from start-up to exit, is one JSON
 * object with kube's {@code ts}, {@code msg} and {@code v} and our {@code level} and {@code logger}; the same
 * from a YAML config file; and a format kube does not know stops the server with kube's message.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LoggingFormatIT {

    @Test
    void jsonPrintsOneObjectPerLine() throws Exception {
        Path dir = Files.createTempDirectory(KapiServerExtension.e2eDir(), "logging-json-");
        KapiServer server = KapiServer.start(dir.getFileName().toString(), dir.resolve("data"),
                List.of("--logging-format=json"));
        try {
            assertThat(server.admin().get("/api/v1/namespaces/default").code()).isEqualTo(200);
        } finally {
            server.process().destroy();
            server.process().waitFor();
            server.close();
        }
        List<String> lines = logLines(server.log());
        assertThat(lines).hasSizeGreaterThan(3);
        for (String line : lines) {
            JsonNode event = Json.MAPPER.readTree(line);
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.path("ts").isNumber()).as(line).isTrue();
            assertThat(event.path("ts").asDouble()).as(line).isGreaterThan(1.7e9);
            assertThat(event.path("level").asString()).as(line).isIn("info", "warn", "error", "debug", "trace");
            assertThat(event.path("msg").isString()).as(line).isTrue();
            assertThat(event.path("logger").asString()).as(line).isNotEmpty();
            assertThat(event.path("v").asInt(-1)).as(line).isZero();
        }
        assertThat(lines).anySatisfy(l -> assertThat(Json.MAPPER.readTree(l).path("msg").asString())
                .startsWith("Storage: embedded store"));
        assertThat(lines).anySatisfy(l -> assertThat(Json.MAPPER.readTree(l).path("msg").asString())
                .startsWith("Shutting down"));
        assertThat(lines).anySatisfy(l -> assertThat(Json.MAPPER.readTree(l).path("msg").asString())
                .startsWith("Kapi is ready at https://127.0.0.1:"));
    }

    @Test
    void theFormatMayComeFromAConfigFile() throws Exception {
        Path dir = Files.createTempDirectory(KapiServerExtension.e2eDir(), "logging-yaml-");
        Path config = Files.writeString(dir.resolve("kapi.yaml"), "logging-format: json\n");
        try (KapiServer server = KapiServer.start(dir.getFileName().toString(), dir.resolve("data"),
                List.of("--spring.config.additional-location=" + config))) {
            List<String> lines = logLines(server.log());
            assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(Json.MAPPER.readTree(l).has("msg")).as(l).isTrue());
        }
    }

    /**
     * The server's output (stdout and stderr, merged by the test's launcher) without the JVM's own warnings on
     * stderr ("WARNING: A terminally deprecated method in sun.misc.Unsafe has been called", from protobuf),
     * which no logging configuration reaches.
     */
    private static List<String> logLines(Path log) throws java.io.IOException {
        return Files.readAllLines(log).stream().filter(l -> !l.isBlank() && !l.startsWith("WARNING: ")).toList();
    }

    @Test
    void anUnknownFormatStopsTheServer() throws Exception {
        Path dir = KapiServerExtension.e2eDir().resolve("logging-bad-" + System.nanoTime());
        KapiServer.Exited exited = KapiServer.runToExit("logging-bad", dir, KapiServer.freePort(),
                List.of("--logging-format=xml"));
        assertThat(exited.exitCode()).isNotZero();
        assertThat(String.join("\n", exited.output())).contains("invalid value \"xml\" for --logging-format: "
                + "format not supported; supported values: json, text");
    }
}
