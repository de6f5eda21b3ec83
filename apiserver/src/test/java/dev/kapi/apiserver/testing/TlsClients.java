package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * HTTPS clients for tests against a Kapi server: trust Kapi's CA ({@code <data-dir>/pki/ca.crt}) and
 * optionally present a client certificate.
 */
public final class TlsClients {

    private TlsClients() {
    }

    /** Kapi's CA with its key, as the server generated it in {@code dataDir}. */
    public static Certificates.Issued ca(Path dataDir) {
        try {
            return new Certificates.Issued(Pem.readCertificates(dataDir.resolve("pki/ca.crt")).getFirst(),
                    Pem.readPrivateKey(dataDir.resolve("pki/ca.key")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client certificate for {@code user} in {@code groups}, signed by {@code ca}. */
    public static Certificates.Issued clientCert(Certificates.Issued ca, String user, String... groups) {
        return Certificates.client(ca, user, List.of(groups), Duration.ofHours(1));
    }

    /** An HTTP client trusting {@code trusted}, presenting {@code client} (null = no certificate). */
    public static HttpClient httpClient(X509Certificate trusted, Certificates.Issued client) {
        return HttpClient.newBuilder().sslContext(sslContext(trusted, client))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static SSLContext sslContext(X509Certificate trusted, Certificates.Issued client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trusted);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            if (client != null) {
                keys.setKeyEntry("client", client.key(), "pw".toCharArray(),
                        new X509Certificate[]{client.certificate()});
            }
            kmf.init(keys, "pw".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            X509KeyManager keyManager = (X509KeyManager) kmf.getKeyManagers()[0];
            ctx.init(new KeyManager[]{client == null ? keyManager : new AlwaysPresent(keyManager)},
                    tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Presents the client certificate whatever CAs the server names (so a foreign certificate is sent too). */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509KeyManager keys;

        AlwaysPresent(X509KeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, javax.net.ssl.SSLEngine engine) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[]{"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }
}
