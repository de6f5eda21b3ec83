package dev.kapi.testing;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.openapi.ApiClient;
import org.testcontainers.containers.ContainerFetchException;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Kapi's server image run by Testcontainers, for tests that want the server out of their JVM (its own memory,
 * its own JVM flags, the very image a cluster runs). Once started it is a {@link KapiServer} like the one
 * {@link KapiTest} gives: {@link #url()} is the HTTPS address the host maps port 6443 to, and
 * {@code client("alice", "dev")} is a fabric8 client for {@code alice} in {@code dev}, with the rights RBAC gives
 * her. Users are authenticated by client certificates: the server's CA is copied out of the container once it
 * is ready, and signs them. The server uses its embedded store in the container's data volume, unless a
 * {@code --etcd-servers} flag says otherwise.
 *
 * <pre>{@code
 * @Container // with @Testcontainers on the class; or start() and stop() it yourself
 * static KapiContainer kapi = new KapiContainer();
 *
 * @Test
 * void reconciles() {
 *     KubernetesClient admin = kapi.client();
 *     ...
 * }
 * }</pre>
 *
 * The image is built with the project ({@code ./mvnw package} writes {@code apiserver/target/jib-image.tar}),
 * not published: load it into the Docker engine first, {@code docker load -i apiserver/target/jib-image.tar}.
 * {@link #bean(Class)} is the one part of {@link KapiServer} a container cannot give.
 */
public final class KapiContainer extends GenericContainer<KapiContainer> implements KapiServer {

    /** The HTTPS port the server listens on in the container. */
    public static final int PORT = 6443;
    /** The server's data directory in the image (its default {@code --data-dir}, a volume). */
    public static final String DATA_DIR = "/var/lib/kapi";
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    private final DockerImageName image;
    private final List<String> flags = new ArrayList<>();
    private volatile ContainerAccess access;

    /** The image of this library's version, {@code kapi/apiserver:<version>} (or {@code -Dkapi.image}). */
    public KapiContainer() {
        this(KapiImage.defaultName());
    }

    /** Another image, e.g. as pushed to a registry: {@code registry.example.com/kapi/apiserver:0.1.0}. */
    public KapiContainer(String image) {
        this(DockerImageName.parse(image));
    }

    /** Another image name or tag. */
    public KapiContainer(DockerImageName image) {
        super(image);
        this.image = image;
        withExposedPorts(PORT);
        // 401: the server answers but refuses anonymous requests (with --authorization-mode=AlwaysAllow, as kube);
        // then containerIsStarted waits for /readyz as the administrator
        waitingFor(Wait.forHttps("/readyz").forPort(PORT).allowInsecure()
                .forStatusCodeMatching(code -> code == 200 || code == 401).withStartupTimeout(STARTUP_TIMEOUT));
    }

    /**
     * Adds kube-apiserver flags, each as {@code --name=value} (as {@link KapiTest#flags()} takes them), e.g.
     * {@code --authorization-mode=AlwaysAllow} or {@code --etcd-servers=http://etcd:2379}. They are the
     * container's command (use this rather than {@code withCommand}); the server keeps listening on
     * {@value #PORT}.
     */
    public KapiContainer withFlags(String... more) {
        flags.addAll(List.of(more));
        return self();
    }

    /** The flags added so far. */
    List<String> flags() {
        return List.copyOf(flags);
    }

    /** Sets the command: the host the tests reach the server by as a SAN of its certificate, then the flags. */
    @Override
    protected void configure() {
        setCommand(command(getHost(), flags).toArray(String[]::new));
    }

    /** Copies the CA out and writes the administrator's kubeconfig, once {@code /readyz} answers. */
    @Override
    protected void containerIsStarted(InspectContainerResponse info) {
        access = ContainerAccess.open(ContainerAccess.url(getHost(), getMappedPort(PORT)), dataDir(flags),
                this::copyFileFromContainer);
        access.awaitReady(STARTUP_TIMEOUT);
    }

    /** Closes the clients made here and deletes the copied CA. */
    @Override
    protected void containerIsStopping(InspectContainerResponse info) {
        ContainerAccess open = access;
        access = null;
        if (open != null) {
            open.close();
        }
    }

    /** Starts the container; an image missing from the engine is reported with how to load it. */
    @Override
    public void start() {
        try {
            super.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ContainerFetchException) {
                    throw new ContainerLaunchException(notLoaded(image), e);
                }
            }
            throw e;
        }
    }

    static String notLoaded(DockerImageName image) {
        return image.asCanonicalNameString() + " is neither in the Docker engine nor pullable. Kapi's image is built,"
                + " not published: `./mvnw package`, then `docker load -i apiserver/target/jib-image.tar` (or push it"
                + " to a registry and name it: new KapiContainer(\"registry.example.com/kapi/apiserver:<version>\"))";
    }

    /** The container's command: {@code --tls-san=<host>} (the serving certificate must name it), then the flags. */
    static List<String> command(String host, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add("--tls-san=" + host);
        command.addAll(flags);
        return command;
    }

    /** Where the server keeps its data in the container: the last {@code --data-dir}, else {@value #DATA_DIR}. */
    static String dataDir(List<String> flags) {
        String dir = DATA_DIR;
        for (String flag : flags) {
            if (flag.startsWith("--data-dir=")) {
                dir = flag.substring("--data-dir=".length());
            }
        }
        return dir;
    }

    /** {@code https://<host>:<mapped port>}. */
    @Override
    public URI url() {
        return access().url();
    }

    /** The administrator's kubeconfig, for {@link #url()}, in a temporary file deleted when the container stops. */
    @Override
    public Path kubeconfig() {
        return access().kubeconfig();
    }

    /** {@code default}. */
    @Override
    public String namespace() {
        return "default";
    }

    @Override
    public Credentials credentials(String user, String... groups) {
        return access().clients().credentials(user, groups);
    }

    @Override
    public KubernetesClient client(String user, String... groups) {
        return access().clients().fabric8(namespace(), user, groups);
    }

    @Override
    public ApiClient apiClient(String user, String... groups) {
        return access().clients().clientJava(namespace(), user, groups);
    }

    @Override
    public HttpClient httpClient(String user, String... groups) {
        return access().clients().http(user, groups);
    }

    /** Unsupported: the server runs in another process, its Spring beans are out of reach. */
    @Override
    public <T> T bean(Class<T> type) {
        throw new UnsupportedOperationException("KapiContainer runs the server in a container, out of this JVM:"
                + " it has no beans to hand out (asked for " + type.getName() + "). Look inside the server with"
                + " @KapiTest or KapiTestServer, which run it in the test's JVM.");
    }

    private ContainerAccess access() {
        ContainerAccess open = access;
        if (open == null) {
            throw new IllegalStateException("KapiContainer is not running: start() it first (or let"
                    + " @Testcontainers and @Container start it)");
        }
        return open;
    }
}
