package dev.kapi.apiserver.server;

import dev.kapi.apiserver.endpoints.ui.SwaggerInitializer;
import dev.kapi.apiserver.endpoints.ui.SwaggerUiFiles;
import jakarta.servlet.ServletRegistration;
import org.springdoc.webmvc.ui.SwaggerIndexTransformer;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The Swagger UI (springdoc-openapi's): Spring MVC's servlet, where springdoc serves the UI, is mapped to the
 * UI's exact file paths ({@link SwaggerUiFiles}) and nothing else, so every other path stays with the API
 * handler ({@code /*}); the security chain lets exactly these paths through without an authorization decision
 * ({@link HandlerChain}). The UI's documents are the server's own {@code /openapi/v3}; springdoc's generation
 * of documents from MVC controllers has no path mapped to it.
 */
@Configuration(proxyBeanMethods = false)
public class SwaggerUiConfig {

    /** Replaces Boot's registration (mapped to "/", which "/*" already shadows) by one with the UI's paths. */
    @Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_REGISTRATION_BEAN_NAME)
    DispatcherServletRegistrationBean dispatcherServletRegistration(DispatcherServlet servlet) {
        DispatcherServletRegistrationBean bean = new DispatcherServletRegistrationBean(servlet, "/") {
            @Override
            protected void configure(ServletRegistration.Dynamic registration) {
                super.configure(registration);
                registration.addMapping(SwaggerUiFiles.PATHS.toArray(String[]::new));
            }
        };
        bean.setName(DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME);
        return bean;
    }

    /**
     * springdoc's beans are made when the UI is first asked for, not at start-up: they load several hundred
     * classes (swagger-core, its Jackson 2) that a server nobody opens the UI on never needs.
     */
    @Bean
    static BeanFactoryPostProcessor lazySpringdoc() {
        return factory -> {
            for (String name : factory.getBeanDefinitionNames()) {
                BeanDefinition definition = factory.getBeanDefinition(name);
                if (isSpringdoc(name, definition)) {
                    definition.setLazyInit(true);
                }
            }
        };
    }

    private static boolean isSpringdoc(String name, BeanDefinition definition) {
        String type = definition instanceof AbstractBeanDefinition d && d.hasBeanClass() ? d.getBeanClass().getName()
                : definition.getBeanClassName();
        String factoryBean = definition.getFactoryBeanName();
        return name.startsWith(SPRINGDOC) || (type != null && type.startsWith(SPRINGDOC))
                || (factoryBean != null && factoryBean.startsWith(SPRINGDOC));
    }

    private static final String SPRINGDOC = "org.springdoc.";

    @Bean
    SwaggerIndexTransformer swaggerInitializer() {
        return new SwaggerInitializer();
    }
}
