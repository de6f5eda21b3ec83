package dev.kapi.apiserver.controlplane;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.DeleteOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * kube-apiserver's APIServerIdentity lease: a coordination.k8s.io/v1 Lease {@code kube-system/apiserver-<id>}
 * labelled {@code apiserver.kubernetes.io/identity=kube-apiserver} and {@code kubernetes.io/hostname}, holder
 * {@code <id>_<uuid>}, {@code leaseDurationSeconds} 3600, its renewTime renewed every {@link #RENEW_INTERVAL}; and
 * the garbage collector each replica runs (at start and then every {@link #GC_PERIOD}) that deletes the identity
 * leases whose renewTime plus duration has passed. kube derives the id from a hash of the host name; here the
 * advertised address and port are hashed with it, so that replicas sharing a host keep leases of their own.
 */
final class IdentityLease {

    static final String NAMESPACE = "kube-system";
    static final String LABEL = "apiserver.kubernetes.io/identity";
    static final String COMPONENT = "kube-apiserver";
    static final int DURATION_SECONDS = 3600;
    static final Duration RENEW_INTERVAL = Duration.ofSeconds(10);
    static final Duration GC_PERIOD = Duration.ofSeconds(3600);

    private final WriteScope<Lease> leases;
    private final WritePipeline writes;
    private final Clock clock;
    private final String name;
    private final String holder;
    private final String hostname;

    IdentityLease(StoreRegistry stores, WritePipeline writes, Clock clock, String hostname, String address, int port) {
        this.leases = WriteScope.of(stores.find("coordination.k8s.io", "v1", "leases", Lease.class).orElseThrow(),
                NAMESPACE, SystemUsers.API_SERVER);
        this.writes = writes;
        this.clock = clock;
        this.hostname = hostname;
        this.name = "apiserver-" + hash(hostname + "/" + address + ":" + port);
        this.holder = name + "_" + UUID.randomUUID();
    }

    String name() {
        return name;
    }

    /** Creates or renews this replica's lease. */
    void renew() {
        ZonedDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
        try {
            writes.update(leases, name, lease -> fill(lease, now), OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
            Lease lease = new Lease();
            lease.setMetadata(new ObjectMeta());
            lease.getMetadata().setName(name);
            lease.getMetadata().setNamespace(NAMESPACE);
            writes.create(leases, fill(lease, now), OperationOptions.create());
        }
    }

    private Lease fill(Lease lease, ZonedDateTime now) {
        Map<String, String> labels = lease.getMetadata().getLabels() == null
                ? new HashMap<>() : new HashMap<>(lease.getMetadata().getLabels());
        labels.put(LABEL, COMPONENT);
        labels.put("kubernetes.io/hostname", hostname);
        lease.getMetadata().setLabels(labels);
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        spec.setHolderIdentity(holder);
        spec.setLeaseDurationSeconds(DURATION_SECONDS);
        spec.setRenewTime(now);
        lease.setSpec(spec);
        return lease;
    }

    /** Deletes the identity leases (of any replica) that expired; returns how many. */
    int collectGarbage() {
        Instant now = clock.instant();
        int deleted = 0;
        for (Lease lease : leases.store().list(NAMESPACE, ListParams.<Lease>all()).items()) {
            Map<String, String> labels = lease.getMetadata().getLabels();
            if (labels == null || !COMPONENT.equals(labels.get(LABEL)) || !expired(lease, now)) {
                continue;
            }
            DeleteOptions options = OperationOptions.delete();
            Preconditions pre = new Preconditions();
            pre.setResourceVersion(lease.getMetadata().getResourceVersion());
            options.setPreconditions(pre);
            try {
                writes.delete(leases, lease.getMetadata().getName(), options);
                deleted++;
            } catch (StatusError e) {
                if (e.code() != 404 && e.code() != 409) {
                    throw e;
                }
            }
        }
        return deleted;
    }

    static boolean expired(Lease lease, Instant now) {
        LeaseSpec spec = lease.getSpec();
        if (spec == null || spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
            return true;
        }
        try {
            Instant renewed = spec.getRenewTime().toInstant();
            return now.isAfter(renewed.plus(spec.getLeaseDurationSeconds(), ChronoUnit.SECONDS));
        } catch (RuntimeException unreadable) {
            return true;
        }
    }

    private static String hash(String text) {
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            // base32 (RFC 4648 alphabet, lower case, no padding) of the first 16 bytes, as kube spells its ids
            String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
            int buffer = 0;
            int bits = 0;
            for (int i = 0; i < 16; i++) {
                buffer = (buffer << 8) | (sum[i] & 0xFF);
                bits += 8;
                while (bits >= 5) {
                    out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                    bits -= 5;
                }
            }
            if (bits > 0) {
                out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
