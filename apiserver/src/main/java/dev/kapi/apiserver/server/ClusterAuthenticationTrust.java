package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.RequestHeaderAuthenticator;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.server.tls.ServingPki;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes who this server trusts to authenticate clients in {@code kube-system/extension-apiserver-authentication},
 * as kube-apiserver's cluster authentication trust controller does, for aggregated API servers and other delegating
 * authenticators to read: {@code client-ca-file} (Kapi's CA and {@code --client-ca-file}), and with
 * {@code --requestheader-client-ca-file} the front proxy's CA, allowed names and header names (JSON lists, e.g.
 * {@code ["X-Remote-User"]}). What is there is merged, not replaced, so that several servers sharing a store each
 * add theirs: lists are unions, CA bundles the certificates of both (none expired more than 5 minutes ago, none
 * twice). Written in the background at start (tried every 2 s until it is) and every minute after.
 */
@Component
public class ClusterAuthenticationTrust implements SmartLifecycle {

    static final String NAMESPACE = "kube-system";
    static final String NAME = "extension-apiserver-authentication";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAuthenticationTrust.class);
    private static final Duration EVERY = Duration.ofMinutes(1);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration EXPIRED_GRACE = Duration.ofMinutes(5);
    private static final List<String> CA_KEYS = List.of("client-ca-file", "requestheader-client-ca-file");

    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final ServingPki pki;
    private final RequestHeaderOptions requestHeader;
    private volatile Thread worker;

    public ClusterAuthenticationTrust(StoreRegistry stores, WritePipeline writes, ServingPki pki,
                                      RequestHeaderOptions requestHeader) {
        this.stores = stores;
        this.writes = writes;
        this.pki = pki;
        this.requestHeader = requestHeader;
    }

    @EventListener
    public void onStarted(ApplicationStartedEvent event) {
        worker = Thread.ofVirtual().name("cluster-authentication-trust").start(() -> {
            boolean written = false;
            int failures = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    publish();
                    written = true;
                } catch (RuntimeException e) { // at first start kube-system may not be there yet: soon again
                    if (written || ++failures % 15 == 0) { // not while the namespace is made, but not silently
                        LOG.warn("{}/{} not written: {}", NAMESPACE, NAME, e.getMessage());
                    }
                }
                try {
                    Thread.sleep(written ? EVERY : RETRY);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** This server's data merged into what is stored; written when that changes it. */
    void publish() {
        Store<ConfigMap> configMaps = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        WriteScope<ConfigMap> scope = WriteScope.of(configMaps, NAMESPACE, SystemUsers.API_SERVER);
        ConfigMap existing = configMaps.lookup(NAMESPACE, NAME);
        Map<String, String> own = own();
        if (existing == null) {
            ConfigMap created = new ConfigMap();
            created.setMetadata(new ObjectMeta());
            created.getMetadata().setName(NAME);
            created.setData(merged(Map.of(), own, Instant.now()));
            try {
                writes.create(scope, created, OperationOptions.create());
                return;
            } catch (StatusError e) {
                if (e.code() != 409) {
                    throw e;
                }
            }
        }
        writes.update(scope, NAME, current -> {
            Map<String, String> data = merged(current.getData() == null ? Map.of() : current.getData(), own,
                    Instant.now());
            if (data.equals(current.getData())) {
                return current;
            }
            ConfigMap next = current.toBuilder().build();
            next.setData(data);
            return next;
        }, OperationOptions.update());
    }

    /** What this server trusts, in the ConfigMap's keys. */
    Map<String, String> own() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("client-ca-file", Pem.certificates(pki.clientCas()));
        Optional<RequestHeaderAuthenticator.Settings> front = requestHeader.settings();
        front.ifPresent(s -> {
            data.put("requestheader-username-headers", json(s.usernameHeaders()));
            data.put("requestheader-group-headers", json(s.groupHeaders()));
            data.put("requestheader-extra-headers-prefix", json(s.extraHeaderPrefixes()));
            data.put("requestheader-client-ca-file", Pem.certificates(s.cas()));
            data.put("requestheader-allowed-names", json(s.allowedNames()));
        });
        return data;
    }

    /**
     * {@code existing} and {@code own} merged as kube merges them (existing first): JSON lists united, CA bundles
     * united without expired or repeated certificates; keys of neither are dropped.
     */
    static Map<String, String> merged(Map<String, String> existing, Map<String, String> own, Instant now) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("client-ca-file", "requestheader-username-headers", "requestheader-group-headers",
                "requestheader-extra-headers-prefix", "requestheader-client-ca-file", "requestheader-allowed-names")) {
            String mine = own.get(key);
            String theirs = existing.get(key);
            if (mine == null && theirs == null) {
                continue;
            }
            String value = CA_KEYS.contains(key) ? bundle(theirs, mine, now) : union(theirs, mine);
            if (value != null) {
                out.put(key, value);
            }
        }
        if (!out.containsKey("requestheader-client-ca-file")) { // no front-proxy CA: no front-proxy settings
            out.keySet().removeIf(k -> k.startsWith("requestheader-"));
        }
        return out;
    }

    private static String bundle(String a, String b, Instant now) {
        List<X509Certificate> certs = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        for (String pem : new String[] {a, b}) {
            if (pem == null) {
                continue;
            }
            List<X509Certificate> parsed;
            try {
                parsed = Pem.readCertificates(pem);
            } catch (RuntimeException e) { // what someone else wrote badly is dropped (kube's sync fails on it)
                continue;
            }
            for (X509Certificate c : parsed) {
                byte[] der = encoded(c);
                boolean expired = c.getNotAfter().toInstant().plus(EXPIRED_GRACE).isBefore(now);
                if (!expired && seen.stream().noneMatch(d -> Arrays.equals(d, der))) {
                    seen.add(der);
                    certs.add(c);
                }
            }
        }
        return certs.isEmpty() ? null : Pem.certificates(certs);
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String union(String a, String b) {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (String json : new String[] {a, b}) {
            if (json == null) {
                continue;
            }
            try {
                Json.MAPPER.readTree(json).forEach(n -> all.add(n.asString()));
            } catch (RuntimeException e) {
                // not a JSON list (written by someone else): dropped
            }
        }
        return json(new ArrayList<>(all));
    }

    private static String json(List<String> values) {
        return Json.MAPPER.writeValueAsString(values);
    }

    @Override
    public void start() {
    }

    /** Stops the writes and waits (at most 5 s) for one under way, so that none runs while storage stops. */
    @Override
    public void stop() {
        Thread w = worker;
        if (w != null) {
            w.interrupt();
            try {
                w.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return worker != null && worker.isAlive();
    }
}
