package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authn.serviceaccount.LegacyServiceAccountTokens;
import dev.kapi.apiserver.authn.serviceaccount.LegacyTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountKeys;
import dev.kapi.apiserver.endpoints.tokens.StoredLegacyTokenLookup;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The token controller and the legacy token authenticator on real etcd: a token Secret of an existing
 * ServiceAccount gets its token, CA, namespace and the account's uid; the token authenticates as the account
 * until its Secret or account goes, or the Secret is labelled invalid; a token Secret of a missing account, or
 * of another uid, is deleted, and so are an account's token Secrets when the account is deleted.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccountTokensControllerTest {

    private static final String NS = "tokens";
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    static Path dir;

    private EtcdStorage storage;
    private Store<Secret> secrets;
    private Store<ServiceAccount> accounts;
    private Informer<Secret> secretInformer;
    private Informer<ServiceAccount> accountInformer;
    private ServiceAccountTokensController controller;
    private LegacyTokenAuthenticator authenticator;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        secrets = stores.find("", "v1", "secrets", Secret.class).orElseThrow();
        accounts = stores.find("", "v1", "serviceaccounts", ServiceAccount.class).orElseThrow();
        ServiceAccountKeys keys = ServiceAccountKeys.load(null, List.of(), dir.resolve("sa.key"));
        secretInformer = new Informer<>(secrets, "test", InformerOptions.DEFAULTS,
                ServiceAccountTokensController::tokenOnly);
        accountInformer = new Informer<>(accounts, "test", InformerOptions.DEFAULTS);
        controller = new ServiceAccountTokensController(secretInformer, accountInformer, secrets, accounts,
                Writes.PIPELINE, new LegacyServiceAccountTokens(keys), CA);
        authenticator = new LegacyTokenAuthenticator(keys, new StoredLegacyTokenLookup(stores, Writes.PIPELINE),
                Clock.systemUTC(), List.of("https://kubernetes.default.svc"));
        secretInformer.start();
        accountInformer.start();
        controller.start();
    }

    @AfterAll
    void stop() {
        controller.stop();
        Informer.closeAll(List.of(secretInformer, accountInformer), Informer.STOP_WAIT);
        storage.close();
    }

    @Test
    void aTokenSecretGetsATokenThatAuthenticatesAsItsAccountWhileBothExist() {
        ServiceAccount sa = Writes.create(accounts, NS, account("robot"));
        Writes.create(secrets, NS, tokenSecret("robot-token", "robot", null));
        Secret filled = await().atMost(Duration.ofSeconds(10)).until(() -> secrets.get(NS, "robot-token"),
                s -> s.getData() != null && s.getData().containsKey("token"));
        assertThat(decode(filled.getData().get("ca.crt"))).isEqualTo(CA);
        assertThat(decode(filled.getData().get("namespace"))).isEqualTo(NS);
        assertThat(filled.getMetadata().getAnnotations()).containsEntry("kubernetes.io/service-account.uid",
                sa.getMetadata().getUid());
        String token = decode(filled.getData().get("token"));

        UserInfo user = authenticator.authenticateToken(token, List.of()).orElseThrow();
        assertThat(user.name()).isEqualTo("system:serviceaccount:" + NS + ":robot");
        assertThat(user.uid()).isEqualTo(sa.getMetadata().getUid());
        assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:" + NS);
        await().atMost(Duration.ofSeconds(5)).until(() -> secrets.get(NS, "robot-token").getMetadata().getLabels(),
                l -> l != null && l.containsKey("kubernetes.io/legacy-token-last-used"));
        assertThat(authenticator.authenticate(token, List.of("vault", "https://kubernetes.default.svc"))
                .orElseThrow().audiences()).as("a legacy token is for the API audiences")
                .containsExactly("https://kubernetes.default.svc");
        assertThatThrownBy(() -> authenticator.authenticate(token, List.of("vault")))
                .isInstanceOf(BadCredentialsException.class).hasMessage("token audiences "
                        + "[\"https://kubernetes.default.svc\"] is invalid for the target audiences [\"vault\"]");
        assertThat(authenticator.authenticateToken("not-a-jwt", List.of())).isEmpty();
        assertThatThrownBy(() -> authenticator.authenticateToken(token.substring(0, token.length() - 4) + "AAAA",
                List.of())).as("a bad signature is refused, not anonymous").isInstanceOf(BadCredentialsException.class);

        Writes.update(secrets, NS, "robot-token", s -> {
            s.getMetadata().getLabels().put("kubernetes.io/legacy-token-invalid-since", "2026-01-01");
            return s;
        });
        assertThatThrownBy(() -> authenticator.authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessageContaining("marked invalid");

        Writes.delete(accounts, NS, "robot");
        assertThatThrownBy(() -> authenticator.authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> gone(secrets, "robot-token"));
    }

    @Test
    void aTokenSecretOfAMissingAccountOrAnotherUidIsDeleted() {
        Writes.create(secrets, NS, tokenSecret("nobody-token", "nobody", null));
        Writes.create(accounts, NS, account("other"));
        Writes.create(secrets, NS, tokenSecret("stale-token", "other", "an-old-uid"));
        await().atMost(Duration.ofSeconds(10)).until(() -> gone(secrets, "nobody-token") && gone(secrets, "stale-token"));
    }

    @Test
    void aDeletedSecretsTokenNoLongerAuthenticates() {
        Writes.create(accounts, NS, account("short"));
        Writes.create(secrets, NS, tokenSecret("short-token", "short", null));
        Secret filled = await().atMost(Duration.ofSeconds(10)).until(() -> secrets.get(NS, "short-token"),
                s -> s.getData() != null && s.getData().containsKey("token"));
        String token = decode(filled.getData().get("token"));
        assertThat(authenticator.authenticateToken(token, List.of())).isPresent();
        Writes.delete(secrets, NS, "short-token");
        assertThatThrownBy(() -> authenticator.authenticateToken(token, List.of()))
                .isInstanceOf(BadCredentialsException.class).hasMessage("Token has been invalidated");
    }

    private static ServiceAccount account(String name) {
        return new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private static Secret tokenSecret(String name, String account, String uid) {
        SecretBuilder b = new SecretBuilder().withNewMetadata().withName(name)
                .addToAnnotations("kubernetes.io/service-account.name", account).endMetadata()
                .withType("kubernetes.io/service-account-token");
        if (uid != null) {
            b.editMetadata().addToAnnotations("kubernetes.io/service-account.uid", uid).endMetadata();
        }
        return b.build();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static boolean gone(Store<Secret> store, String name) {
        try {
            store.get(NS, name);
            return false;
        } catch (StatusError e) {
            return e.code() == 404;
        }
    }
}
