package dev.kapi.apiserver.endpoints.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

class SwaggerUiFilesTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "GET, /swagger-ui.html, true",
            "GET, /swagger-ui/index.html, true",
            "HEAD, /swagger-ui/swagger-ui-bundle.js, true",
            "GET, /swagger-ui/swagger-initializer.js, true",
            "POST, /swagger-ui/index.html, false",
            "DELETE, /swagger-ui/index.html, false",
            "GET, /swagger-ui/, false",
            "GET, /swagger-ui, false",
            "GET, /swagger-ui/oauth2-redirect.html, false",
            "GET, /swagger-ui/../api/v1/secrets, false",
            "GET, /swagger-ui/index.html/../../api/v1/secrets, false",
            "GET, /swagger-ui/index.html;x, false",
            "GET, /swagger-ui/index%2Ehtml, false",
            "GET, /swagger-ui%2Findex.html, false",
            "GET, //swagger-ui/index.html, false",
            "GET, /SWAGGER-UI/index.html, false",
            "GET, /api/v1/secrets/swagger-ui/index.html, false",
            "GET, /v3/api-docs/swagger-config, false",
    })
    void onlyExactRawPathsByGetOrHeadAreUiFiles(String method, String rawUri, boolean uiFile) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, rawUri);
        assertThat(SwaggerUiFiles.requested(request)).isEqualTo(uiFile);
    }

    @ParameterizedTest
    @CsvSource({"/kapi", "/swagger-ui"})
    void aContextPathIsNeverAUiFile(String contextPath) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", contextPath + "/swagger-ui/index.html");
        request.setContextPath(contextPath);
        assertThat(SwaggerUiFiles.requested(request)).isFalse();
    }
}
