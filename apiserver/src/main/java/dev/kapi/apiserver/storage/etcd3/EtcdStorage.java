package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;

import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.UpdateFunction;
import dev.kapi.apiserver.storage.WatchHandle;
import dev.kapi.apiserver.storage.WatchListener;
import dev.kapi.apiserver.storage.WatchOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The {@link Storage} SPI on etcd v3 through jetcd. Each operation lives in its own class
 * ({@link EtcdCreate}, {@link EtcdGet}, {@link EtcdList}, {@link EtcdGuaranteedUpdate}, {@link EtcdDelete},
 * {@link EtcdWatchHub}); writes are single compare-and-swap transactions, never locks. Every call waits at
 * most the call timeout (UNREACHABLE after it); jetcd reconnects by itself when etcd comes back. Whether
 * etcd answers is told in the log once per change ({@link EtcdReachability}), not once per failed call.
 * No lock of this package is held while it calls jetcd, and jetcd's callbacks only hand work to the watch
 * hub's thread (see {@link EtcdWatchHub} for the lock order).
 */
public final class EtcdStorage implements Storage {

    /** Default bound of one etcd call. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Default quiet time after which a watch with progressNotify receives a PROGRESS event. */
    public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    /** How long {@link #close} waits for jetcd's client to close. */
    static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(EtcdStorage.class.getName());
    private static final ByteSequence ANY_KEY = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final KV kv;
    private final Duration timeout;
    private final EtcdReachability reachability;
    private final EtcdWatchHub watches;
    private final EtcdProgressSupport progressSupport;
    private volatile boolean closed;
    private volatile EtcdCompactor compactor;
    /** The highest current revision read (what readers wait for; a progress barrier is written only below it). */
    private final AtomicLong revisionSeen = new AtomicLong();
    private final List<String> endpoints;
    private final EtcdMemberStatus memberStatus;

    private EtcdStorage(Client client, Duration timeout, Duration progressInterval, String watchedPrefix,
                        List<String> endpoints) {
        this.client = client;
        this.endpoints = List.copyOf(endpoints);
        this.kv = client.getKVClient();
        this.timeout = timeout;
        this.reachability = new EtcdReachability(String.join(",", endpoints));
        this.memberStatus = new EtcdMemberStatus(client.getMaintenanceClient(), timeout);
        this.progressSupport = new EtcdProgressSupport(memberStatus, endpoints);
        this.watches = new EtcdWatchHub(client, timeout, progressInterval, this::currentRevision, watchedPrefix,
                reachability, progressSupport::knownSupported, revisionSeen::get);
    }

    /** Connects to etcd at {@code endpoints} (e.g. {@code http://127.0.0.1:2379}) with the default timeouts. */
    public static EtcdStorage connect(List<String> endpoints) {
        return connect(endpoints, CALL_TIMEOUT, PROGRESS_INTERVAL);
    }

    /**
     * Connects with the default timeouts; watches are only allowed under {@code watchedPrefix} (the
     * server's {@code --etcd-prefix} plus {@code /}), so the one etcd watch stream carries only this
     * server's keys, not those of other clients of the same etcd.
     */
    public static EtcdStorage connect(List<String> endpoints, String watchedPrefix) {
        return connect(endpoints, watchedPrefix, null);
    }

    /**
     * Connects as {@link #connect(List, String)} does, over {@code tls}: null means plain HTTP/2 to
     * {@code http://} endpoints and TLS trusting the JVM's trust store to {@code https://} ones (as etcd's Go
     * client does); given, every endpoint must be {@code https://}.
     *
     * @throws IllegalArgumentException when the endpoints mix {@code http://} and {@code https://}, or TLS is
     *                                  given for {@code http://} endpoints
     */
    public static EtcdStorage connect(List<String> endpoints, String watchedPrefix, EtcdTls tls) {
        return connect(endpoints, CALL_TIMEOUT, PROGRESS_INTERVAL, watchedPrefix, tls);
    }

    /** Connects with an explicit call timeout and watch progress interval. */
    public static EtcdStorage connect(List<String> endpoints, Duration callTimeout, Duration progressInterval) {
        return connect(endpoints, callTimeout, progressInterval, "", null);
    }

    /** Connects with an explicit call timeout and watch progress interval, over {@code tls} (see above). */
    public static EtcdStorage connect(List<String> endpoints, Duration callTimeout, Duration progressInterval,
                                      EtcdTls tls) {
        return connect(endpoints, callTimeout, progressInterval, "", tls);
    }

