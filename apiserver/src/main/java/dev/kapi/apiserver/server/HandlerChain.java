package dev.kapi.apiserver.server;

import dev.kapi.apiserver.audit.AuditFilter;
import dev.kapi.apiserver.audit.Auditor;
import dev.kapi.apiserver.audit.FailedAuthenticationAudit;
import dev.kapi.apiserver.authn.Authenticator;
import dev.kapi.apiserver.authn.RequestAuthenticationFilter;
import dev.kapi.apiserver.authn.UnauthorizedEntryPoint;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.ForbiddenHandler;
import dev.kapi.apiserver.authz.ImpersonationFilter;
import dev.kapi.apiserver.authz.RequestAuthorizationManager;
import dev.kapi.apiserver.endpoints.ApiServlet;
import dev.kapi.apiserver.endpoints.ui.SwaggerUiFiles;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.PrivilegedGroupAuthorizer;
import dev.kapi.apiserver.filters.MaxInFlightFilter;
import dev.kapi.apiserver.filters.PanicRecoveryFilter;
import dev.kapi.apiserver.filters.RequestMetricsFilter;
import dev.kapi.apiserver.filters.UnreadBodyFilter;
import dev.kapi.apiserver.filters.RequestInfoFilter;
import dev.kapi.apiserver.filters.RequestDeadlineFilter;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import jakarta.servlet.DispatcherType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee11.webapp.AbstractConfiguration;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

import java.util.EnumSet;
import java.util.List;

/**
 * The whole path of a request, outermost first, in one place (kube-apiserver's
 * {@code DefaultBuildHandlerChain}):
 * <ol>
 *   <li>unread body: a body the answer did not need is read and dropped afterwards, so the connection
 *       stays reusable;</li>
 *   <li>panic recovery: any failure below becomes a 500 Status;</li>
 *   <li>request info: what the path, method and query address (verb, resource, namespace, name);</li>
 *   <li>request deadline: a request that is not long-running gets kube's 504 Timeout when it has not started
 *       its answer within {@code --request-timeout} or its own {@code timeout} ({@link RequestDeadlineFilter});</li>
 *   <li>the security chain (Spring Security's filter chain, built below):
 *     <ol>
 *       <li>authentication: client certificate, then bearer token; no credential = {@code system:anonymous}
 *           ({@code --anonymous-auth}); a bad credential = 401 (audited by {@link FailedAuthenticationAudit});</li>
 *       <li>audit: the request's {@code Audit-Id}; with {@code --audit-policy-file} and {@code --audit-log-path},
 *           its events at each stage, as the policy says ({@link AuditFilter});</li>
 *       <li>impersonation: {@code Impersonate-*} headers, each authorized with verb {@code impersonate};</li>
 *       <li>max in flight: {@code --max-requests-inflight} / {@code --max-mutating-requests-inflight}, else 429
 *           ({@link MaxInFlightFilter}; long-running requests, probes and {@code system:masters} pass);</li>
 *       <li>authorization: the {@code --authorization-mode} chain decides, else 403 in kube's words; the
 *           Swagger UI's static files ({@link SwaggerUiFiles}, exact paths) need no decision;</li>
 *     </ol></li>
 *   <li>request metrics: {@code apiserver_request_total}, {@code apiserver_request_duration_seconds},
 *       {@code apiserver_longrunning_requests} ({@link RequestMetricsFilter}), around the handler as kube's;</li>
 *   <li>the API handler: discovery and other paths, or a verb handler, which runs mutating admission,
 *       the registry (strategy, validation, validating admission) and storage; or, for the UI's files
 *       only, Spring MVC's servlet where springdoc serves the Swagger UI ({@link SwaggerUiConfig}).</li>
 * </ol>
 * Spring Boot's own registration of the security filter is switched off ({@code KapiApplication}) so that
 * its place (order 4) is set here.
 *
 * <p>No request is served without an authorization decision made for it: the security chain covers every
 * path and every dispatch type, the API handler refuses a request that carries no {@code AuthorizedRequest}
 * for its own REQUEST dispatch, and the container has no error pages that could re-dispatch a request past
 * the chain ({@link #containerErrors}). A path that cannot be read unambiguously is a 400 at the request-info
 * stage ({@code RequestPath}), and one Spring Security's firewall rejects is a 400 {@code Status} too.
 */
