package dev.kapi.apiserver.server.tls;

import javax.net.ssl.X509TrustManager;
import java.security.cert.X509Certificate;

/**
 * The TLS layer's trust manager for client certificates: it lets every certificate through the handshake,
 * so that the authentication stage ({@code authn/X509Authenticator}, which verifies the chain against the
 * client CAs) decides, and a certificate from another CA gets kube-apiserver's 401 instead of a broken
 * handshake. Server certificates are never checked with it. {@code TlsConfig} puts it in the serving TLS context.
 */
public final class AnyClientCertificateTrustManager implements X509TrustManager {

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // verified by the authentication stage
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("only used for client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
