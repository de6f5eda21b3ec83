package dev.kapi.apiserver.endpoints.ui;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Set;

/**
 * The Swagger UI's files, by their exact paths: the only paths served without an authorization decision, and
 * the only paths the UI's servlet (springdoc's, in Spring MVC) is mapped to. They hold no data: the page asks
 * the API for everything it shows ({@code /openapi/v3}, then each document and each call), with the user's
 * bearer token, and those requests are authenticated and authorized as any other.
 *
 * <p>A request is a UI file only when its raw request URI is one of these strings, character for character:
 * no percent-encoding, {@code ;} parameter, dot segment or doubled slash makes another path look like one.
 */
public final class SwaggerUiFiles {

    /** springdoc's entry point: a redirect to {@code /swagger-ui/index.html}. */
    public static final String ENTRY = "/swagger-ui.html";
    public static final String INDEX = "/swagger-ui/index.html";
    /** The page's start-up script, which springdoc serves through {@link SwaggerInitializer}. */
    public static final String INITIALIZER = "/swagger-ui/swagger-initializer.js";

    /** Every path of the UI: springdoc's redirect and the files {@code index.html} loads. */
    public static final Set<String> PATHS = Set.of(ENTRY, INDEX, INITIALIZER,
            "/swagger-ui/index.css", "/swagger-ui/swagger-ui.css", "/swagger-ui/swagger-ui-bundle.js",
            "/swagger-ui/swagger-ui-standalone-preset.js", "/swagger-ui/favicon-32x32.png",
            "/swagger-ui/favicon-16x16.png");

    private SwaggerUiFiles() {
    }

    /** Whether {@code request} is a GET or HEAD of exactly one of the UI's {@link #PATHS}. */
    public static boolean requested(HttpServletRequest request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && request.getContextPath().isEmpty()
                && PATHS.contains(request.getRequestURI());
    }
}
