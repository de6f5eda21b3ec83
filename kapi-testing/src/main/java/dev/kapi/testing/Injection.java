package dev.kapi.testing;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * What {@link KapiTest} sets in a test: fields and parameters declared as {@link KapiServer}, fabric8's
 * {@code KubernetesClient} (or {@code NamespacedKubernetesClient}) and client-java's {@code ApiClient}. Types are
 * matched by name so that a test without client-java on its class path never loads it.
 */
final class Injection {

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

    static void setStatic(Class<?> testClass, ScopedServer server) {
        set(testClass, null, server);
    }

    static void setInstance(Object instance, ScopedServer server) {
        set(instance.getClass(), instance, server);
    }

    private static void set(Class<?> type, Object instance, ScopedServer server) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                if (isStatic != (instance == null) || Modifier.isFinal(field.getModifiers())
                        || field.isSynthetic() || !supports(field.getType())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    field.set(instance, value(field.getType(), server));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ExtensionConfigurationException("cannot set " + c.getName() + "." + field.getName(), e);
                }
            }
        }
    }
}
