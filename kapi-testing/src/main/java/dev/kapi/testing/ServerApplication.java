package dev.kapi.testing;

import dev.kapi.apiserver.KapiApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.web.context.support.StandardServletEnvironment;

import java.util.ArrayList;
import java.util.List;

/**
 * The Spring application of a test server. When the server was built with Spring's ahead-of-time processing
 * (the apiserver build runs {@code process-aot}, which writes {@code KapiApplication__ApplicationContextInitializer}),
 * the context is made from those generated bean definitions, as {@code -Dspring.aot.enabled=true} would make it
 * for the standalone server, but for this application only: no JVM-wide property that the test's own Spring
 * contexts would see. That skips scanning and parsing the configuration classes on every start, and the bean
 * definitions are the ones the server was built with, whatever else the test's class path holds (a test project's
 * own Spring Boot starters add no auto-configuration to the server). Without the generated class (the server's
 * classes compiled by an IDE, say) it is a plain Spring Boot application.
 */
final class ServerApplication {

    static final String AOT_INITIALIZER = KapiApplication.class.getName() + "__ApplicationContextInitializer";

    private ServerApplication() {
    }

    static SpringApplication create() {
        ApplicationContextInitializer<?> generated = generatedInitializer();
        SpringApplication app = generated == null ? new SpringApplication(KapiApplication.class) : new Aot(generated);
        app.setLogStartupInfo(false);
        app.setEnvironment(isolatedEnvironment());
        LoggingSetupGate.addTo(app);
        return app;
    }

    /**
     * An environment without the JVM's system properties and the process's environment variables: the server's
     * flags come from its command line and its own {@code application.yaml} only, so a {@code SERVER_PORT},
     * {@code -Dserver.port}, {@code ETCD_SERVERS} or {@code SPRING_APPLICATION_JSON} meant for the test's own
     * application does not change the test server.
     */
    static StandardServletEnvironment isolatedEnvironment() {
        StandardServletEnvironment environment = new StandardServletEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        return environment;
    }

    /** Whether this server's classes carry the ahead-of-time bean definitions. */
    static boolean aheadOfTime() {
        return generatedInitializer() != null;
    }

    private static ApplicationContextInitializer<?> generatedInitializer() {
        try {
            return (ApplicationContextInitializer<?>) Class.forName(AOT_INITIALIZER, true,
                    KapiApplication.class.getClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + AOT_INITIALIZER, e);
        }
    }

    /** SpringApplication's AOT mode, for this application: generated definitions first, no sources to parse. */
    private static final class Aot extends SpringApplication {

        Aot(ApplicationContextInitializer<?> generated) {
            super(KapiApplication.class);
            List<ApplicationContextInitializer<?>> initializers = new ArrayList<>();
            initializers.add(generated);
            initializers.addAll(getInitializers());
            setInitializers(initializers);
        }

        /** The generated initializer defines every bean; the sources are not parsed again. */
        @Override
        protected void load(ApplicationContext context, Object[] sources) {
        }

        /** The context AOT mode uses: no annotation processors, as the definitions are already made. */
        @Override
        protected ConfigurableApplicationContext createApplicationContext() {
            return new ServletWebServerApplicationContext();
        }
    }
}
