package dev.kapi.testing;

import java.nio.file.Path;

/**
 * A server the extension started: its own temporary data directory ({@link DataDirs}), the CRDs its
 * settings name installed and served; closing it stops the server and deletes the directory.
 */
final class ManagedServer implements AutoCloseable {

    private final KapiTestServer server;
    private final Path dataDir;

    private ManagedServer(KapiTestServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static ManagedServer start(ServerSettings settings) {
        Path dir = DataDirs.create(settings.inMemory());
        KapiTestServer server;
        try {
            server = KapiTestServer.start(dir.resolve("data"), settings.serverFlags().toArray(String[]::new));
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
        try {
            server.close();
        } finally {
            DataDirs.delete(dataDir);
        }
    }
}
