package dev.kapi.apiserver.storage.etcd3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.testing.EtcdTlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The probe's path for an etcd that speaks only TLS 1.3 (etcd 3.5's {@code --tls-min-version=TLS1.3}; the
 * etcd 3.4 of the tests cannot be told so): a TLS 1.3-only server that requires client certificates, made
 * with the JDK, stands in for etcd's listener. In TLS 1.3 a refused client certificate is only told after
 * the handshake, which the probe reads by sending {@code GET /version}.
 */
class EtcdTlsProbeTls13Test {

    private static final EtcdTlsFiles PKI = EtcdTlsFiles.generateTemp();

    @Test
    void aGoodClientCertificatePasses() throws Exception {
        try (SSLServerSocket server = tls13Server()) {
            Thread.ofVirtual().start(() -> serve(server));
            EtcdTls tls = new EtcdTls(List.of(PKI.ca().certificate()), List.of(PKI.client().certificate()),
                    PKI.client().key());
            assertThat(EtcdTlsProbe.failure(List.of(url(server)), tls)).isEmpty();
        }
    }

    @Test
    void noClientCertificateIsToldAfterTheHandshake() throws Exception {
        try (SSLServerSocket server = tls13Server()) {
            Thread.ofVirtual().start(() -> serve(server));
            EtcdTls tls = new EtcdTls(List.of(PKI.ca().certificate()), null, null);
            assertThat(EtcdTlsProbe.failure(List.of(url(server)), tls)).hasValueSatisfying(f -> assertThat(f)
                    .startsWith("etcd at " + url(server) + " requires a client certificate and none is configured ("));
        }
    }

    private static String url(SSLServerSocket server) {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    private static SSLServerSocket tls13Server() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", PKI.server().key(), "pw".toCharArray(),
                new X509Certificate[] {PKI.server().certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "pw".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PKI.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        server.setNeedClientAuth(true);
        return server;
    }

    /** Answers every request line with 200, as etcd's /version does; a refused handshake ends the connection. */
    private static void serve(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (SSLSocket client = (SSLSocket) server.accept()) {
                InputStream in = client.getInputStream();
                in.read();
                client.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException closedOrRefused) {
                // next connection
            }
        }
    }
}
