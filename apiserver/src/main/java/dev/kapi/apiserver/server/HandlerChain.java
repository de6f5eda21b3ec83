package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.AuthenticationFilter;
import dev.kapi.apiserver.authn.Authenticator;
import dev.kapi.apiserver.authz.AuthorizationFilter;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.endpoints.ApiServlet;
import dev.kapi.apiserver.filters.PanicRecoveryFilter;
import dev.kapi.apiserver.filters.RequestInfoFilter;
import jakarta.servlet.Filter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The whole path of a request, outermost first, in one place (kube-apiserver's
 * {@code DefaultBuildHandlerChain}):
 * <ol>
 *   <li>panic recovery: any failure below becomes a 500 Status;</li>
 *   <li>request info: what the path, method and query address (verb, resource, namespace, name);</li>
 *   <li>authentication: who is asking (401 when nobody recognises the credential);</li>
 *   <li>authorization: may they (403 otherwise);</li>
 *   <li>the API handler: discovery and other paths, or a verb handler, which runs mutating admission,
 *       the registry (strategy, validation, validating admission) and storage.</li>
 * </ol>
 */
@Configuration(proxyBeanMethods = false)
public class HandlerChain {

    private static final String[] ALL = {"/*"};

    @Bean
    FilterRegistrationBean<Filter> panicRecovery() {
        return stage(new PanicRecoveryFilter(), 1, "panic-recovery");
    }

    @Bean
    FilterRegistrationBean<Filter> requestInfo() {
        return stage(new RequestInfoFilter(), 2, "request-info");
    }

    @Bean
    FilterRegistrationBean<Filter> authentication(List<Authenticator> authenticators) {
        return stage(new AuthenticationFilter(authenticators), 3, "authentication");
    }

    @Bean
    FilterRegistrationBean<Filter> authorization(Authorizer authorizer) {
        return stage(new AuthorizationFilter(authorizer), 4, "authorization");
    }

    @Bean
    ServletRegistrationBean<ApiServlet> apiHandler(ApiServlet servlet) {
        ServletRegistrationBean<ApiServlet> bean = new ServletRegistrationBean<>(servlet, ALL);
        bean.setName("api");
        bean.setLoadOnStartup(1);
        return bean;
    }

    private static FilterRegistrationBean<Filter> stage(Filter filter, int order, String name) {
        FilterRegistrationBean<Filter> bean = new FilterRegistrationBean<>(filter);
        bean.setOrder(order);
        bean.setName(name);
        bean.addUrlPatterns(ALL);
        return bean;
    }
}
