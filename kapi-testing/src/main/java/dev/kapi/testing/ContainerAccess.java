package dev.kapi.testing;

import dev.kapi.apiserver.server.tls.ServingPki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a test reaches a server in a container: the server's CA ({@code pki/ca.crt}, {@code pki/ca.key} of its
 * data directory), copied out into a temporary directory private to this user, issues client certificates for
 * any user; the clients made with them talk to the server's address as the host maps it; and an administrator's
 * kubeconfig for that address is written beside the CA. Closing closes the clients and deletes the directory.
 */
final class ContainerAccess implements AutoCloseable {

    /** Copies one file out of the container, as Testcontainers' {@code copyFileFromContainer} does. */
    @FunctionalInterface
    interface Copier {
        void copy(String containerPath, String hostPath) throws IOException, InterruptedException;
    }

    private final Path dir;
    private final URI url;
    private final TestClients clients;

    private ContainerAccess(Path dir, URI url, TestClients clients) {
        this.dir = dir;
        this.url = url;
        this.clients = clients;
    }

    /**
     * Copies the CA out of {@code dataDir} in the container and writes the administrator's kubeconfig.
     *
     * @param url     the server as the host reaches it
     * @param dataDir the server's data directory in the container
     */
    static ContainerAccess open(URI url, String dataDir, Copier copier) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kapi-container-"); // 0700 on POSIX: the CA key stays this user's
            Files.createDirectories(dir.resolve("pki"));
            for (String file : new String[]{"pki/ca.crt", "pki/ca.key"}) {
                copier.copy(dataDir.replaceAll("/+$", "") + "/" + file, dir.resolve(file).toString());
            }
            TestClients clients = new TestClients(url, TestPki.load(dir));
            ServingPki.writePrivate(dir.resolve("kubeconfig"),
                    clients.credentials(KapiServer.ADMIN, "system:masters").kubeconfig(url, "default"));
            return new ContainerAccess(dir, url, clients);
        } catch (IOException e) {
            DataDirs.delete(dir);
            throw new UncheckedIOException("cannot copy Kapi's CA out of the container", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            DataDirs.delete(dir);
            throw new IllegalStateException("interrupted while copying Kapi's CA out of the container", e);
        } catch (RuntimeException e) {
            DataDirs.delete(dir);
            throw e;
        }
    }

    /** Waits until {@code /readyz} answers 200 to the administrator (at most {@code timeout}). */
    void awaitReady(java.time.Duration timeout) {
        java.net.http.HttpClient http = clients.http(KapiServer.ADMIN, "system:masters");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                java.net.http.HttpResponse<String> res = http.send(java.net.http.HttpRequest.newBuilder(
                        url.resolve("/readyz")).timeout(java.time.Duration.ofSeconds(5)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    return;
                }
                last = res.statusCode() + " " + res.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kapi's /readyz", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kapi's /readyz", e);
            }
        }
        throw new IllegalStateException("Kapi's /readyz did not answer 200 within " + timeout + ": " + last);
    }

    /** {@code https://host:port}, an IPv6 address in brackets. */
    static URI url(String host, int port) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("https://" + h + ":" + port);
    }

    URI url() {
        return url;
    }

    Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    TestClients clients() {
        return clients;
    }

    @Override
    public void close() {
        try {
            clients.close();
        } finally {
            DataDirs.delete(dir);
        }
    }
}
