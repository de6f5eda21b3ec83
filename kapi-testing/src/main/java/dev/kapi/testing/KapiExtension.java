package dev.kapi.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JUnit 5 extension behind {@link KapiTest}: gets the class its server (started for it, or the run's shared
 * one of the same settings), sets the fields and resolves the parameters {@link Injection} knows, and makes and
 * deletes a namespace around each test method when asked to. A {@code @Nested} class uses its enclosing
 * class's server.
 */
public final class KapiExtension implements BeforeAllCallback, TestInstancePostProcessor, BeforeEachCallback,
        AfterEachCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(KapiExtension.class);
    private static final AtomicLong NAMESPACES = new AtomicLong();
    /** Names this JVM's test namespaces apart from another run's on the same etcd ({@code --etcd-servers}). */
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
    private static final String TEST_VIEW = "test-view";

    @Override
    public void beforeAll(ExtensionContext context) {
        ScopedServer server = server(context);
        Injection.setStatic(context.getRequiredTestClass(), server);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        Injection.setInstance(testInstance, server(context));
    }

    /** The class's static fields are no longer its own (a base class's may go to the next class). */
    @Override
    public void afterAll(ExtensionContext context) {
        Injection.releaseStatic(context.getRequiredTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            ScopedServer own = serverOf(context, instance);
            if (own != null) {
                Injection.replaceClosedClients(instance, own, own);
            }
        }
        if (!settings(context).namespacePerTest()) {
            return;
        }
        ScopedServer classView = server(context);
        String namespace = "test-" + NAMESPACES.incrementAndGet() + "-" + RUN;
        TestNamespaces.create(classView.client(), namespace);
        ScopedServer testView = classView.inNamespace(namespace);
        context.getStore(STORE).put(TEST_VIEW, testView);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            if (serverOf(context, instance) != null) { // not an enclosing class without @KapiTest
                Injection.setInstance(instance, testView);
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ScopedServer testView = context.getStore(STORE).remove(TEST_VIEW, ScopedServer.class);
        if (testView != null) {
            TestNamespaces.delete(server(context).client(), testView.namespace());
            // an instance kept for the next test (PER_CLASS) and its @AfterAll see its class's namespace again
            for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
                ScopedServer own = serverOf(context, instance);
                if (own != null) {
                    Injection.setInstance(instance, own);
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return Injection.supports(parameter.getParameter().getType());
    }

    /** A test method's parameters (and its {@code @BeforeEach} methods') see the test's namespace. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ScopedServer testView = context.getTestMethod().isPresent()
                ? context.getStore(STORE).get(TEST_VIEW, ScopedServer.class) : null;
        return Injection.value(parameter.getParameter().getType(), testView != null ? testView : server(context));
    }

    /** The class's view of its server, made once per class (a nested class finds its enclosing class's). */
    private static ScopedServer server(ExtensionContext context) {
        ExtensionContext declaring = declaringContext(context);
        Class<?> declaringClass = declaring.getRequiredTestClass();
        return declaring.getStore(STORE).getOrComputeIfAbsent("server:" + declaringClass.getName(), k -> {
            KapiTest test = settings(declaring);
            ServerSettings settings = ServerSettings.of(test);
            ManagedServer managed = test.scope() == KapiTest.Scope.SHARED
                    ? declaring.getRoot().getStore(STORE).getOrComputeIfAbsent(settings,
                            s -> ManagedServer.start(settings), ManagedServer.class)
                    : declaring.getStore(STORE).getOrComputeIfAbsent("owned:" + declaringClass.getName(),
                            s -> ManagedServer.start(settings), ManagedServer.class);
            return new ScopedServer(managed.server());
        }, ScopedServer.class);
    }

    /**
     * The view {@code instance}'s fields were given when it was made: its own class's; null for an enclosing class
     * without {@link KapiTest} (only its {@code @Nested} classes have one), whose fields were never set.
     */
    private static ScopedServer serverOf(ExtensionContext context, Object instance) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestMethod().isEmpty()
                    && c.get().getTestClass().filter(instance.getClass()::equals).isPresent()) {
                return findDeclaringContext(c.get()).map(KapiExtension::server).orElse(null);
            }
        }
        return server(context);
    }

    /**
     * The context of the innermost class around this test that is annotated {@link KapiTest} (directly, through a
     * composed annotation, or inherited): a {@code @Nested} class without its own annotation shares its enclosing
     * class's server, one with its own annotation gets its own.
     */
    private static ExtensionContext declaringContext(ExtensionContext context) {
        return findDeclaringContext(context).orElseThrow(
                () -> new ExtensionConfigurationException("KapiExtension needs @KapiTest on the test class"));
    }

    private static Optional<ExtensionContext> findDeclaringContext(ExtensionContext context) {
        for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
            if (c.get().getTestClass().isPresent() && c.get().getTestMethod().isEmpty()
                    && annotation(c.get().getTestClass().get()).isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    private static Optional<KapiTest> annotation(Class<?> testClass) {
        return AnnotationSupport.findAnnotation(testClass, KapiTest.class);
    }

    private static KapiTest settings(ExtensionContext context) {
        return annotation(declaringContext(context).getRequiredTestClass()).orElseThrow();
    }
}
