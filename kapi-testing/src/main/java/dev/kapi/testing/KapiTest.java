package dev.kapi.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the test class against a Kapi API server started in this JVM ({@link KapiExtension}): HTTPS on a free
 * port of 127.0.0.1, the embedded store in a temporary directory (in memory where it can), RBAC on. Fields (static or not) of type
 * {@code io.fabric8.kubernetes.client.KubernetesClient}, {@code io.kubernetes.client.openapi.ApiClient} and
 * {@link KapiServer} are set before the tests run, as are test method parameters of those types; the clients
 * are the administrator's ({@code system:masters}). {@link KapiServer#client(String, String...)} gives a client
 * for any other user.
 *
 * <pre>{@code
 * @KapiTest(crds = "crds/widgets.yaml", namespacePerTest = true)
 * class WidgetReconcilerTest {
 *     KubernetesClient client;   // the admin, in the test's own namespace
 *     KapiServer kapi;
 *
 *     @Test
 *     void writesAConfigMap() { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KapiExtension.class)
public @interface KapiTest {

    /**
     * CustomResourceDefinitions to install (and wait for until served) before the first test: YAML or JSON
     * files, each a classpath resource or else a file path; a file may hold several documents.
     */
    String[] crds() default {};

    /**
     * fabric8 custom resource classes ({@code @Group}, {@code @Version}) whose CustomResourceDefinitions are
     * generated (fabric8's crd-generator-api-v2 on the test class path) and installed like {@link #crds()}.
     */
    Class<?>[] crdClasses() default {};

    /**
     * {@code --authorization-mode}: {@code RBAC} (the default, as a cluster), {@code AlwaysAllow} (any authenticated
     * user may do anything; requests without credentials are refused, as kube refuses them with it), ...
     */
    String authorizationMode() default "RBAC";

    /** {@code --enable-admission-plugins}: plugins to turn on beside the defaults. */
    String[] enableAdmissionPlugins() default {};

    /** {@code --disable-admission-plugins}: default plugins to turn off. */
    String[] disableAdmissionPlugins() default {};

    /**
     * The embedded store's temporary directory on a RAM-backed file system ({@code /dev/shm}) when the machine has
     * one with at least 1 GiB free, so that the store's writes never wait for a disk; {@code false}, or without
     * such a file system, under {@code java.io.tmpdir}. Either way it is deleted when the server stops.
     */
    boolean inMemory() default true;

    /** More kube-apiserver flags, each {@code --name=value}. */
    String[] flags() default {};

    /** One server for this class, or one shared by every class of the run that asks for the same configuration. */
    Scope scope() default Scope.CLASS;

    /**
     * A fresh namespace for each test method ({@code test-<n>-<run>}), deleted after it: injected fabric8 clients work
     * in it, and {@link KapiServer#namespace()} names it.
     */
    boolean namespacePerTest() default false;

    /** How long a server lives. */
    enum Scope {
        /** Started before the class's first test, stopped after its last. */
        CLASS,
        /** Started once per distinct configuration and kept until the test run ends. */
        SHARED
    }
}
