package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.serviceaccount.LegacyTokenLookup;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link LegacyTokenLookup} of the server: the Secret and the ServiceAccount a legacy token names, read from
 * the registry on each use (Secret-based tokens are rare; kube reads them from its informers or a live GET), and
 * the Secret's {@code kubernetes.io/legacy-token-last-used} label written as {@code system:apiserver} on a
 * virtual thread, at most once a day per Secret.
 */
public final class StoredLegacyTokenLookup implements LegacyTokenLookup {

    static final String LAST_USED = "kubernetes.io/legacy-token-last-used";
    static final String INVALID_SINCE = "kubernetes.io/legacy-token-invalid-since";
    private static final Logger LOG = LoggerFactory.getLogger(StoredLegacyTokenLookup.class);

    private final Store<Secret> secrets;
    private final Store<ServiceAccount> accounts;
    private final WritePipeline writes;

    public StoredLegacyTokenLookup(StoreRegistry stores, WritePipeline writes) {
        this.secrets = stores.find("", "v1", "secrets", Secret.class).orElseThrow();
        this.accounts = stores.find("", "v1", "serviceaccounts", ServiceAccount.class).orElseThrow();
        this.writes = writes;
    }

    @Override
    public Optional<TokenSecret> secret(String namespace, String name) {
        Secret s = read(secrets, namespace, name);
        if (s == null) {
            return Optional.empty();
        }
        String token = s.getData() == null || s.getData().get("token") == null ? null
                : new String(Base64.getDecoder().decode(s.getData().get("token")), StandardCharsets.UTF_8);
        Map<String, String> labels = s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels();
        return Optional.of(new TokenSecret(token, s.getMetadata().getDeletionTimestamp() != null,
                labels.get(INVALID_SINCE), labels.get(LAST_USED)));
    }

    @Override
    public Optional<Account> serviceAccount(String namespace, String name) {
        ServiceAccount sa = read(accounts, namespace, name);
        return sa == null ? Optional.empty() : Optional.of(new Account(sa.getMetadata().getUid(),
                sa.getMetadata().getDeletionTimestamp() != null));
    }

    @Override
    public void markUsed(String namespace, String name, String today) {
        Thread.ofVirtual().name("legacy-token-last-used").start(() -> {
            try {
                writes.update(WriteScope.of(secrets, namespace, SystemUsers.API_SERVER), name, s -> {
                    Map<String, String> labels = s.getMetadata().getLabels() == null ? new HashMap<>()
                            : new HashMap<>(s.getMetadata().getLabels());
                    labels.put(LAST_USED, today);
                    s.getMetadata().setLabels(labels);
                    return s;
                }, OperationOptions.update());
            } catch (RuntimeException e) {
                LOG.debug("could not record the use of the legacy token in secret {}/{}: {}", namespace, name,
                        e.toString());
            }
        });
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T read(Store<T> store, String namespace,
                                                                                  String name) {
        try {
            return store.get(namespace, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }
}
