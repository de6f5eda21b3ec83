package dev.kapi.admissionwebhooks.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end check: the apiserver and the admission-webhooks server as real processes (the two jars of
 * this build), the webhook configurations that {@code print-config} prints applied with kubectl, then through
 * kubectl a pod mutated by {@code pod-defaults} and a {@code :latest} pod denied by {@code no-latest}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebhooksWithKapiIT {

    private static final Duration STARTUP = Duration.ofSeconds(150);
    private static Path dir;
    private static Process apiserver;
    private static Process webhooks;
    private static Path kubeconfig;
    private static Path config;

    @BeforeAll
    static void startBoth() throws Exception {
        dir = Files.createDirectories(Path.of(System.getProperty("e2e.dir", "target/e2e"))
                .resolve("webhooks-" + System.nanoTime())).toAbsolutePath();
        int apiPort = freePort();
        int hookPort = freePort();
        Path apiData = dir.resolve("kapi");
        kubeconfig = apiData.resolve("admin.kubeconfig");
        apiserver = java(dir.resolve("kapi.log"), jar("kapi.jar"), "--secure-port=" + apiPort,
                "--bind-address=127.0.0.1", "--data-dir=" + apiData, "--write-kubeconfig=" + kubeconfig);
        config = Files.writeString(dir.resolve("webhooks.yaml"), """
                secure-port: %d
                bind-address: 127.0.0.1
                external-url: https://127.0.0.1:%d
                data-dir: %s
                registration:
                  name: e2e-webhooks
                  webhook-name-suffix: e2e.kapi.dev
                  exclude-namespaces: [kube-system]
                webhooks:
                  pod-defaults:
                    enabled: true
                    labels: [platform.kapi.dev/managed=true]
                    failure-policy: Fail
                  no-latest:
                    enabled: true
                    failure-policy: Fail
                """.formatted(hookPort, hookPort, dir.resolve("webhooks")));
        webhooks = java(dir.resolve("webhooks.log"), jar("webhooks.jar"), "--config", config.toString());
        awaitApiserver();
        awaitWebhooks(hookPort);
    }

    @AfterAll
    static void stopBoth() throws InterruptedException {
        for (Process p : new Process[] {webhooks, apiserver}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Test
    void aPodIsMutatedAndALatestImageIsDenied() throws Exception {
        Run printed = run(null, javaBin(), "-jar", jar("webhooks.jar"), "print-config", "--config", config.toString());
        assertThat(printed.exit()).as(printed.err()).isZero();
        assertThat(printed.out()).contains("kind: MutatingWebhookConfiguration", "kind: ValidatingWebhookConfiguration");
        Run applied = kubectl(printed.out(), "apply", "-f", "-");
        assertThat(applied.exit()).as(applied.err()).isZero();

        // the configurations reach admission within a second; wait for the denial to be sure
        Run denied = null;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            denied = kubectl(null, "run", "latest", "--image=nginx:latest", "--restart=Never");
            if (denied.exit() != 0 && denied.err().contains("denied the request")) {
                break;
            }
            kubectl(null, "delete", "pod", "latest", "--ignore-not-found", "--wait=false");
            Thread.sleep(300);
        }
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.err()).contains("admission webhook \"no-latest.e2e.kapi.dev\" denied the request",
                "nginx:latest");
        assertThat(kubectl(null, "get", "pod", "latest").err()).contains("NotFound");

        Run created = kubectl(null, "run", "tagged", "--image=nginx:1.27", "--restart=Never");
        assertThat(created.exit()).as(created.err()).isZero();
        Run labels = kubectl(null, "get", "pod", "tagged", "-o", "jsonpath={.metadata.labels}");
        assertThat(labels.out()).contains("\"platform.kapi.dev/managed\":\"true\"", "\"run\":\"tagged\"");
    }

    private static String jar(String property) {
        return Path.of(System.getProperty(property.equals("kapi.jar") ? "kapi.jar" : "webhooks.jar",
                property.equals("kapi.jar") ? "../apiserver/target/apiserver.jar" : "target/admission-webhooks.jar"))
                .toAbsolutePath().toString();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Process java(Path log, String jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitApiserver() throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!apiserver.isAlive()) {
                throw new IllegalStateException("apiserver exited:\n" + Files.readString(dir.resolve("kapi.log")));
            }
            if (Files.isRegularFile(kubeconfig) && kubectl(null, "get", "--raw=/readyz").out().equals("ok")
                    && kubectl(null, "get", "serviceaccount", "default").exit() == 0) {
                return;
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("apiserver not ready:\n" + Files.readString(dir.resolve("kapi.log")));
    }

    private static void awaitWebhooks(int port) throws Exception {
        Path ca = dir.resolve("webhooks/pki/ca.crt");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!webhooks.isAlive()) {
                throw new IllegalStateException("webhooks exited:\n" + Files.readString(dir.resolve("webhooks.log")));
            }
            if (Files.isRegularFile(ca)) {
                try (HttpClient http = HttpClient.newBuilder().sslContext(trusting(ca)).build()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create("https://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException | RuntimeException notYet) {
                    // not serving yet, or the CA is being written
                }
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("webhooks not ready:\n" + Files.readString(dir.resolve("webhooks.log")));
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run kubectl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        cmd.addAll(List.of(args));
        return run(stdin, cmd.toArray(String[]::new));
    }

    private static Run run(String stdin, String... cmd) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("still running after 90 s: " + String.join(" ", cmd));
        }
        return new Run(p.exitValue(), Files.readString(out).strip(), Files.readString(err).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
