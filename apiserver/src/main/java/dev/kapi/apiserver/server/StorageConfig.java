package dev.kapi.apiserver.server;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.etcd3.EtcdTls;
import dev.kapi.apiserver.storage.etcd3.EtcdTlsProbe;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.List;

/**
 * The storage backend: etcd at {@code --etcd-servers}; without that flag, the embedded store (SQLite, on
 * the model of k3s's kine) in {@code --data-dir}/db/state.db, so one command starts a working server.
 * {@code https://} etcd endpoints are spoken to over TLS ({@link EtcdClientOptions}); before connecting, a
 * handshake with each endpoint ({@link EtcdTlsProbe}) stops the start with one line when etcd and the
 * server do not agree on certificates, instead of every call timing out later. etcd's history is compacted
 * every {@code --etcd-compaction-interval}, as kube-apiserver does.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfig {

    private static final Logger LOG = LoggerFactory.getLogger(StorageConfig.class);

    @Bean(destroyMethod = "close")
    Storage storage(ServerOptions options, EtcdClientOptions etcdClient, DataDir dataDir,
                    OperationsOptions operations) {
        if (!options.etcdServers().isEmpty()) {
            List<String> endpoints = options.etcdServers();
            for (String e : endpoints) {
                if (!e.startsWith("http://") && !e.startsWith("https://")) {
                    throw new StartupFailure("--etcd-servers " + String.join(",", endpoints) + ": " + e
                            + " is not a URL such as http://127.0.0.1:2379 or https://etcd-0:2379");
                }
            }
            EtcdTls tls = etcdClient.tls(endpoints);
            if (tls != null) {
                EtcdTlsProbe.failure(endpoints, tls).ifPresent(failure -> {
                    throw new StartupFailure("cannot use etcd over TLS: " + failure
                            + " (see --etcd-cafile, --etcd-certfile, --etcd-keyfile)");
                });
            }
            LOG.info("Storage: etcd at {}{}", String.join(",", endpoints), tls == null ? ""
                    : tls.clientKey() != null ? " (TLS with a client certificate)" : " (TLS)");
            EtcdStorage etcd;
            try {
                etcd = EtcdStorage.connect(endpoints, options.etcdPrefix() + "/", tls);
            } catch (IllegalArgumentException e) { // jetcd's "Unable to compute target from endpoint: 'x'"
                throw StartupFailure.of("--etcd-servers", e);
            }
            etcd.compactEvery(operations.etcdCompactionInterval());
            return etcd;
        }
        Path file = dataDir.database();
        LOG.info("Storage: embedded store {} (no --etcd-servers given)", file);
        return SqliteStorage.open(file);
    }
}
