package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives tests an etcd: the one named by {@code ETCD_ENDPOINTS} (comma separated) when set, else one
 * {@link LocalEtcdProcess} per test JVM, started on first use and stopped (its temp data dir deleted)
 * when the JVM exits. The etcd is shared by every test class, so each class must keep to its own key
 * prefix ({@link #randomPrefix()}).
 *
 * <pre>{@code
 * @ExtendWith(EtcdExtension.class)
 * class MyTest {
 *     Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
 *     String root = EtcdExtension.randomPrefix();
 * }
 * }</pre>
 */
public final class EtcdExtension implements BeforeAllCallback {

    private static List<String> endpoints;

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoints();
    }

    /** The endpoints of the shared etcd, starting the local one on first call when needed. */
    public static synchronized List<String> endpoints() {
        if (endpoints == null) {
            String configured = System.getenv("ETCD_ENDPOINTS");
            if (configured != null && !configured.isBlank()) {
                endpoints = Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            } else {
                endpoints = startLocal().endpoints();
            }
        }
        return endpoints;
    }

    /** A key prefix no other test class uses, e.g. {@code /t-3f2a.../registry}; it does not end in {@code /}. */
    public static String randomPrefix() {
        return "/t-" + UUID.randomUUID() + "/registry";
    }

    /** Starts a private etcd (for tests that stop and restart it) in a temp dir deleted at JVM exit. */
    public static LocalEtcdProcess startPrivate() {
        return startLocal(null);
    }

    /**
     * Starts a private etcd serving its clients over {@code tls} (see {@link EtcdTlsFiles}) in a temp dir
     * deleted at JVM exit.
     */
    public static LocalEtcdProcess startPrivate(LocalEtcdProcess.ClientTls tls) {
        return startLocal(tls);
    }

    private static LocalEtcdProcess startLocal() {
        return startLocal(null);
    }

    private static LocalEtcdProcess startLocal(LocalEtcdProcess.ClientTls tls) {
        Path dir;
        try {
            dir = Files.createTempDirectory("kapi-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalEtcdProcess etcd = LocalEtcdProcess.start(dir.resolve("data"), tls);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            etcd.close();
            LocalEtcdProcess.deleteRecursively(dir);
        }, "stop-test-etcd"));
        return etcd;
    }
}
