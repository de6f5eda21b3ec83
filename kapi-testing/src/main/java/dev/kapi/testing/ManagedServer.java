package dev.kapi.testing;

import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server the extension started: its own temporary data directory ({@link DataDirs}), the CRDs its
 * settings name installed and served; closing it stops the server and deletes the directory. JUnit closes it with
 * the extension store it is kept in: as an {@link AutoCloseable} from Jupiter 5.13 on, as a
 * {@code CloseableResource} before (where a value that is only {@code AutoCloseable} is never closed, and the
 * server would run on until the JVM exits). Closing twice stops it once.
 */
@SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes
final class ManagedServer implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    private final KapiTestServer server;
    private final Path dataDir;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ManagedServer(KapiTestServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static ManagedServer start(ServerSettings settings) {
        Path dir = DataDirs.create(settings.inMemory());
        Path data = dir.resolve("data");
        List<String> flags = settings.serverFlags();
        KapiTestServer server;
        try {
            boolean seeded = StoreTemplates.seed(data, flags);
            server = KapiTestServer.start(data, flags.toArray(String[]::new));
            if (!seeded) {
                StoreTemplates.take(data, flags); // before the CRDs and the test's objects
            }
        } catch (RuntimeException e) {
            DataDirs.delete(dir);
            throw e;
        }
        ManagedServer managed = new ManagedServer(server, dir);
        try {
            CrdInstaller.install(server, settings.crds(), settings.crdClasses());
        } catch (RuntimeException e) {
            managed.close();
            throw e;
        }
        return managed;
    }

    KapiTestServer server() {
        return server;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } finally {
            DataDirs.delete(dataDir);
        }
    }
}
