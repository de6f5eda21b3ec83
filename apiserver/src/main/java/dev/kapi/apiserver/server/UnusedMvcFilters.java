package dev.kapi.apiserver.server;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.FormContentFilter;
import org.springframework.web.filter.RequestContextFilter;

/**
 * Two filters Spring Boot's web MVC configuration puts in front of every request, which this server has no
 * use for, are not registered: {@link FormContentFilter} (it would read {@code application/x-www-form-urlencoded}
 * bodies of PUT, PATCH and DELETE as parameters; no handler here reads form parameters, and kube-apiserver
 * answers such bodies 415) and {@link RequestContextFilter} (it exposes the request through Spring's
 * {@code RequestContextHolder}, which nothing here reads). The API's own chain is in {@link HandlerChain}.
 */
@Configuration(proxyBeanMethods = false)
public class UnusedMvcFilters {

    @Bean
    FilterRegistrationBean<FormContentFilter> formContentFilterNotRegistered(FormContentFilter filter) {
        return notRegistered(filter);
    }

    /** Boot defines its RequestContextFilter only when no registration of one exists; this one is off. */
    @Bean
    FilterRegistrationBean<RequestContextFilter> requestContextFilterNotRegistered() {
        return notRegistered(new RequestContextFilter());
    }

    private static <F extends jakarta.servlet.Filter> FilterRegistrationBean<F> notRegistered(F filter) {
        FilterRegistrationBean<F> bean = new FilterRegistrationBean<>(filter);
        bean.setEnabled(false);
        return bean;
    }
}
