package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KapiServer.Exited;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.etcd3.EtcdTls;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.EtcdTlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The packaged server on an etcd that serves TLS and requires client certificates
 * ({@code --client-cert-auth}), configured by {@code config/etcd-tls.yaml}: objects are written, read and
 * watched, and they are in that etcd. TLS that cannot work stops the start with one line
 * ({@code Error: ...}), exit code non-zero, no stack trace.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EtcdTlsIT {

    private static final Path EXAMPLE = Path.of("../config/etcd-tls.yaml");
    private static final String CMS = "/api/v1/namespaces/default/configmaps";

    private static EtcdTlsFiles pki;
    private static LocalEtcdProcess etcd;

    @BeforeAll
    static void startTlsEtcd() {
        pki = EtcdTlsFiles.generate(KapiServerExtension.e2eDir().resolve("etcd-tls-pki-" + System.nanoTime()));
        etcd = EtcdExtension.startPrivate(pki.clientCertAuth());
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static Path dataDir(String name) {
        return KapiServerExtension.e2eDir().resolve(name + "-" + System.nanoTime());
    }

    /** The example file with this test's etcd and PEM files in place of the paths it names. */
    private static Path exampleFor(Path dir) throws IOException {
        String example = Files.readString(EXAMPLE);
        assertThat(example).startsWith("# etcd over TLS with client certificates");
        String ours = example
                .replace("https://etcd-0.etcd:2379,https://etcd-1.etcd:2379,https://etcd-2.etcd:2379", etcd.endpoint())
                .replace("/etc/kubernetes/pki/etcd/ca.crt", pki.caFile().toString())
                .replace("/etc/kubernetes/pki/apiserver-etcd-client.crt", pki.clientCertFile().toString())
                .replace("/etc/kubernetes/pki/apiserver-etcd-client.key", pki.clientKeyFile().toString());
        assertThat(ours).as("every key of the example was replaced").doesNotContain("/etc/kubernetes", "etcd-0");
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("etcd-tls.yaml"), ours);
    }

    @Test
    void servesFromAnEtcdWithClientCertificatesConfiguredByTheExampleFile() throws IOException {
        Path data = dataDir("etcd-tls");
        String prefix = EtcdExtension.randomPrefix();
        try (KapiServer server = KapiServer.start("etcd-tls", data, List.of(
                "--spring.config.additional-location=" + exampleFor(data.resolveSibling(data.getFileName() + "-cfg")),
                "--etcd-prefix=" + prefix))) {
            KubeHttp.Client admin = server.admin();
            try (KubeHttp.WatchStream watch = admin.watch(CMS + "?watch=true&fieldSelector=metadata.name%3Dwatched")) {
                assertThat(admin.post(CMS, configMap("watched", "over-tls")).code()).isEqualTo(201);
                JsonNode event = watch.next(20);
                assertThat(event.path("type").asString()).isEqualTo("ADDED");
                assertThat(event.path("object").path("data").path("k").asString()).isEqualTo("over-tls");
            }
            KubeHttp.Reply read = admin.get(CMS + "/watched");
            assertThat(read.code()).as(read.toString()).isEqualTo(200);
            assertThat(read.json().path("data").path("k").asString()).isEqualTo("over-tls");
            assertThat(server.logTail(400)).contains("Storage: etcd at " + etcd.endpoint()
                    + " (TLS with a client certificate)");
        }
        EtcdTls tls = new EtcdTls(List.of(pki.ca().certificate()), List.of(pki.client().certificate()),
                pki.client().key());
        try (EtcdStorage storage = EtcdStorage.connect(etcd.endpoints(), "/", tls)) {
            assertThat(new String(storage.get(prefix + "/configmaps/default/watched").value())).contains("over-tls");
        }
    }

    @Test
    void noClientCertificateForAnEtcdThatRequiresOne() {
        assertThat(errorLine("etcd-tls-no-client-cert", List.of("--etcd-servers=" + etcd.endpoint(),
                "--etcd-cafile=" + pki.caFile())))
                .isEqualTo("Error: cannot use etcd over TLS: etcd at " + etcd.endpoint() + " requires a client "
                        + "certificate and none is configured (bad_certificate) (see --etcd-cafile, "
                        + "--etcd-certfile, --etcd-keyfile)");
    }

    @Test
    void aClientCertificateEtcdsCaDidNotSign() {
        Certificates.Issued otherCa = Certificates.selfSignedCa("other", Duration.ofHours(1));
        pki.writeKeyPair("foreign", Certificates.client(otherCa, "intruder", List.of(), Duration.ofHours(1)));
        assertThat(errorLine("etcd-tls-foreign-cert", List.of("--etcd-servers=" + etcd.endpoint(),
                "--etcd-cafile=" + pki.caFile(), "--etcd-certfile=" + pki.dir().resolve("foreign.crt"),
                "--etcd-keyfile=" + pki.dir().resolve("foreign.key"))))
                .isEqualTo("Error: cannot use etcd over TLS: etcd at " + etcd.endpoint() + " refused our client "
                        + "certificate (bad_certificate): is it signed by a CA etcd trusts? (see --etcd-cafile, "
                        + "--etcd-certfile, --etcd-keyfile)");
    }

    @Test
    void aCaFileWithoutEtcdsCa() {
        Path wrongCa = pki.write("wrong-ca.crt", Pem.certificates(List.of(
                Certificates.selfSignedCa("not-etcds", Duration.ofHours(1)).certificate())));
        List<String> args = new ArrayList<>(pki.kapiFlags());
        args.set(0, "--etcd-cafile=" + wrongCa);
        args.add("--etcd-servers=" + etcd.endpoint());
        assertThat(errorLine("etcd-tls-wrong-ca", args))
                .isEqualTo("Error: cannot use etcd over TLS: etcd at " + etcd.endpoint() + " has a certificate "
                        + "that no trusted CA signed (not from the configured CA file) (see --etcd-cafile, "
                        + "--etcd-certfile, --etcd-keyfile)");
    }

    @Test
    void aMissingKeyFile() {
        Path missing = pki.dir().resolve("no-such.key");
        assertThat(errorLine("etcd-tls-missing-key", List.of("--etcd-servers=" + etcd.endpoint(),
                "--etcd-cafile=" + pki.caFile(), "--etcd-certfile=" + pki.clientCertFile(),
                "--etcd-keyfile=" + missing)))
                .isEqualTo("Error: --etcd-keyfile: open " + missing + ": no such file or directory");
    }

    @Test
    void aCertificateWithoutItsKey() {
        assertThat(errorLine("etcd-tls-cert-only", List.of("--etcd-servers=" + etcd.endpoint(),
                "--etcd-certfile=" + pki.clientCertFile())))
                .isEqualTo("Error: --etcd-certfile=" + pki.clientCertFile()
                        + " is given without --etcd-keyfile: give both or neither");
    }

    @Test
    void tlsFilesForAnHttpEndpoint() {
        String http = etcd.endpoint().replace("https://", "http://");
        List<String> args = new ArrayList<>(pki.kapiFlags());
        args.add("--etcd-servers=" + http);
        assertThat(errorLine("etcd-tls-http", args))
                .isEqualTo("Error: --etcd-cafile, --etcd-certfile and --etcd-keyfile are for TLS, but "
                        + "--etcd-servers=" + http + " are http:// URLs: use https:// URLs for an etcd serving TLS");
    }

    /** Runs a server expected not to start and returns its one {@code Error: } line. */
    private static String errorLine(String name, List<String> args) {
        Exited exited;
        try {
            exited = KapiServer.runToExit(name, dataDir(name), KapiServer.freePort(), args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exited.singleErrorLine();
    }

    private static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"k\":\"" + value + "\"}}";
    }
}
