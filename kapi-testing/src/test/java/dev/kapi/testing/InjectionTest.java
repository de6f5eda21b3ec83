package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A base class's static field is one field for all its test classes: while one class runs on its server, another
 * class with a server of its own is refused instead of quietly using the first one's (test classes run
 * concurrently); classes on the same server (the run's shared one) may share it.
 */
class InjectionTest {

    private static final ServerSettings DEFAULTS = ServerSettings.of(Defaults.class.getAnnotation(KapiTest.class));

    @KapiTest
    private static final class Defaults {
    }

    abstract static class Base {
        static KapiServer server;
        static KubernetesClient client;
    }

    static final class First extends Base {
    }

    static final class Second extends Base {
    }

    static final class Outer extends Base {
        final class Inner extends Base {
        }
    }

    @Test
    void aBaseClassStaticFieldHoldsOneRunningServerAtATime() {
        try (ManagedServer one = ManagedServer.start(DEFAULTS); ManagedServer two = ManagedServer.start(DEFAULTS)) {
            ScopedServer first = new ScopedServer(one.server());
            ScopedServer second = new ScopedServer(two.server());
            try {
                Injection.setStatic(First.class, first);
                assertThat(Base.server).isSameAs(first);
                Injection.setStatic(Second.class, new ScopedServer(one.server())); // the same (shared) server
                Injection.releaseStatic(Second.class);

                assertThatThrownBy(() -> Injection.setStatic(Second.class, second))
                        .isInstanceOf(ExtensionConfigurationException.class)
                        .hasMessageContaining("static field " + Base.class.getName() + ".")
                        .hasMessageContaining("holds the Kapi server of " + First.class.getName())
                        .hasMessageContaining("make it an instance field");
                assertThat(Base.server.url()).as("the running class keeps its server").isEqualTo(one.server().url());
                assertThat(Base.client.getMasterUrl().toString()).startsWith(one.server().url().toString());

                Injection.releaseStatic(First.class); // its last test ran
                Injection.setStatic(Second.class, second);
                assertThat(Base.server).isSameAs(second);
                assertThat(Base.client.getMasterUrl().toString()).startsWith(two.server().url().toString());
            } finally {
                Injection.releaseStatic(First.class);
                Injection.releaseStatic(Second.class);
            }
        }
    }

    /** JUnit runs a nested class within its enclosing class's run: it takes the field over and gives it back. */
    @Test
    void aNestedClassWithAServerOfItsOwnTakesTheFieldOverAndGivesItBack() {
        try (ManagedServer one = ManagedServer.start(DEFAULTS); ManagedServer two = ManagedServer.start(DEFAULTS)) {
            ScopedServer outer = new ScopedServer(one.server());
            ScopedServer inner = new ScopedServer(two.server());
            try {
                Injection.setStatic(Outer.class, outer);
                Injection.setStatic(Outer.Inner.class, inner);
                assertThat(Base.server).isSameAs(inner);
                assertThatThrownBy(() -> Injection.setStatic(First.class, new ScopedServer(two.server())))
                        .as("a class that is not nested in the other holder").isInstanceOf(ExtensionConfigurationException.class);
                Injection.releaseStatic(Outer.Inner.class);
                assertThat(Base.server).as("back to the enclosing class's").isSameAs(outer);
                assertThat(Base.client.getMasterUrl().toString()).startsWith(one.server().url().toString());
            } finally {
                Injection.releaseStatic(Outer.Inner.class);
                Injection.releaseStatic(Outer.class);
            }
        }
    }

    /**
     * JUnit before 5.13 closes only a {@code CloseableResource} kept in its store, 5.13 and later an
     * {@code AutoCloseable} first: a server is either, and being closed through both is harmless.
     */
    @Test
    @SuppressWarnings("deprecation")
    void aManagedServerIsClosedByEveryJUnitAndOnlyOnce() throws Throwable {
        assertThat(ExtensionContext.Store.CloseableResource.class).isAssignableFrom(ManagedServer.class);
        ManagedServer managed = ManagedServer.start(DEFAULTS);
        java.nio.file.Path data = managed.server().dataDir();
        managed.close();
        ((ExtensionContext.Store.CloseableResource) managed).close();
        assertThat(data).doesNotExist();
    }
}
