package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authz.AlwaysAllowAuthorizer;
import dev.kapi.apiserver.authz.AlwaysDenyAuthorizer;
import dev.kapi.apiserver.authz.AuthorizationMetrics;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.AuthorizerChain;
import dev.kapi.apiserver.authz.PrivilegedGroupAuthorizer;
import dev.kapi.apiserver.authz.ReloadableAuthorizer;
import dev.kapi.apiserver.authz.WebhookAuthorizer;
import dev.kapi.apiserver.authz.WebhookMatchConditions;
import dev.kapi.apiserver.webhook.RetryBackoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code --authorization-config}'s authorizer chain ({@link AuthorizationConfigFile}): {@code system:masters}
 * first, then each authorizer of the file in order. The file is read again every {@code checkEvery} (kube:
 * on a file-system event, and every minute); when its bytes changed and it is still valid, the chain is rebuilt and
 * swapped in (webhooks start with empty caches); when it is not, the error is logged and the chain in use stays,
 * as in kube. Authorizers other than webhooks may be neither added nor removed by a reload (kube's rule).
 */
final class StructuredAuthorization implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StructuredAuthorization.class);
    /** Types whose presence is fixed at start: every one but Webhook, as kube's reload requires. */
    private static final Set<String> FIXED = Set.of("RBAC", "Node", "ABAC", "AlwaysAllow", "AlwaysDeny");
    static final long MAX_SIZE = 4L << 20;
    /** A decision's longest time with one webhook (its budget), and a margin after the last. */
    private static final Duration PER_WEBHOOK = Duration.ofSeconds(30);

    private final Path file;
    private final Supplier<Authorizer> rbac;
    private final AuthorizationMetrics metrics;
    private final ReloadableAuthorizer authorizer;
    private final Set<String> fixedTypes;
    private final ScheduledExecutorService reloads;
    private final List<Authorizer> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
    private List<AuthorizationConfigFile.Entry> inUse;
    private byte[] lastRead;

    /**
     * Reads the file and builds the chain.
     *
     * @throws StartupFailure for a file that cannot be read, is not valid, or names what Kapi does not have
     */
    StructuredAuthorization(Path file, Supplier<Authorizer> rbac, Duration checkEvery) {
        this(file, rbac, checkEvery, AuthorizationMetrics.NONE);
    }

    StructuredAuthorization(Path file, Supplier<Authorizer> rbac, Duration checkEvery, AuthorizationMetrics metrics) {
        this.file = file;
        this.rbac = rbac;
        this.metrics = metrics;
        try {
            lastRead = read(file);
            inUse = AuthorizationConfigFile.parse(lastRead);
            authorizer = new ReloadableAuthorizer(build(inUse));
        } catch (IOException | IllegalArgumentException e) {
            throw StartupFailure.of("--authorization-config", e);
        }
        fixedTypes = fixedTypes(inUse);
        reloads = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("authorization-config-reload").factory());
        reloads.scheduleWithFixedDelay(this::reload, checkEvery.toMillis(), checkEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    Authorizer authorizer() {
        return authorizer;
    }

    /** Reads the file again; a changed, valid file replaces the chain. Never throws (a throw would end the checks). */
    synchronized void reload() {
        try {
            reloadOnce();
        } catch (Throwable e) { // not even an Error may end the checks
            log.warn("--authorization-config: checking {} failed, the authorizers in use stay", file, e);
        }
    }

    private void reloadOnce() {
        byte[] bytes;
        try {
            bytes = read(file);
        } catch (IOException e) {
            log.warn("--authorization-config: cannot read {} again, the authorizers in use stay: {}", file,
                    StartupFailure.reason(e));
            metrics.configReloaded(false); // kube counts each failed read
            return;
        }
        if (Arrays.equals(bytes, lastRead)) {
            return;
        }
        lastRead = bytes;
        try {
            List<AuthorizationConfigFile.Entry> next = AuthorizationConfigFile.parse(bytes);
            if (next.equals(inUse)) {
                metrics.configReloaded(true); // new bytes, the same authorizers: kube reloads and counts it
                return;
            }
            Set<String> fixed = fixedTypes(next);
            Set<String> missing = new TreeSet<>(fixedTypes);
            missing.removeAll(fixed);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing required types: " + missing.toString().replace(",", ""));
            }
            for (String type : fixed) {
                if (!fixedTypes.contains(type)) {
                    throw new IllegalArgumentException("authorizer type " + type
                            + " is not allowed if it was not enabled at initial server startup");
                }
            }
            Authorizer previous = authorizer.current();
            authorizer.replace(build(next));
            inUse = next;
            retire(previous);
            log.info("--authorization-config: {} read again, {} authorizers in use", file, next.size());
            metrics.configReloaded(true);
        } catch (IOException | RuntimeException e) {
            log.warn("--authorization-config: {} changed but cannot be used, the authorizers in use stay: {}", file,
                    e instanceof StartupFailure ? e.getMessage() : StartupFailure.reason(e));
            metrics.configReloaded(false);
        }
    }

    /** The file's bytes; not a special file or one over {@link #MAX_SIZE} (a mistake, never a configuration). */
    static byte[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("read " + file + ": not a regular file");
        }
        if (Files.size(file) > MAX_SIZE) {
            throw new IOException("read " + file + ": larger than " + MAX_SIZE + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /** The chain of {@code entries}; webhooks made before a failure are closed. */
    private Authorizer build(List<AuthorizationConfigFile.Entry> entries) throws IOException {
        List<Authorizer> chain = new ArrayList<>(List.of(new PrivilegedGroupAuthorizer()));
        try {
            addAll(entries, chain);
        } catch (IOException | RuntimeException e) {
            closeWebhooks(new AuthorizerChain(chain));
            throw e;
        }
        List<AuthorizerChain.Named> names = new ArrayList<>();
        names.add(null);
        entries.forEach(e -> names.add(new AuthorizerChain.Named(e.type(), e.name())));
        return new AuthorizerChain(chain, names, metrics);
    }

    private void addAll(List<AuthorizationConfigFile.Entry> entries, List<Authorizer> chain) throws IOException {
        for (AuthorizationConfigFile.Entry e : entries) {
            chain.add(switch (e.type()) {
                case "AlwaysAllow" -> new AlwaysAllowAuthorizer();
                case "AlwaysDeny" -> new AlwaysDenyAuthorizer();
                case "RBAC" -> {
                    Authorizer a = rbac.get();
                    if (a == null) {
                        throw new IllegalArgumentException("authorizer rbac: this server has no RBAC authorizer");
                    }
                    yield a;
                }
                case "Webhook" -> webhook(e.name(), e.webhook(), metrics);
                default -> throw new IllegalArgumentException("authorizer type " + e.type()
                        + " is not supported by Kapi (supported: RBAC, Webhook, AlwaysAllow, AlwaysDeny)");
            });
        }
    }

    /**
     * Closes a replaced chain's webhooks once any decision begun on it is over: it may ask each of them in turn,
     * each for up to its budget.
     */
    private void retire(Authorizer chain) {
        retired.add(chain);
        long after = PER_WEBHOOK.toMillis() * (WebhookAuthorizer.in(chain).size() + 1);
        reloads.schedule(() -> {
            closeWebhooks(chain);
            retired.remove(chain);
        }, after, TimeUnit.MILLISECONDS);
    }

    private static void closeWebhooks(Authorizer chain) {
        WebhookAuthorizer.in(chain).forEach(WebhookAuthorizer::close);
    }

    private static Authorizer webhook(String name, AuthorizationConfigFile.Webhook w, AuthorizationMetrics metrics)
            throws IOException {
        if (!w.connectionType().equals("KubeConfigFile")) {
            throw new IllegalArgumentException("authorizer " + name + ": connectionInfo type " + w.connectionType()
                    + " cannot be used by an API server (kube-apiserver's neither): use KubeConfigFile");
        }
        var settings = new WebhookAuthorizer.Settings(w.version(),
                new WebhookAuthorizer.CacheTtls(w.authorizedTtl(), w.unauthorizedTtl()), w.timeout(),
                w.failurePolicy().equals("Deny"), WebhookMatchConditions.compile(w.matchConditions()));
        try {
            return new WebhookAuthorizer(WebhookKubeconfig.read(Path.of(w.kubeConfigFile())), settings,
                    RetryBackoff.KUBE_INITIAL, name, metrics);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("authorizer " + name + ": " + w.kubeConfigFile() + ": "
                    + StartupFailure.reason(e), e);
        }
    }

    private static Set<String> fixedTypes(List<AuthorizationConfigFile.Entry> entries) {
        Set<String> types = new TreeSet<>();
        entries.stream().map(AuthorizationConfigFile.Entry::type).filter(FIXED::contains).forEach(types::add);
        return types;
    }

    @Override
    public void close() {
        reloads.shutdownNow();
        retired.forEach(StructuredAuthorization::closeWebhooks);
        closeWebhooks(authorizer);
    }
}