@Configuration(proxyBeanMethods = false)
public class HandlerChain {

    private static final String[] ALL = {"/*"};

    @Bean
    FilterRegistrationBean<Filter> unreadBody() {
        return stage(new UnreadBodyFilter(), 0, "unread-body");
    }

    @Bean
    FilterRegistrationBean<Filter> panicRecovery() {
        return stage(new PanicRecoveryFilter(), 1, "panic-recovery");
    }

    @Bean
    FilterRegistrationBean<Filter> requestInfo() {
        return stage(new RequestInfoFilter(), 2, "request-info");
    }

    @Bean
    FilterRegistrationBean<Filter> requestDeadline(OperationsOptions options) {
        return stage(new RequestDeadlineFilter(options.requestTimeout()), 3, "request-deadline");
    }

    @Bean
    DelegatingFilterProxyRegistrationBean security() {
        DelegatingFilterProxyRegistrationBean bean = new DelegatingFilterProxyRegistrationBean(
                "springSecurityFilterChain");
        bean.setOrder(4);
        bean.setName("security");
        bean.addUrlPatterns(ALL);
        bean.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
        return bean;
    }

    @Bean
    FilterRegistrationBean<Filter> requestMetrics(MeterRegistry meters) {
        return stage(new RequestMetricsFilter(meters), 10, "request-metrics");
    }

    /**
     * Authentication → audit → impersonation → max in flight → authorization, with Spring Security's browser
     * features off.
     */
    @Bean
    SecurityFilterChain securityChain(HttpSecurity http, List<Authenticator> authenticators, Authorizer authorizer,
                                      StructuredAuthentication authentication, Auditor auditor,
                                      OperationsOptions limits,
                                      MeterRegistry meters) throws Exception {
        FailedAuthenticationAudit unauthorized = new FailedAuthenticationAudit(new UnauthorizedEntryPoint(), auditor);
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                .sessionManagement(AbstractHttpConfigurer::disable)
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(new ForbiddenHandler()))
                .addFilterBefore(new RequestAuthenticationFilter(authenticators, authentication.anonymous(),
                        unauthorized), AnonymousAuthenticationFilter.class)
                .addFilterAfter(new AuditFilter(auditor), RequestAuthenticationFilter.class)
                .addFilterAfter(new ImpersonationFilter(authorizer), ExceptionTranslationFilter.class)
                .addFilterAfter(new MaxInFlightFilter(limits.maxRequestsInflight(),
                        limits.maxMutatingRequestsInflight(), HandlerChain::privileged, meters), ImpersonationFilter.class)
                .authorizeHttpRequests(a -> a.requestMatchers(SwaggerUiFiles::requested).permitAll()
                        .anyRequest().access(new RequestAuthorizationManager(authorizer)))
                .build();
    }

    /**
     * Spring Security's request firewall (it rejects path traversal, encoded slashes and the like before
     * authentication) with header checks written as character loops rather than its per-header regular
     * expressions: the same rule (no control characters), less work per request.
     */
    @Bean
    WebSecurityCustomizer firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderNames(HandlerChain::noControlCharacters);
        firewall.setAllowedHeaderValues(HandlerChain::noControlCharacters);
        return web -> web.httpFirewall(firewall).requestRejectedHandler((req, res, e) ->
                StatusResponses.write(req, res, StatusError.badRequest("invalid request: " + e.getMessage()).status()));
    }

    /**
     * Errors the container answers itself ({@link ContainerErrors}) are written where they happen, by the
     * server and by the servlet context alike: there are no error pages, so nothing is ever re-dispatched to
     * the API handler. Runs after Boot's own configuration, which installs an error-page handler.
     */
    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> containerErrors() {
        return factory -> {
            factory.addServerCustomizers(server -> server.setErrorHandler(new ContainerErrors()));
            factory.addConfigurations(new AbstractConfiguration(new AbstractConfiguration.Builder()) {
                @Override
                public void configure(WebAppContext context) {
                    context.setErrorHandler(new ContainerErrors());
                }
            });
        };
    }

    /** kube's in-flight limit lets members of {@code system:masters} through (after impersonation). */
    private static boolean privileged(HttpServletRequest req) {
        return req.getAttribute(UserInfo.ATTRIBUTE) instanceof UserInfo user
                && user.groups().contains(PrivilegedGroupAuthorizer.MASTERS);
    }

    private static boolean noControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
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
