package dev.kapi.apiserver.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * {@code --encryption-provider-config} with the example from {@code config/} (a key generated here in place of
 * its placeholder) on etcd: what etcd holds under a Secret's and a ConfigMap's key is {@code
 * k8s:enc:aescbc:v1:key1:} and ciphertext, read straight from etcd, while the API answers, lists and watches
 * the plain objects; a rotation (key2 first, then {@code kubectl get -o json | kubectl replace -f -}) moves the
 * values to key2; once key1 is gone, a Secret left under it is a 500 naming its key and the server goes on
 * serving; and a configuration kube would refuse stops the start with one line.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EncryptionAtRestIT {

    private static final String NS = "enc-rotated";
    private static final String LEFT = "enc-left";
    private static final String PASSWORD = "hunter2-at-rest";
    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String PREFIX = EtcdExtension.randomPrefix();
    private static final Path DIR = KapiServerExtension.e2eDir().resolve("encryption-" + System.nanoTime());
    private static final String KEY1 = newKey();
    private static final String KEY2 = newKey();
    private static Storage etcd;

    private static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @BeforeAll
    static void connect() {
        etcd = EtcdStorage.connect(EtcdExtension.endpoints());
    }

    @AfterAll
    static void disconnect() {
        if (etcd != null) {
            etcd.close();
        }
    }

    /** The example with its placeholder replaced by {@code keys} (name, secret pairs), in a file of mode 0600. */
    private static Path config(String name, String... keys) throws IOException {
        String example = Files.readString(Path.of("../config/encryption-config.yaml"));
        String placeholder = "            - name: key1\n              secret: REPLACE_WITH_A_KEY\n";
        assertThat(example).contains(placeholder);
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < keys.length; i += 2) {
            list.append("            - name: ").append(keys[i]).append("\n              secret: ").append(keys[i + 1])
                    .append('\n');
        }
        Files.createDirectories(DIR);
        Path file = DIR.resolve(name + ".yaml");
        Files.writeString(file, example.replace(placeholder, list));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static KapiServer start(String name, Path config) {
        return KapiServer.start("encryption-" + name, DIR.resolve("data"), List.of(
                "--etcd-servers=" + String.join(",", EtcdExtension.endpoints()), "--etcd-prefix=" + PREFIX,
                "--encryption-provider-config=" + config));
    }

    private static String raw(String resource, String ns, String name) {
        return new String(etcd.get(PREFIX + "/" + resource + "/" + ns + "/" + name).value(), UTF_8);
    }

    private static String secret(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"stringData\":{\"password\":\"" + PASSWORD + "\"}}";
    }

    private static String password(JsonNode secret) {
        return new String(Base64.getDecoder().decode(secret.path("data").path("password").asString()), UTF_8);
    }

    @Test
    void secretsAreCiphertextInEtcdPlainThroughTheApiAndRotateToANewKey() throws IOException {
        String encoded = Base64.getEncoder().encodeToString(PASSWORD.getBytes(UTF_8));
        try (KapiServer server = start("key1", config("key1", "key1", KEY1))) {
            KubeHttp.Client api = server.admin();
            api.createNamespace(NS);
            api.createNamespace(LEFT);
            try (KubeHttp.WatchStream watch = api.watch("/api/v1/namespaces/" + NS + "/secrets?watch=1")) {
                assertThat(api.post("/api/v1/namespaces/" + NS + "/secrets", secret("s1")).code()).isEqualTo(201);
                JsonNode added = watch.next(10);
                assertThat(added.path("type").asString()).isEqualTo("ADDED");
                assertThat(password(added.path("object"))).isEqualTo(PASSWORD);
            }
            assertThat(api.post("/api/v1/namespaces/" + LEFT + "/secrets", secret("left")).code()).isEqualTo(201);
            assertThat(api.post("/api/v1/namespaces/" + NS + "/configmaps", "{\"apiVersion\":\"v1\",\"kind\":"
                    + "\"ConfigMap\",\"metadata\":{\"name\":\"c1\"},\"data\":{\"k\":\"" + PASSWORD + "\"}}").code())
                    .isEqualTo(201);

            assertThat(raw("secrets", NS, "s1")).startsWith("k8s:enc:aescbc:v1:key1:")
                    .doesNotContain(PASSWORD).doesNotContain(encoded).doesNotContain("\"s1\"");
            assertThat(raw("configmaps", NS, "c1")).startsWith("k8s:enc:aescbc:v1:key1:").doesNotContain(PASSWORD);
            assertThat(new String(etcd.get(PREFIX + "/namespaces/" + NS).value(), UTF_8)).startsWith("{");

            assertThat(password(api.get("/api/v1/namespaces/" + NS + "/secrets/s1").json())).isEqualTo(PASSWORD);
            JsonNode list = api.get("/api/v1/secrets").json();
            assertThat(list.path("items").valueStream().filter(s -> s.path("metadata").path("name").asString()
                    .equals("s1")).map(EncryptionAtRestIT::password)).containsExactly(PASSWORD);
            assertThat(api.get("/api/v1/namespaces/" + NS + "/configmaps/c1").json().path("data").path("k")
                    .asString()).isEqualTo(PASSWORD);
        }

        try (KapiServer server = start("key2-first", config("key2-first", "key2", KEY2, "key1", KEY1))) {
            KubeHttp.Client api = server.admin();
            assertThat(password(api.get("/api/v1/namespaces/" + NS + "/secrets/s1").json())).isEqualTo(PASSWORD);
            assertThat(api.post("/api/v1/namespaces/" + NS + "/secrets", secret("s2")).code()).isEqualTo(201);
            assertThat(raw("secrets", NS, "s2")).startsWith("k8s:enc:aescbc:v1:key2:");
            assertThat(raw("secrets", NS, "s1")).startsWith("k8s:enc:aescbc:v1:key1:");

            Kubectl kubectl = KUBECTL.withKubeconfig(server.kubeconfig());
            Kubectl.Result got = kubectl.run("get", "secrets", "-n", NS, "-o", "json");
            assertThat(got.exit()).as(got.toString()).isZero();
            Kubectl.Result replaced = kubectl.runWithInput(got.out(), "replace", "-f", "-");
            assertThat(replaced.exit()).as(replaced.toString()).isZero();
            assertThat(raw("secrets", NS, "s1")).startsWith("k8s:enc:aescbc:v1:key2:");
        }

        try (KapiServer server = start("key2-only", config("key2-only", "key2", KEY2))) {
            KubeHttp.Client api = server.admin();
            assertThat(password(api.get("/api/v1/namespaces/" + NS + "/secrets/s1").json())).isEqualTo(PASSWORD);
            assertThat(api.get("/api/v1/namespaces/" + NS + "/secrets").json().path("items").size()).isEqualTo(2);

            String message = "Internal error occurred: unable to transform key \"" + PREFIX + "/secrets/" + LEFT
                    + "/left\": no matching key was found for the provided AES transformer";
            KubeHttp.Reply unreadable = api.get("/api/v1/namespaces/" + LEFT + "/secrets/left");
            assertThat(unreadable.code()).as(unreadable.body()).isEqualTo(500);
            assertThat(unreadable.json().path("message").asString()).isEqualTo(message);
            KubeHttp.Reply listed = api.get("/api/v1/namespaces/" + LEFT + "/secrets");
            assertThat(listed.code()).as(listed.body()).isEqualTo(500);
            assertThat(listed.json().path("message").asString()).isEqualTo(message);
            assertThat(api.get("/readyz").code()).isEqualTo(200);
            assertThat(server.process().isAlive()).isTrue();
        }
    }

    @Test
    void aConfigurationKubeWouldRefuseStopsTheStartWithOneLine() throws IOException {
        Path config = config("short-key", "key1", Base64.getEncoder().encodeToString(new byte[10]));
        KapiServer.Exited exited = KapiServer.runToExit("encryption-refused", DIR.resolve("refused"),
                KapiServer.freePort(), List.of("--encryption-provider-config=" + config));
        assertThat(exited.singleErrorLine())
                .isEqualTo("Error: --encryption-provider-config " + config + ": resources[0].providers[0]"
                        + ".aescbc.keys[0].secret: Invalid value: \"REDACTED\": secret is not of the expected "
                        + "length, got 10, expected one of [16 24 32]");
    }
}
