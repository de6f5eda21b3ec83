package dev.kapi.apiserver.storage.etcd3;

import static dev.kapi.apiserver.storage.etcd3.EtcdCalls.await;

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
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.List;

/**
 * The {@link Storage} SPI on etcd v3 through jetcd. Each operation lives in its own class
 * ({@link EtcdCreate}, {@link EtcdGet}, {@link EtcdList}, {@link EtcdGuaranteedUpdate}, {@link EtcdDelete},
 * {@link EtcdWatchHub}); writes are single compare-and-swap transactions, never locks. Every call waits at
 * most the call timeout (UNREACHABLE after it); jetcd reconnects by itself when etcd comes back.
 */
public final class EtcdStorage implements Storage {

    /** Default bound of one etcd call. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Default quiet time after which a watch with progressNotify receives a PROGRESS event. */
    public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private static final ByteSequence ANY_KEY = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final KV kv;
    private final Duration timeout;
    private final EtcdWatchHub watches;

    private EtcdStorage(Client client, Duration timeout, Duration progressInterval, String watchedPrefix) {
        this.client = client;
        this.kv = client.getKVClient();
        this.timeout = timeout;
        this.watches = new EtcdWatchHub(client, timeout, progressInterval, this::currentRevision, watchedPrefix);
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
        return connect(endpoints, CALL_TIMEOUT, PROGRESS_INTERVAL, watchedPrefix);
    }

    /** Connects with an explicit call timeout and watch progress interval. */
    public static EtcdStorage connect(List<String> endpoints, Duration callTimeout, Duration progressInterval) {
        return connect(endpoints, callTimeout, progressInterval, "");
    }

    private static EtcdStorage connect(List<String> endpoints, Duration callTimeout, Duration progressInterval,
                                       String watchedPrefix) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoints");
        }
        Client client = Client.builder()
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
        return new EtcdStorage(client, callTimeout, progressInterval, watchedPrefix);
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return EtcdCreate.create(kv, timeout, key, value);
    }

    @Override
    public KeyValue get(String key) {
        return EtcdGet.get(kv, timeout, key);
    }

    @Override
    public ListResult list(String prefix, ListOptions options) {
        return EtcdList.list(kv, timeout, prefix, options, this::currentRevision);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, Preconditions preconditions, boolean ignoreNotFound,
                                     UpdateFunction update) {
        return EtcdGuaranteedUpdate.update(kv, timeout, key, preconditions, ignoreNotFound, update);
    }

    @Override
    public KeyValue delete(String key, Preconditions preconditions) {
        return EtcdDelete.delete(kv, timeout, key, preconditions);
    }

    @Override
    public WatchHandle watch(String prefixOrKey, WatchOptions options, WatchListener listener) {
        return watches.watch(prefixOrKey, options, listener);
    }

    @Override
    public long currentRevision() {
        return await(kv.get(ANY_KEY, GetOption.builder().withCountOnly(true).build()), timeout, null)
                .getHeader().getRevision();
    }

    @Override
    public void compact(long revision) {
        try {
            await(kv.compact(revision, CompactOption.DEFAULT), timeout, null);
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.EXPIRED) {
                throw e;
            }
        }
    }

    @Override
    public boolean isHealthy() {
        try {
            await(kv.get(ANY_KEY, GetOption.builder().withCountOnly(true).build()), Duration.ofSeconds(2), null);
            return true;
        } catch (StorageException e) {
            return false;
        }
    }

    /** How many watches are open. */
    public int openWatches() {
        return watches.size();
    }

    @Override
    public void close() {
        watches.close();
        client.close();
    }
}
