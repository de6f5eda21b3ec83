package dev.kapi.apiserver.storage.etcd3;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * How an {@link EtcdStorage} speaks TLS to etcd, as etcd's Go client does for kube-apiserver: it verifies
 * etcd's serving certificate against {@code trustedCas} (empty: the JVM's trust store, as Go uses the
 * system roots) and the host name or IP of the endpoint, and presents {@code clientChain} (leaf first)
 * with {@code clientKey} when etcd asks for a client certificate (both null: none).
 */
public record EtcdTls(List<X509Certificate> trustedCas, List<X509Certificate> clientChain, PrivateKey clientKey) {

    private static final char[] KEY_PASSWORD = "in-memory".toCharArray();

    public EtcdTls {
        trustedCas = trustedCas == null ? List.of() : List.copyOf(trustedCas);
        clientChain = clientChain == null ? null : List.copyOf(clientChain);
        if ((clientChain == null) != (clientKey == null)) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
        }
    }

    /** TLS trusting the JVM's trust store, without a client certificate (an {@code https://} endpoint alone). */
    public static EtcdTls systemTrust() {
        return new EtcdTls(List.of(), null, null);
    }

    /** The same trust and client certificate as a JDK TLS context (for {@link EtcdTlsProbe}). */
    SSLContext jdkContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trustedCas.isEmpty()) {
                trust.init((KeyStore) null);
            } else {
                KeyStore cas = emptyKeyStore();
                for (int i = 0; i < trustedCas.size(); i++) {
                    cas.setCertificateEntry("ca-" + i, trustedCas.get(i));
                }
                trust.init(cas);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore client = emptyKeyStore();
            if (clientKey != null) {
                client.setKeyEntry("client", clientKey, KEY_PASSWORD, clientChain.toArray(X509Certificate[]::new));
            }
            keys.init(client, KEY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the etcd client TLS material: " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    /** Netty's TLS context for gRPC (HTTP/2 by ALPN) with this trust and client certificate. */
    SslContext sslContext() {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (!trustedCas.isEmpty()) {
            builder.trustManager(trustedCas.toArray(X509Certificate[]::new));
        }
        if (clientKey != null) {
            builder.keyManager(clientKey, clientChain.toArray(X509Certificate[]::new));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot use the etcd client TLS material: " + e.getMessage(), e);
        }
    }
}
