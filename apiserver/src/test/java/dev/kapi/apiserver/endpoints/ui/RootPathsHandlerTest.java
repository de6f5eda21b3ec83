package dev.kapi.apiserver.endpoints.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.PathHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RootPathsHandlerTest {

    /** A handler listing {@code paths}, which a test may change between requests. */
    private record Listing(List<String> paths) implements PathHandler {
        @Override
        public boolean matches(String method, String path) {
            return false;
        }

        @Override
        public void handle(String path, HttpServletRequest request, HttpServletResponse response) {
        }

        @Override
        public List<String> listedPaths() {
            return paths;
        }
    }

    @Test
    void servesOnlyGetAndHeadOfTheRoot() {
        RootPathsHandler root = new RootPathsHandler(List.of());
        assertThat(root.matches("GET", "/")).isTrue();
        assertThat(root.matches("HEAD", "/")).isTrue();
        assertThat(root.matches("POST", "/")).isFalse();
        assertThat(root.matches("GET", "/index.html")).isFalse();
        assertThat(root.matches("GET", "")).isFalse();
    }

    @Test
    void listsEveryHandlersPathsSortedOnceAsTheyAreNow() throws Exception {
        List<String> groups = new ArrayList<>(List.of("/apis/apps", "/apis/apps/v1"));
        RootPathsHandler root = new RootPathsHandler(List.of(new Listing(List.of("/version", "/api", "/api/v1")),
                new Listing(groups), new Listing(List.of("/api"))));

        assertThat(paths(root)).containsExactly("/api", "/api/v1", "/apis/apps", "/apis/apps/v1", "/swagger-ui.html",
                "/version");
        groups.add("/apis/example.com/v1"); // a CRD's group-version, served since the last request
        assertThat(paths(root)).contains("/apis/example.com/v1");
    }

    @Test
    void writesTheListIndentedAsKubeDoesWhateverTheAccept() throws Exception {
        RootPathsHandler root = new RootPathsHandler(List.of(new Listing(List.of("/version", "/api"))));
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/");
        req.addHeader("Accept", "application/yaml");
        MockHttpServletResponse res = new MockHttpServletResponse();
        root.handle("/", req, res);
        assertThat(res.getContentType()).isEqualTo("application/json");
        assertThat(res.getContentAsString()).isEqualTo(
                "{\n  \"paths\": [\n    \"/api\",\n    \"/swagger-ui.html\",\n    \"/version\"\n  ]\n}");
    }

    private static List<String> paths(RootPathsHandler root) throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        root.handle("/", new MockHttpServletRequest("GET", "/"), res);
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentType()).startsWith("application/json");
        return Json.MAPPER.readTree(res.getContentAsByteArray()).path("paths").valueStream()
                .map(n -> n.asString()).toList();
    }
}