    private static EtcdStorage connect(List<String> endpoints, Duration callTimeout, Duration progressInterval,
                                       String watchedPrefix, EtcdTls tls) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoints");
        }
        boolean secure = EtcdEndpoints.secure(endpoints);
        if (tls != null && !secure) {
            throw new IllegalArgumentException("TLS is configured but the etcd endpoints are http:// URLs");
        }
        ClientBuilder builder = Client.builder();
        if (secure) {
            builder.sslContext((tls == null ? EtcdTls.systemTrust() : tls).sslContext());
        }
        Client client = builder
                .endpoints(endpoints.toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(5))
                .keepaliveTime(Duration.ofSeconds(30))
                .keepaliveTimeout(Duration.ofSeconds(10))
                .retryMaxDuration(callTimeout)
                // a list of 10,000 objects is larger than gRPC's default 4 MiB response limit; etcd's Go
                // client (kube-apiserver's) allows up to MaxInt32 as well
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .executorService(new CallerRunsExecutor())
                .build();
        return new EtcdStorage(client, callTimeout, progressInterval, watchedPrefix, endpoints);
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return call(() -> EtcdCreate.create(kv, timeout, key, value));
    }

    @Override
    public KeyValue get(String key, GetOptions options) {
        return call(() -> EtcdGet.get(kv, timeout, key, options));
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        return call(() -> EtcdList.list(kv, timeout, prefix, options, this::currentRevision));
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return guaranteedUpdate(key, preconditions, ignoreNotFound, update, null);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update, KeyValue cached) {
        return call(() -> EtcdGuaranteedUpdate.update(kv, timeout, key, preconditions, ignoreNotFound, update,
                cached));
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return delete(key, preconditions, null);
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions, KeyValue cached) {
        return call(() -> EtcdDelete.delete(kv, timeout, key, preconditions, cached));
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        return watches.watch(prefixOrKey, options, listener);
    }

    @Override
    public long currentRevision() {
        long revision = call(() -> await(kv.get(ANY_KEY, GetOption.builder().withCountOnly(true).build()), timeout,
                null).getHeader().getRevision());
        revisionSeen.accumulateAndGet(revision, Math::max);
        return revision;
    }

    /**
     * The largest database file among the members ({@code Status}'s {@code dbSize}); -1 when one did not answer
     * ({@link EtcdMemberStatus}: a call still out is waited for again).
     */
    @Override
    public long sizeBytes() {
        long largest = -1;
        for (String endpoint : endpoints) {
            try {
                largest = Math.max(largest, memberStatus.read(endpoint).getDbSize());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                return -1;
            }
        }
        return largest;
    }

    /**
     * Compacts etcd's history every {@code interval}, as kube-apiserver's {@code --etcd-compaction-interval}
     * ({@link EtcdCompactor}); zero or negative: never. Call once; {@link #close} stops it.
     */
    public synchronized void compactEvery(Duration interval) {
        if (interval.isPositive() && compactor == null && !closed) {
            compactor = EtcdCompactor.start(kv, timeout, interval);
        }
    }

    /** Whether a compactor was started and its thread has ended (for tests). */
    boolean compactorStopped() {
        EtcdCompactor running = compactor;
        return running != null && running.stopped();
    }

    @Override
    public void compact(long revision) {
        try {
            call(() -> await(kv.compact(revision, CompactOption.DEFAULT), timeout, null));
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.EXPIRED) {
                throw e;
            }
        }
    }

    /**
     * Only when every etcd member sends requested progress in order with its events (see
     * {@link EtcdProgressSupport}). Before that the hub answers with the revision its stream delivered, which an
     * {@link EtcdProgressBarrier} moves past etcd's current revision; but not always (a watch still replaying
     * history, a barrier refused), so a reader does not wait for it long.
     */
    @Override
    public boolean answersProgressRequests() {
        return progressSupport.supported();
    }

    /** How many progress barriers the watch hub wrote (for tests). */
    long progressBarrierWrites() {
        return watches.barrierWrites();
    }

    @Override
    public boolean isHealthy() {
        try {
            call(() -> await(kv.get(ANY_KEY, GetOption.builder().withCountOnly(true).build()), Duration.ofSeconds(2),
                    null));
            return true;
        } catch (StorageException e) {
            return false;
        }
    }

    /**
     * Runs one operation and tells {@link EtcdReachability} whether etcd answered it; after {@link #close}
     * every operation fails at once with "storage is closed".
     */
    private <T> T call(Supplier<T> operation) {
        if (closed) {
            throw new StorageException(StorageException.Code.INTERNAL, null, "storage is closed");
        }
        try {
            T result = operation.get();
            reachability.answered();
            return result;
        } catch (StorageException e) {
            if (closed) {
                throw new StorageException(StorageException.Code.INTERNAL, e.key(), "storage is closed", e);
            }
            reachability.observed(e);
            throw e;
        }
    }

    /** How many watches are open. */
    public int openWatches() {
        return watches.size();
    }

    EtcdWatchHub watchHub() {
        return watches;
    }

    /**
     * Ends every watch and closes the client. Holds no lock and waits for no etcd answer; the client is
     * closed on a thread of its own and waited for at most {@link #CLOSE_BOUND}, so this returns in time
     * whatever etcd or jetcd are doing (a client still closing is left to the process's exit).
     */
    @Override
    public void close() {
        closed = true;
        EtcdCompactor running = compactor;
        if (running != null) {
            running.close();
        }
        watches.close();
        Thread closing = Thread.ofPlatform().daemon().name("etcd-client-close").start(client::close);
        try {
            closing.join(CLOSE_BOUND);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closing.isAlive()) {
            LOG.warning("the etcd client did not close within " + CLOSE_BOUND.toMillis() + "ms; not waiting for it");
        }
    }
}
