package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link KapiTest} sets in a test: fields and parameters declared as {@link KapiServer}, fabric8's
 * {@code KubernetesClient} (or {@code NamespacedKubernetesClient}) and client-java's {@code ApiClient}. Types are
 * matched by name so that a test without client-java on its class path never loads it.
 *
 * <p>A static field belongs to the class that declares it, so a base class's static field is one field for all its
 * test classes. Each class that sets one claims it until its last test ({@link #releaseStatic}); a class whose
 * server is not the one the field holds for a class still running (test classes run concurrently) is refused,
 * instead of its tests quietly using the other class's server. A {@code @Nested} class with a server of its own
 * takes the field over from its enclosing class and gives it back when it ends.
 */
final class Injection {

    /** The test classes holding each claimed static field, each with the view it was given, the latest last. */
    private static final Map<Field, LinkedHashMap<Class<?>, ScopedServer>> STATIC_CLAIMS = new ConcurrentHashMap<>();

    private static final String KUBERNETES_CLIENT = "io.fabric8.kubernetes.client.KubernetesClient";
    private static final String NAMESPACED_CLIENT = "io.fabric8.kubernetes.client.NamespacedKubernetesClient";
    private static final String API_CLIENT = "io.kubernetes.client.openapi.ApiClient";

    private Injection() {
    }

    static boolean supports(Class<?> type) {
        return type == KapiServer.class || type.getName().equals(KUBERNETES_CLIENT)
                || type.getName().equals(NAMESPACED_CLIENT) || type.getName().equals(API_CLIENT);
    }

    static Object value(Class<?> type, ScopedServer server) {
        if (type == KapiServer.class) {
            return server;
        }
        return type.getName().equals(API_CLIENT) ? server.apiClient() : server.client();
    }

    /** Sets the static fields of {@code testClass} and its superclasses, claiming each for {@code testClass}. */
    static void setStatic(Class<?> testClass, ScopedServer server) {
        for (Field field : fields(testClass, true)) {
            STATIC_CLAIMS.compute(field, (f, holders) -> claim(f, holders, testClass, server));
        }
    }

    /**
     * Gives up {@code testClass}'s claims on static fields (after its last test). A field a nested class took over
     * goes back to the class around it, which may still have tests to run.
     */
    static void releaseStatic(Class<?> testClass) {
        for (Field field : STATIC_CLAIMS.keySet()) {
            STATIC_CLAIMS.computeIfPresent(field, (f, holders) -> {
                if (holders.remove(testClass) == null) {
                    return holders;
                }
                if (holders.isEmpty()) {
                    return null;
                }
                set(f, null, holders.lastEntry().getValue());
                return holders;
            });
        }
    }

    static void setInstance(Object instance, ScopedServer server) {
        for (Field field : fields(instance.getClass(), false)) {
            set(field, instance, server);
        }
    }

    /**
     * Gives a fabric8 client field a new client where the one it holds was closed (by the test, or by an operator
     * framework it handed the client to): {@code server}'s for an instance field, {@code classServer}'s for a
     * static one. A closed client cannot be opened again, and the next test would otherwise fail on it.
     */
    static void replaceClosedClients(Object instance, ScopedServer server, ScopedServer classServer) {
        for (boolean statics : new boolean[]{true, false}) {
            for (Field field : fields(instance.getClass(), statics)) {
                try {
                    if (field.get(statics ? null : instance) instanceof KubernetesClient client
                            && client.getHttpClient().isClosed()) {
                        set(field, statics ? null : instance, statics ? classServer : server);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new ExtensionConfigurationException("cannot read " + field, e);
                }
            }
        }
    }

    /**
     * The holders of a static field once {@code testClass} has it with {@code server}, the field set. Another
     * holder on another server refuses it, unless {@code testClass} is nested in that holder (JUnit runs a nested
     * class inside its enclosing class's run; the field goes back to the enclosing class when it ends).
     */
    private static LinkedHashMap<Class<?>, ScopedServer> claim(Field field, LinkedHashMap<Class<?>, ScopedServer> holders,
                                                               Class<?> testClass, ScopedServer server) {
        LinkedHashMap<Class<?>, ScopedServer> out = holders == null ? new LinkedHashMap<>() : holders;
        for (var holder : out.entrySet()) {
            if (holder.getKey() != testClass && holder.getValue().testServer() != server.testServer()
                    && !nestedIn(testClass, holder.getKey())) {
                throw new ExtensionConfigurationException("static field " + field.getDeclaringClass().getName() + "."
                        + field.getName() + " holds the Kapi server of " + holder.getKey().getName()
                        + ", which is still running, and " + testClass.getName() + " has a server of its own: "
                        + "test classes running at the same time cannot share a static field; make it an "
                        + "instance field, or declare it in each test class");
            }
        }
        out.remove(testClass);
        out.put(testClass, server); // the latest holder is the one the field holds
        set(field, null, server);
        return out;
    }

    private static boolean nestedIn(Class<?> inner, Class<?> outer) {
        for (Class<?> c = inner.getEnclosingClass(); c != null; c = c.getEnclosingClass()) {
            if (c == outer) {
                return true;
            }
        }
        return false;
    }

    /** The injectable fields of {@code type} and its superclasses, static or not, made accessible. */
    private static Set<Field> fields(Class<?> type, boolean statics) {
        Set<Field> out = new LinkedHashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) == statics && !Modifier.isFinal(field.getModifiers())
                        && !field.isSynthetic() && supports(field.getType())) {
                    try {
                        field.setAccessible(true);
                    } catch (RuntimeException e) {
                        throw new ExtensionConfigurationException("cannot set " + c.getName() + "." + field.getName(), e);
                    }
                    out.add(field);
                }
            }
        }
        return out;
    }

    private static void set(Field field, Object instance, ScopedServer server) {
        try {
            field.set(instance, value(field.getType(), server));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot set " + field.getDeclaringClass().getName() + "."
                    + field.getName(), e);
        }
    }

}
