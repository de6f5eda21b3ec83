package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.testing.EtcdExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives end-to-end tests one running Kapi server per test JVM ({@link KapiServer}): the packaged jar against
 * the shared test etcd ({@link EtcdExtension}) under a key prefix of its own, with the default
 * authorization mode (RBAC) and the static tokens of {@link E2eTokens} ({@code --token-auth-file}). Tests
 * talk to it as system:admin ({@link KubeHttp}, {@link Kubectl} with the written admin kubeconfig). The
 * server is stopped when the JUnit run ends; its log is {@code target/e2e/kapi-server.log} and its tail is
 * printed when a test fails.
 */
public final class KapiServerExtension implements BeforeAllCallback, TestWatcher {

    private static final int LOG_TAIL_LINES = 150;

    private static KapiServer server;
    private static String etcdPrefix;

    @Override
    public void beforeAll(ExtensionContext context) {
        KapiServer s = server();
        // Stops the server when the whole run ends (the root store closes its AutoCloseable values).
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(KapiServer.class, k -> s, KapiServer.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (server != null) {
            System.err.println("---- kapi server log (last " + LOG_TAIL_LINES + " lines of " + server.log()
                    + ") after failure of " + context.getDisplayName() + " ----");
            System.err.println(server.logTail(LOG_TAIL_LINES));
            System.err.println("---- end of kapi server log ----");
        }
    }

    /** The running shared server, started on first call. */
    public static synchronized KapiServer server() {
        if (server == null) {
            Path dir = e2eDir();
            try {
                Path data = Files.createTempDirectory(dir, "data-");
                Path tokens = E2eTokens.write(data.resolve("tokens.csv"));
                etcdPrefix = EtcdExtension.randomPrefix();
                server = KapiServer.start("kapi-server", data, List.of(
                        "--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                        "--etcd-prefix=" + etcdPrefix,
                        "--token-auth-file=" + tokens,
                        // the shared server's tests compare the exact ConfigMaps of their namespaces; the
                        // publisher's kube-root-ca.crt is checked on the workloads server (WorkloadsKubectlIT)
                        "--controllers=*,-root-ca-cert-publisher"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-kapi-server"));
        }
        return server;
    }

    /** The shared server's {@code --etcd-prefix} (e.g. {@code /t-3f2a.../registry}), starting it when needed. */
    public static synchronized String etcdPrefix() {
        server();
        return etcdPrefix;
    }

    /** {@code target/e2e} (system property {@code kapi.e2e.dir}), created when missing. */
    public static Path e2eDir() {
        try {
            return Files.createDirectories(Path.of(System.getProperty("kapi.e2e.dir", "target/e2e")).toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
