package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's "Use it from" section, run as printed against the packaged jar: each block is a program that
 * connects with the admin kubeconfig ({@code $KUBECONFIG}, {@code ~/.kapi/...} under a HOME of the test's
 * own), creates a ConfigMap in {@code default} and lists them. The clients are real: kubectl and curl from
 * the PATH, fabric8 and client-java from the test classpath (compiled here), Debian's python3-kubernetes
 * under {@code /usr/bin/python3}, and {@code @kubernetes/client-node} 1.x installed by {@code .ci/run} into
 * {@code src/test/clients/node}. A missing client fails the test with what to install.
 */
@ExtendWith(KapiServerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES) // a JVM or Node start each, on a busy machine
class ReadmeClientsIT {

    private static final String SECTION = "Use it from";
    private static final Path NODE_PROJECT = Path.of("src/test/clients/node").toAbsolutePath();

    private static Map<String, ReadmeSnippets.Snippet> snippets;
    private static Path home;

    @BeforeAll
    static void homeWithKapiFiles() throws IOException {
        snippets = ReadmeSnippets.section(SECTION);
        KapiServer server = KapiServerExtension.server();
        home = Files.createTempDirectory(KapiServerExtension.e2eDir(), "readme-home-");
        Files.createDirectories(home.resolve(".kapi/pki"));
        Files.copy(server.kubeconfig(), home.resolve(".kapi/kubeconfig"));
        Files.copy(server.dataDir().resolve("pki/ca.crt"), home.resolve(".kapi/pki/ca.crt"));
    }

    @Test
    void theSectionHasOneSnippetPerClient() {
        Map<String, String> langs = Map.of("kubectl", "sh", "curl", "sh", "fabric8 kubernetes-client", "java",
                "Kubernetes Java client", "java", "Python", "python", "JavaScript", "js");
        assertThat(snippets.keySet()).containsSubsequence("kubectl", "curl", "fabric8 kubernetes-client",
                "Kubernetes Java client", "Python", "JavaScript");
        langs.forEach((name, lang) -> assertThat(snippets.get(name).lang()).as(name).isEqualTo(lang));
    }

    @Test
    void kubectl() throws IOException {
        Run run = shell(snippet("kubectl"));
        assertThat(run.out()).as(run.toString()).contains("from-kubectl");
        assertStored("from-kubectl");
    }

    @Test
    void curl() throws IOException {
        Run run = shell(snippet("curl"));
        // the second call lists in YAML
        assertThat(run.out()).as(run.toString()).contains("kind: ConfigMapList").contains("name: from-curl");
        assertStored("from-curl");
    }

    @Test
    void fabric8() throws IOException {
        Run run = java(snippet("fabric8 kubernetes-client"));
        assertThat(run.out().lines()).as(run.toString()).contains("from-fabric8");
        assertStored("from-fabric8");
    }

    @Test
    void clientJava() throws IOException {
        Run run = java(snippet("Kubernetes Java client"));
        assertThat(run.out().lines()).as(run.toString()).contains("from-client-java");
        assertStored("from-client-java");
    }

    @Test
    void python() throws IOException {
        Path python = Path.of("/usr/bin/python3");
        Run probe = Files.isExecutable(python) ? exec(List.of(python.toString(), "-c", "import kubernetes"), home) : null;
        if (probe == null || probe.exit() != 0) {
            fail("Python's kubernetes client is missing: apt-get install python3-kubernetes (.ci/run installs it)"
                    + (probe == null ? "" : "\n" + probe));
        }
        Path file = write(home.resolve("readme.py"), snippet("Python"));
        Run run = exec(List.of(python.toString(), file.toString()), home);
        assertThat(run.out().lines()).as(run.toString()).contains("from-python");
        assertStored("from-python");
    }

    @Test
    void javascript() throws IOException {
        Path installed = NODE_PROJECT.resolve("node_modules/@kubernetes/client-node/package.json");
        if (!Files.isRegularFile(installed)) {
            fail("@kubernetes/client-node is missing: run `npm ci` in " + NODE_PROJECT + " (.ci/run does)");
        }
        assertThat(Files.readString(installed)).as("client-node 1.x").containsPattern("\"version\": \"1\\.");
        Path dir = Files.createDirectories(home.resolve("node"));
        if (!Files.exists(dir.resolve("node_modules"))) {
            Files.createSymbolicLink(dir.resolve("node_modules"), NODE_PROJECT.resolve("node_modules"));
        }
        Path file = write(dir.resolve("readme.mjs"), snippet("JavaScript"));
        Run run = exec(List.of("node", file.toString()), dir);
        assertThat(run.out().lines()).as(run.toString()).contains("from-node");
        assertStored("from-node");
    }

    private static String snippet(String name) {
        ReadmeSnippets.Snippet s = snippets.get(name);
        if (s == null) {
            fail("README.md's '## " + SECTION + "' has no '### " + name + "' block; it has " + snippets.keySet());
        }
        return s.code();
    }

    private static void assertStored(String name) {
        KubeHttp.Reply r = KubeHttp.get("/api/v1/namespaces/default/configmaps/" + name);
        assertThat(r.code()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("data").path("greeting").asString()).isEqualTo("hello");
    }

    /** Runs a shell block with bash, stopping at the first failing command. */
    private static Run shell(String code) throws IOException {
        Path file = write(Files.createTempFile(home, "readme-", ".sh"), code);
        return exec(List.of("bash", "-eo", "pipefail", file.toString()), home);
    }

    /** Compiles a Java block (one public class with a main) against the test classpath and runs it in a JVM. */
    private static Run java(String code) throws IOException {
        Matcher m = Pattern.compile("public class (\\w+)").matcher(code);
        assertThat(m.find()).as("a public class in\n" + code).isTrue();
        Path dir = Files.createTempDirectory(home, "java-");
        Path source = write(dir.resolve(m.group(1) + ".java"), code);
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = javac.run(null, errors, errors, "-proc:none", "-cp", classpath, "-d", dir.toString(),
                source.toString());
        assertThat(compiled).as("javac " + source + "\n" + errors.toString(StandardCharsets.UTF_8)).isZero();
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return exec(List.of(jvm, "-XX:TieredStopAtLevel=1", "-cp", dir + File.pathSeparator + classpath,
                m.group(1)), home);
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }

    /** What a client program printed. */
    record Run(String command, int exit, String out, String err) {

        @Override
        public String toString() {
            return command + "\nexit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs {@code cmd} in {@code dir} with HOME and KUBECONFIG set as the README says; fails unless it exits 0. */
    private static Run exec(List<String> cmd, Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile());
            pb.environment().put("HOME", home.toString());
            pb.environment().put("KUBECONFIG", home.resolve(".kapi/kubeconfig").toString());
            Process p = pb.start();
            p.getOutputStream().close();
            byte[][] streams = new byte[2][];
            Thread t1 = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
            Thread t2 = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
            boolean ended = p.waitFor(150, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            t1.join();
            t2.join();
            Run run = new Run(String.join(" ", cmd), ended ? p.exitValue() : -1,
                    new String(streams[0], StandardCharsets.UTF_8), new String(streams[1], StandardCharsets.UTF_8));
            if (cmd.size() > 1 && cmd.get(1).equals("-c")) {
                return run; // a probe: the caller reads the exit code
            }
            assertThat(run.exit()).as(ended ? run.toString() : "still running after 150s: " + run).isZero();
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
