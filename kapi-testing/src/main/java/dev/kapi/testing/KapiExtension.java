package dev.kapi.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JUnit 5 extension behind {@link KapiTest}: gets the class its server (started for it, or the run's shared
 * one of the same settings), sets the fields and resolves the parameters {@link Injection} knows, and makes and
 * deletes a namespace around each test method when asked to. A {@code @Nested} class uses its enclosing
 * class's server.
 */
public final class KapiExtension implements BeforeAllCallback, TestInstancePostProcessor, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KapiExtension.class);
    private static final AtomicLong NAMESPACES = new AtomicLong();

    @Override
    public void beforeAll(ExtensionContext context) {
        ScopedServer server = server(context);
        Injection.setStatic(context.getRequiredTestClass(), server);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        Injection.setInstance(testInstance, server(context));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!settings(context).namespacePerTest()) {
            return;
        }
        ScopedServer server = server(context);
        String namespace = "test-" + NAMESPACES.incrementAndGet();
        TestNamespaces.create(server.client(), namespace);
        server.namespace(namespace);
        context.getStore(STORE).put("namespace", namespace);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            Injection.setInstance(instance, server);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String namespace = context.getStore(STORE).remove("namespace", String.class);
        if (namespace != null) {
            ScopedServer server = server(context);
            server.namespace("default");
            TestNamespaces.delete(server.client(), namespace);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return Injection.supports(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return Injection.value(parameter.getParameter().getType(), server(context));
    }

    /** The class's view of its server, made once per class (a nested class finds its enclosing class's). */
    private static ScopedServer server(ExtensionContext context) {
        ExtensionContext declaring = declaringContext(context);
        return declaring.getStore(STORE).computeIfAbsent("server", k -> {
            KapiTest test = settings(declaring);
            ServerSettings settings = ServerSettings.of(test);
            ManagedServer managed = test.scope() == KapiTest.Scope.SHARED
                    ? declaring.getRoot().getStore(STORE).computeIfAbsent(settings,
                            s -> ManagedServer.start(settings), ManagedServer.class)
                    : declaring.getStore(STORE).computeIfAbsent("owned",
                            s -> ManagedServer.start(settings), ManagedServer.class);
            return new ScopedServer(managed.server());
        }, ScopedServer.class);
    }

    /** The context of the outermost class annotated {@link KapiTest} around this one. */
    private static ExtensionContext declaringContext(ExtensionContext context) {
        ExtensionContext found = null;
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestClass().isPresent() && c.get().getTestMethod().isEmpty()
                    && c.get().getTestClass().get().isAnnotationPresent(KapiTest.class)) {
                found = c.get();
            }
        }
        if (found == null) {
            throw new ExtensionConfigurationException("KapiExtension needs @KapiTest on the test class");
        }
        return found;
    }

    private static KapiTest settings(ExtensionContext context) {
        return declaringContext(context).getRequiredTestClass().getAnnotation(KapiTest.class);
    }
}
