package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.serviceaccount.LegacyServiceAccountTokens;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountRef;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerCache;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's token controller ({@code serviceaccount-token-controller}) for Secrets of type
 * {@value #TYPE}, which is how a user asks for a long-lived token of the ServiceAccount its annotation
 * {@value #ACCOUNT_NAME} names: the controller fills in {@code data.token} (a legacy token,
 * {@link LegacyServiceAccountTokens}), {@code data["ca.crt"]} (the server's CA) and {@code data.namespace}, and
 * the annotation {@value #ACCOUNT_UID}. A token Secret whose ServiceAccount does not exist (or has another uid)
 * is deleted, as is every token Secret of a ServiceAccount that is deleted. Writes as
 * {@code system:kube-controller-manager}. The informer keeps only the token Secrets' contents.
 */
final class ServiceAccountTokensController extends Controller {

    static final String NAME = "serviceaccount-token-controller";
    static final String TYPE = "kubernetes.io/service-account-token";
    static final String ACCOUNT_NAME = "kubernetes.io/service-account.name";
    static final String ACCOUNT_UID = "kubernetes.io/service-account.uid";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokensController.class);

    private final Informer<Secret> secrets;
    private final Informer<ServiceAccount> accounts;
    private final Store<Secret> secretStore;
    private final Store<ServiceAccount> accountStore;
    private final WritePipeline writes;
    private final LegacyServiceAccountTokens tokens;
    private final String caPem;

    ServiceAccountTokensController(Informer<Secret> secrets, Informer<ServiceAccount> accounts,
                                   Store<Secret> secretStore, Store<ServiceAccount> accountStore,
                                   WritePipeline writes, LegacyServiceAccountTokens tokens, String caPem) {
        super(NAME, 2, new WorkQueue(Duration.ofMillis(5), Duration.ofSeconds(30)), List.of(secrets, accounts));
        this.secrets = secrets;
        this.accounts = accounts;
        this.secretStore = secretStore;
        this.accountStore = accountStore;
        this.writes = writes;
        this.tokens = tokens;
        this.caPem = caPem;
        secrets.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                queueIfToken(s);
            }

            @Override
            public void onUpdate(Secret old, Secret s) {
                queueIfToken(s);
            }
        });
        accounts.addHandler(new EventHandler<>() {
            @Override
            public void onDelete(ServiceAccount sa) {
                for (Secret s : secrets.cache().list()) {
                    if (TYPE.equals(s.getType()) && s.getMetadata().getNamespace().equals(sa.getMetadata().getNamespace())
                            && sa.getMetadata().getName().equals(annotation(s, ACCOUNT_NAME))) {
                        queue.add(InformerCache.key(s));
                    }
                }
            }
        });
    }

    /** The informer's view of a Secret: a token Secret whole, any other only its identity and type. */
    static Secret tokenOnly(Secret s) {
        if (TYPE.equals(s.getType())) {
            return new SecretBuilder(s).build(); // a copy: the informer's transform is given a shared object
        }
        Secret view = new Secret();
        ObjectMeta meta = new ObjectMeta();
        meta.setNamespace(s.getMetadata().getNamespace());
        meta.setName(s.getMetadata().getName());
        meta.setUid(s.getMetadata().getUid());
        meta.setResourceVersion(s.getMetadata().getResourceVersion());
        view.setMetadata(meta);
        view.setType(s.getType());
        return view;
    }

    private void queueIfToken(Secret s) {
        if (TYPE.equals(s.getType()) && s.getMetadata().getDeletionTimestamp() == null) {
            queue.add(InformerCache.key(s));
        }
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Secret cached = secrets.cache().get(ns, name);
        if (cached == null || !TYPE.equals(cached.getType()) || cached.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        try {
            ServiceAccount sa = account(ns, annotation(cached, ACCOUNT_NAME));
            String uid = annotation(cached, ACCOUNT_UID);
            if (sa == null || (uid != null && !uid.isEmpty() && !uid.equals(sa.getMetadata().getUid()))) {
                writes.delete(WriteScope.of(secretStore, ns, SystemUsers.KUBE_CONTROLLER_MANAGER), name,
                        OperationOptions.deleteWithUid(cached.getMetadata().getUid()));
                return true;
            }
            if (needsData(cached, sa)) {
                writes.update(WriteScope.of(secretStore, ns, SystemUsers.KUBE_CONTROLLER_MANAGER), name, current -> {
                    if (!Objects.equals(current.getMetadata().getUid(), cached.getMetadata().getUid())) {
                        return current; // another Secret of that name: its own event queues it
                    }
                    fill(current, sa);
                    return current;
                }, OperationOptions.update());
            }
            return true;
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return true;
            }
            if (!stopping()) {
                LOG.warn("{}: could not sync token secret {}: {}", NAME, key, e.getMessage());
            }
            return false;
        }
    }

    /** The ServiceAccount from the informer, or from the store when the informer does not know it (yet). */
    private ServiceAccount account(String ns, String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        ServiceAccount sa = accounts.cache().get(ns, name);
        if (sa != null) {
            return sa;
        }
        try {
            return accountStore.get(ns, name);
        } catch (StatusError e) {
            if (e.code() == 404) {
                return null;
            }
            throw e;
        }
    }

    private boolean needsData(Secret s, ServiceAccount sa) {
        Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
        return empty(data.get("token")) || !Objects.equals(data.get("namespace"), base64(s.getMetadata().getNamespace()))
                || (caPem != null && !Objects.equals(data.get("ca.crt"), base64(caPem)))
                || !Objects.equals(annotation(s, ACCOUNT_UID), sa.getMetadata().getUid());
    }

    private void fill(Secret s, ServiceAccount sa) {
        Map<String, String> data = s.getData() == null ? new HashMap<>() : new HashMap<>(s.getData());
        String ns = s.getMetadata().getNamespace();
        if (empty(data.get("token"))) {
            data.put("token", base64(tokens.issue(new ServiceAccountRef(ns, sa.getMetadata().getName(),
                    sa.getMetadata().getUid()), s.getMetadata().getName())));
        }
        data.put("namespace", base64(ns));
        if (caPem != null) {
            data.put("ca.crt", base64(caPem));
        }
        s.setData(data);
        Map<String, String> annotations = new HashMap<>(s.getMetadata().getAnnotations());
        annotations.put(ACCOUNT_UID, sa.getMetadata().getUid());
        s.getMetadata().setAnnotations(annotations);
    }

    private static String annotation(Secret s, String key) {
        return s.getMetadata().getAnnotations() == null ? null : s.getMetadata().getAnnotations().get(key);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
