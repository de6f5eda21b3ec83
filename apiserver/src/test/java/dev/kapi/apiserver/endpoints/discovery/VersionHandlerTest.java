package dev.kapi.apiserver.endpoints.discovery;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.kapi.apiserver.endpoints.discovery.TestResources.get;
import static dev.kapi.apiserver.endpoints.discovery.TestResources.json;
import static org.assertj.core.api.Assertions.assertThat;

class VersionHandlerTest {

    @Test
    void versionInfoHasKubeFieldsAndASemverGitVersion() throws Exception {
        VersionHandler handler = new VersionHandler("abc123", "2025-01-01T00:00:00Z");
        assertThat(handler.matches("GET", "/version")).isTrue();
        assertThat(handler.matches("GET", "/versions")).isFalse();
        assertThat(handler.matches("POST", "/version")).isFalse();
        JsonNode body = json(get(handler, "/version", null));
        assertThat(body.get("major").asString()).isEqualTo("1");
        assertThat(body.get("minor").asString()).isEqualTo("32");
        assertThat(body.get("gitVersion").asString())
                .matches("v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?")
                .startsWith("v1.32.");
        assertThat(body.get("gitCommit").asString()).isEqualTo("abc123");
        assertThat(body.get("gitTreeState").asString()).isEqualTo("clean");
        assertThat(body.get("buildDate").asString()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(body.get("goVersion").asString()).isEqualTo("java" + Runtime.version().feature());
        assertThat(body.get("compiler").asString()).isEqualTo("javac");
        assertThat(body.get("platform").asString()).matches("[a-z0-9]+/[a-z0-9_]+");
    }
}
