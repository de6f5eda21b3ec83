package dev.kapi.apiserver.server;

import dev.kapi.apiserver.endpoints.ui.SwaggerUiFiles;
import dev.kapi.apiserver.testing.TestDataDirs;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterMapping;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHandler;
import org.eclipse.jetty.ee11.servlet.ServletMapping;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every servlet the container serves, for every dispatch type, is behind the security chain (authentication
 * and authorization), and the container has no error pages that could re-dispatch a request to a servlet:
 * read from the running Jetty, so a registration added anywhere (a Boot auto-configuration, a new bean) is
 * covered by this test too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HandlerRegistrationCoverageTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-registrations-");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("data-dir", DATA_DIR::toString);
    }

    @Autowired
    ServletWebServerApplicationContext context;

    @Test
    void everyServletMappingIsCoveredByAuthorizationForEveryDispatchType() {
        ServletHandler handler = servletContext().getServletHandler();
        List<FilterMapping> filters = Arrays.asList(handler.getFilterMappings());
        FilterMapping security = filters.stream().filter(f -> f.getFilterName().equals("security")).findFirst()
                .orElseThrow(() -> new AssertionError("no security filter mapping"));
        assertThat(security.getPathSpecs()).containsExactly("/*");
        for (DispatcherType type : DispatcherType.values()) {
            assertThat(security.appliesTo(type)).as("security filter on " + type + " dispatch").isTrue();
        }
        // nothing but these may act on a request before it is authorized (no upgrade or forwarding filter);
        // Boot's characterEncodingFilter only names the charset of request parameters
        assertThat(filters.subList(0, filters.indexOf(security))).extracting(FilterMapping::getFilterName)
                .containsExactly("characterEncodingFilter", "unread-body", "panic-recovery", "request-info",
                        "request-deadline");
        ServletMapping[] servlets = handler.getServletMappings();
        assertThat(servlets).isNotEmpty();
        // Spring MVC's servlet (springdoc's Swagger UI) has the UI's exact file paths and "/", no prefix
        Set<String> mvc = new HashSet<>(SwaggerUiFiles.PATHS);
        mvc.add("/");
        for (ServletMapping servlet : servlets) {
            assertThat(servlet.getPathSpecs()).as(servlet.getServletName())
                    .allSatisfy(spec -> assertThat(spec).isIn(servlet.getServletName().equals("dispatcherServlet")
                            ? mvc : Set.of("/*")));
        }
        // "/*" of the API servlet takes every path but the exact ones, so a servlet mapped at "/" (Boot's
        // DispatcherServlet) is never reached there; either way the security filter's "/*" precedes both.
        assertThat(Arrays.stream(servlets).filter(s -> Arrays.asList(s.getPathSpecs()).contains("/*")))
                .extracting(ServletMapping::getServletName).containsExactly("api");
    }

    @Test
    void errorsAreAnsweredWhereTheyHappenNeverReDispatched() {
        Server server = ((JettyWebServer) context.getWebServer()).getServer();
        assertThat(server.getErrorHandler()).isInstanceOf(ContainerErrors.class);
        assertThat(servletContext().getErrorHandler()).isInstanceOf(ContainerErrors.class);
    }

    private ServletContextHandler servletContext() {
        Server server = ((JettyWebServer) context.getWebServer()).getServer();
        ServletContextHandler handler = server.getDescendant(ServletContextHandler.class);
        assertThat(handler).isNotNull();
        return handler;
    }
}
