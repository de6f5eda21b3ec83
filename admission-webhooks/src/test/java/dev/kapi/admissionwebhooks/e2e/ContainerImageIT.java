package dev.kapi.admissionwebhooks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The webhooks' container image ({@code target/jib-image.tar}, Jib's buildTar bound to package): the OCI
 * archive's digests agree, the config runs the server as a non-root user on port 8443 with its data in a volume,
 * and the image serves {@code /healthz} over HTTPS, run as its user on a read-only root ({@link ChrootContainer}).
 */
class ContainerImageIT {

    private static final Path TAR = Path.of(System.getProperty("webhooks.image.tar", "target/jib-image.tar"));
    private static final String NAME = System.getProperty("webhooks.image.name",
            "kapi/admission-webhooks:0.1.0-SNAPSHOT");
    private static final String DATA_DIR = "/var/lib/kapi-admission-webhooks";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path work;
    private static OciArchive image;

    @BeforeAll
    static void open() {
        image = OciArchive.open(TAR, work.resolve("oci"));
    }

    @Test
    void theArchiveNamesTheImageAndEveryDigestMatchesItsBlob() throws IOException {
        assertThat(NAME).startsWith("kapi/admission-webhooks:");
        assertThat(image.index().path("manifests").path(0).path("annotations")
                .path("org.opencontainers.image.ref.name").asString()).isEqualTo(NAME);
        List<OciArchive.Blob> blobs = new ArrayList<>(List.of(image.manifestBlob(), image.configBlob()));
        blobs.addAll(image.layers());
        for (OciArchive.Blob blob : blobs) {
            assertThat(OciArchive.sha256(blob.file())).as(blob.file().toString()).isEqualTo(blob.digest());
            assertThat(Files.size(blob.file())).as(blob.file().toString()).isEqualTo(blob.size());
        }
        JsonNode diffIds = image.config().path("rootfs").path("diff_ids");
        assertThat(image.layers()).isNotEmpty().hasSize(diffIds.size());
        for (int i = 0; i < image.layers().size(); i++) {
            assertThat(OciArchive.sha256Uncompressed(image.layers().get(i).file())).as("diff_id of layer " + i)
                    .isEqualTo(diffIds.path(i).asString());
        }
    }

    @Test
    void theConfigRunsTheWebhooksAsANonRootUserOnPort8443() {
        JsonNode c = image.config().path("config");
        assertThat(c.path("User").asString()).isEqualTo("65532:65532");
        assertThat(strings(c.path("Entrypoint"))).startsWith("/opt/java/bin/java")
                .contains("-Ddata-dir=" + DATA_DIR)
                .endsWith("-cp", "@/app/jib-classpath-file", "dev.kapi.admissionwebhooks.AdmissionWebhooksApplication");
        assertThat(c.path("ExposedPorts").propertyNames()).containsExactly("8443/tcp");
        assertThat(c.path("Volumes").propertyNames()).containsExactlyInAnyOrder(DATA_DIR, "/tmp");
    }

    @Test
    void theImageServesHealthzAsItsUserOnAReadOnlyRoot() throws Exception {
        Path root = work.resolve("root");
        image.unpack(root);
        Path data = Files.createDirectories(work.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(data, "unix:uid", 65532);
        Files.setAttribute(data, "unix:gid", 65532);
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path log = Files.createDirectories(Path.of(System.getProperty("e2e.dir", "target/e2e")))
                .resolve("container-image.log");
        Files.deleteIfExists(log);
        int port = freePort();
        URI healthz = URI.create("https://localhost:" + port + "/healthz");
        try (ChrootContainer server = ChrootContainer.start(root, image.config().path("config"),
                Map.of(DATA_DIR, data, "/tmp", tmp), List.of("--secure-port=" + port), log)) {
            long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
            HttpResponse<String> ok = null;
            while (ok == null && System.nanoTime() < deadline) {
                if (!server.isAlive()) {
                    throw new AssertionError("the image's server exited with " + server.exitValue() + ":\n"
                            + Files.readString(log));
                }
                Path ca = data.resolve("pki/ca.crt");
                if (Files.isRegularFile(ca) && Files.isRegularFile(data.resolve("pki/serving.key"))) {
                    try {
                        HttpResponse<String> r = client(ca).send(HttpRequest.newBuilder(healthz)
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                        ok = r.statusCode() == 200 ? r : null;
                    } catch (IOException | RuntimeException notYet) {
                        // not listening yet, or the CA is being written
                    }
                }
                if (ok == null) {
                    Thread.sleep(250);
                }
            }
            assertThat(ok).as(() -> "not serving /healthz after " + STARTUP_TIMEOUT + ":\n" + read(log)).isNotNull();
            assertThat(ok.body()).isEqualTo("ok");
        }
        assertThat(Files.getAttribute(data.resolve("pki/ca.key"), "unix:uid")).isEqualTo(65532);
    }

    private static HttpClient client(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
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
