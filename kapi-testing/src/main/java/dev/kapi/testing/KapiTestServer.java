package dev.kapi.testing;

import dev.kapi.apiserver.KapiApplication;
import dev.kapi.apiserver.server.InformerSync;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.openapi.ApiClient;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kapi API server running inside this JVM, for tests: HTTPS on a free port of 127.0.0.1, its state in
 * {@code dataDir} (the embedded store, unless {@code --etcd-servers=...} is given), RBAC on unless a flag says
 * otherwise. {@link KapiTest} starts one for a test class; this class is for starting one by hand.
 *
 * <pre>{@code
 * try (KapiTestServer kapi = KapiTestServer.start(tempDir)) {
 *     KubernetesClient admin = kapi.client();
 *     admin.configMaps().resource(configMap).create();
 * }
 * }</pre>
 */
public final class KapiTestServer implements KapiServer, AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final Path dataDir;
    private final URI url;
    private final TestClients clients;

    private KapiTestServer(ConfigurableApplicationContext context, Path dataDir, int port) {
        this.context = context;
        this.dataDir = dataDir;
        this.url = URI.create("https://127.0.0.1:" + port);
        this.clients = new TestClients(url, TestPki.load(dataDir));
    }

    /**
     * Starts a server and returns once it serves and is ready: the informers of its request path (RBAC,
     * admission) have listed, so that {@code /readyz} passes (waited for up to {@link #INFORMER_WAIT}).
     *
     * @param flags more kube-apiserver flags ({@code --name=value} or {@code --name value})
     * @throws IllegalArgumentException for a flag the server does not know ({@code unknown flag: --x}), or one the
     *     test server sets itself ({@code --secure-port}, {@code --bind-address}, {@code --data-dir},
     *     {@code --write-kubeconfig}, Spring's {@code --spring.*} and {@code --server.*})
     */
    public static KapiTestServer start(Path dataDir, String... flags) {
        String[] normalized = KapiApplication.flags(flags);
        refuseReserved(normalized);
        List<String> given = new ArrayList<>(List.of("--secure-port=0", "--bind-address=127.0.0.1",
                "--data-dir=" + dataDir));
        if (!named(normalized, "--leader-elect")) {
            given.add("--leader-elect=false"); // alone on its store: no Lease to wait for
        }
        if (!named(normalized, "--controllers")) {
            given.add("--controllers=" + DEFAULT_CONTROLLERS);
        }
        given.addAll(List.of(flags));
        List<String> args = new ArrayList<>(List.of(KapiApplication.flags(given.toArray(String[]::new))));
        args.add("--spring.config.location=" + ServerConfigFile.location());
        SharedKeys.seed(dataDir);
        ConfigurableApplicationContext context;
        try {
            context = ServerApplication.create().run(args.toArray(String[]::new));
        } finally {
            LoggingSetupGate.leave();
        }
        try {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            awaitInformers(context);
            return new KapiTestServer(context, dataDir, port);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** Waits until /readyz's informer-sync passes, at most {@link #INFORMER_WAIT} (then the reads go to storage). */
    private static void awaitInformers(ConfigurableApplicationContext context) {
        List<InformerSync> parts = context.getBeanProvider(InformerSync.class).orderedStream().toList();
        long deadline = System.nanoTime() + INFORMER_WAIT.toNanos();
        while (!parts.stream().allMatch(InformerSync::synced) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Flags a test server sets itself ({@code --secure-port}, {@code --bind-address}, {@code --data-dir},
     * {@code --write-kubeconfig}), and Spring's own properties, whose conditions the server's ahead-of-time bean
     * definitions fixed when it was built: given again they would be joined to the server's values, not replace
     * them.
     */
    private static void refuseReserved(String[] flags) {
        for (String flag : flags) {
            String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=')) : flag;
            if (RESERVED.contains(name) || name.startsWith("--spring.") || name.startsWith("--server.")
                    || name.startsWith("--management.")) {
                throw new IllegalArgumentException(name + " is set by the test server itself and cannot be given");
            }
        }
    }

    /**
     * The controllers a test server runs unless {@code --controllers} says otherwise: the cluster's housekeeping
     * (namespaces, service accounts, RBAC aggregation, budgets, quotas, garbage collection, policy status, the
     * root CA ConfigMap), not the workload controllers and the scheduler, which a test of an operator usually
     * stands in for; {@code --controllers=*} switches them all on, as the standalone server runs.
     */
    public static final String DEFAULT_CONTROLLERS = "namespace-controller,serviceaccount-controller,"
            + "clusterrole-aggregation-controller,disruption-controller,resourcequota-controller,"
            + "garbage-collector-controller,validatingadmissionpolicy-status-controller,"
            + "root-ca-certificate-publisher-controller";

    private static boolean named(String[] normalized, String flag) {
        for (String f : normalized) {
            if (f.equals(flag) || f.startsWith(flag + "=")) {
                return true;
            }
        }
        return false;
    }

    /** How long {@link #start} waits for the request path's informers to list. */
    static final Duration INFORMER_WAIT = Duration.ofSeconds(10);
    private static final java.util.Set<String> RESERVED = java.util.Set.of("--secure-port", "--bind-address",
            "--data-dir", "--write-kubeconfig");

    @Override
    public URI url() {
        return url;
    }

    /** Where the server keeps its state and keys. */
    public Path dataDir() {
        return dataDir;
    }

    /** The admin kubeconfig the server wrote ({@code system:admin} in {@code system:masters}). */
    @Override
    public Path kubeconfig() {
        return dataDir.resolve("kubeconfig");
    }

    @Override
    public String namespace() {
        return "default";
    }

    @Override
    public Credentials credentials(String user, String... groups) {
        return clients.credentials(user, groups);
    }

    @Override
    public KubernetesClient client(String user, String... groups) {
        return clients.fabric8(namespace(), user, groups);
    }

    @Override
    public ApiClient apiClient(String user, String... groups) {
        return clients.clientJava(namespace(), user, groups);
    }

    @Override
    public HttpClient httpClient(String user, String... groups) {
        return clients.http(user, groups);
    }

    @Override
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The server's Spring context. */
    ConfigurableApplicationContext context() {
        return context;
    }

    /** The clients made for this server, shared with the per-test views of it. */
    TestClients clients() {
        return clients;
    }

    /** Closes the clients made for this server, then stops it. */
    @Override
    public void close() {
        try {
            clients.close();
        } finally {
            context.close();
        }
    }
}
