package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.TlsClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The container image the build makes ({@code target/jib-image.tar}, Jib's buildTar bound to package; see
 * "Container image" in the README): the OCI archive's index, manifest, config and layers agree with each other,
 * the config runs the server as a non-root user on port 6443 with its data in a volume, and the image serves:
 * its layers unpacked and its entrypoint run as its user on a read-only root ({@link ChrootContainer}), with a
 * data dir and {@code /tmp} as the only writable places, answering {@code /readyz} and storing an object.
 */
class ContainerImageIT {

    private static final Path TAR = Path.of(System.getProperty("kapi.image.tar", "target/jib-image.tar"));
    private static final String NAME = System.getProperty("kapi.image.name", "kapi/apiserver:0.1.0-SNAPSHOT");
    private static final String USER = "65532:65532";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path work;
    private static OciArchive image;

    @BeforeAll
    static void open() {
        image = OciArchive.open(TAR, work.resolve("oci"));
    }

    @Test
    void theIndexNamesTheImageAndItsOneManifest() {
        JsonNode index = image.index();
        assertThat(index.path("mediaType").asString()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.path("manifests").size()).isEqualTo(1);
        assertThat(NAME).startsWith("kapi/apiserver:");
        assertThat(index.path("manifests").path(0).path("annotations").path("org.opencontainers.image.ref.name")
                .asString()).isEqualTo(NAME);
        assertThat(image.manifestBlob().mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(image.configBlob().mediaType()).isEqualTo("application/vnd.oci.image.config.v1+json");
    }

    @Test
    void everyDigestAndSizeMatchesItsBlobAndTheDiffIdsMatchTheLayers() throws IOException {
        List<OciArchive.Blob> blobs = new ArrayList<>(List.of(image.manifestBlob(), image.configBlob()));
        blobs.addAll(image.layers());
        for (OciArchive.Blob blob : blobs) {
            assertThat(OciArchive.sha256(blob.file())).as(blob.file().toString()).isEqualTo(blob.digest());
            assertThat(Files.size(blob.file())).as(blob.file().toString()).isEqualTo(blob.size());
        }
        JsonNode rootfs = image.config().path("rootfs");
        assertThat(rootfs.path("type").asString()).isEqualTo("layers");
        assertThat(image.layers()).isNotEmpty().hasSize(rootfs.path("diff_ids").size());
        for (int i = 0; i < image.layers().size(); i++) {
            OciArchive.Blob layer = image.layers().get(i);
            assertThat(layer.mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
            assertThat(OciArchive.sha256Uncompressed(layer.file())).as("diff_id of layer " + i)
                    .isEqualTo(rootfs.path("diff_ids").path(i).asString());
        }
    }

    @Test
    void theConfigRunsTheServerAsANonRootUserOnPort6443WithItsDataInAVolume() {
        JsonNode c = image.config().path("config");
        assertThat(image.config().path("os").asString()).isEqualTo("linux");
        assertThat(c.path("User").asString()).isEqualTo(USER);
        assertThat(strings(c.path("Entrypoint"))).startsWith("/opt/java/bin/java")
                .contains("-Ddata-dir=/var/lib/kapi", "--enable-native-access=ALL-UNNAMED")
                .endsWith("-cp", "@/app/jib-classpath-file", "dev.kapi.apiserver.KapiApplication");
        assertThat(c.path("ExposedPorts").propertyNames()).containsExactly("6443/tcp");
        assertThat(c.path("Volumes").propertyNames()).containsExactlyInAnyOrder("/var/lib/kapi", "/tmp");
        assertThat(strings(c.path("Env"))).contains("LANG=C.UTF-8");
        assertThat(c.path("Labels").path("org.opencontainers.image.version").asString())
                .isEqualTo(NAME.substring(NAME.indexOf(':') + 1));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // unpacks ~130 MB of layers, then one server start
    void theImageServesAsItsUserOnAReadOnlyRoot() throws Exception {
        Path root = work.resolve("root");
        image.unpack(root);
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
        assertThat(Files.getPosixFilePermissions(root.resolve("opt/java/bin/java")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        // the volumes: a data dir owned by the image's user (as a PersistentVolume with fsGroup), /tmp open to all
        Path data = Files.createDirectories(work.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(data, "unix:uid", 65532);
        Files.setAttribute(data, "unix:gid", 65532);
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freePort();
        Path log = KapiServerExtension.e2eDir().resolve("container-image.log");
        Files.deleteIfExists(log);
        try (ChrootContainer server = ChrootContainer.start(root, image.config().path("config"),
                Map.of("/var/lib/kapi", data, "/tmp", tmp), List.of("--secure-port=" + port), log)) {
            URI base = URI.create("https://127.0.0.1:" + port);
            awaitReady(server, base, data, log);
            assertThat(server.entrypoint()).hasValueSatisfying(p -> assertThat(uid(p)).isEqualTo(65532));
            Certificates.Issued ca = TlsClients.ca(data);
            HttpClient admin = TlsClients.httpClient(ca.certificate(),
                    TlsClients.clientCert(ca, "system:admin", "system:masters"));
            HttpResponse<String> created = admin.send(HttpRequest.newBuilder(
                            base.resolve("/api/v1/namespaces/default/configmaps"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"from-image\"},"
                                    + "\"data\":{\"k\":\"v\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
        // what it wrote is in the data volume, as its user
        assertThat(Files.getAttribute(data.resolve("db/state.db"), "unix:uid")).isEqualTo(65532);
    }

    private static void awaitReady(ChrootContainer server, URI base, Path data, Path log) throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpClient client = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("the image's server exited with " + server.exitValue() + ":\n"
                        + Files.readString(log));
            }
            if (client == null && Files.isRegularFile(data.resolve("pki/ca.key"))) {
                try {
                    client = TlsClients.httpClient(TlsClients.ca(data).certificate(), null);
                } catch (RuntimeException beingWritten) {
                    // next round
                }
            }
            if (client != null) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/readyz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    // next round
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the image's server was not ready after " + STARTUP_TIMEOUT + ":\n"
                + Files.readString(log));
    }

    /** The real user ID of a process (from /proc). */
    private static int uid(ProcessHandle p) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).map(l -> Integer.parseInt(l.split("\\s+")[1]))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
