package dev.kapi.apiserver.webhook;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * How a webhook's server is verified, as Go's TLS client verifies it for kube-apiserver: the chain must lead to
 * a certificate of {@code caBundle} (base64 of PEM certificates; the JVM's trust store without one) and the
 * leaf's subject alternative names must cover the expected server name (only SANs count, as in Go; a
 * {@code *.} wildcard covers one label). The server name is the URL's host, or {@code <name>.<namespace>.svc}
 * for a service reference, whatever address that service resolves to. Failures read as Go's:
 * {@code x509: certificate signed by unknown authority}, {@code x509: certificate is valid for a, b, not c}.
 */
public final class WebhookTrust {

    /** A caBundle that holds no certificate: kube's error when it builds the client. */
    static final String BAD_BUNDLE = "unable to load root certificates: unable to parse bytes as PEM block";

    private WebhookTrust() {
    }

    /**
     * @throws IllegalArgumentException with {@link #BAD_BUNDLE} when {@code caBundle} is not base64 of PEM
     *                                  certificates
     */
    static SSLContext context(String caBundle, String serverName) {
        return context(caBundle, serverName, null);
    }

    /**
     * The same verification, presenting {@code keys} (a client certificate, or null) when the server asks for one:
     * what a kubeconfig's cluster and user make (the audit webhook's).
     *
     * @throws IllegalArgumentException with {@link #BAD_BUNDLE} when {@code caBundle} is not base64 of PEM
     *                                  certificates
     */
    public static SSLContext context(String caBundle, String serverName, KeyManager[] keys) {
        try {
            X509TrustManager chain = chainTrust(caBundle);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, new TrustManager[]{new NameChecking(chain, serverName)}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(BAD_BUNDLE, e);
        }
    }

    private static X509TrustManager chainTrust(String caBundle) throws GeneralSecurityException, IOException {
        KeyStore store = null;
        if (caBundle != null && !caBundle.isEmpty()) {
            byte[] pem = Base64.getDecoder().decode(caBundle.trim());
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem));
            if (certs.isEmpty()) {
                throw new IOException("no certificates");
            }
            store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * A context that accepts any server certificate (a kubeconfig's {@code insecure-skip-tls-verify: true}),
     * presenting {@code keys} when asked.
     */
    public static SSLContext insecure(KeyManager[] keys) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, new TrustManager[]{new NameChecking(null, null)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Go's {@code HostnameError} text, or null when {@code leaf} is valid for {@code host}. */
    static String hostnameError(X509Certificate leaf, String host) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        dns.add((String) san.get(1));
                    } else if (Integer.valueOf(7).equals(san.get(0))) {
                        ips.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return "x509: " + e.getMessage();
        }
        InetAddress ip = ipLiteral(host);
        if (ip != null) {
            List<String> valid = new ArrayList<>();
            for (String s : ips) {
                InetAddress a = ipLiteral(s);
                if (a != null && a.equals(ip)) {
                    return null;
                }
                valid.add(a == null ? s : a.getHostAddress());
            }
            if (valid.isEmpty()) {
                return "x509: cannot validate certificate for " + host + " because it doesn't contain any IP SANs";
            }
            return "x509: certificate is valid for " + String.join(", ", valid) + ", not " + host;
        }
        for (String name : dns) {
            if (matches(name, host)) {
                return null;
            }
        }
        if (dns.isEmpty()) {
            return "x509: certificate is not valid for any names, but wanted to match " + host;
        }
        return "x509: certificate is valid for " + String.join(", ", dns) + ", not " + host;
    }

    /** Go's {@code matchHostnames}: case-insensitive, a leading {@code *} label matches exactly one label. */
    private static boolean matches(String pattern, String host) {
        String p = trimDot(pattern.toLowerCase(Locale.ROOT));
        String h = trimDot(host.toLowerCase(Locale.ROOT));
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        String[] pl = p.split("\\.", -1);
        String[] hl = h.split("\\.", -1);
        if (pl.length != hl.length) {
            return false;
        }
        for (int i = 0; i < pl.length; i++) {
            if (!(i == 0 && pl[i].equals("*")) && !pl[i].equals(hl[i])) {
                return false;
            }
        }
        return true;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The address of an IP literal (brackets allowed), or null for a host name; never looks a name up. */
    private static InetAddress ipLiteral(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        boolean v4 = t.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        if (!v4 && !t.contains(":")) { // a host name never has a colon; a literal is never looked up
            return null;
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Verifies the chain with the bundle's trust manager (without its own host check) and the leaf against the
     * expected name. Being an extended trust manager, JSSE leaves the name check to it. Without a chain trust
     * manager it verifies nothing ({@link #insecure}).
     */
    private static final class NameChecking extends X509ExtendedTrustManager {

        private final X509TrustManager chain;
        private final String serverName;

        NameChecking(X509TrustManager chain, String serverName) {
            this.chain = chain;
            this.serverName = serverName;
        }

        private void check(X509Certificate[] certs, String authType) throws CertificateException {
            if (chain == null) {
                return; // insecure-skip-tls-verify
            }
            try {
                chain.checkServerTrusted(certs, authType);
            } catch (CertificateExpiredException | CertificateNotYetValidException e) {
                throw new CertificateException("x509: certificate has expired or is not yet valid: " + e.getMessage(), e);
            } catch (CertificateException e) {
                throw new CertificateException("x509: certificate signed by unknown authority", e);
            }
            String error = hostnameError(certs[0], serverName);
            if (error != null) {
                throw new CertificateException(error);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            check(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            check(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            check(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a webhook client does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a webhook client does not accept clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("a webhook client does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain == null ? new X509Certificate[0] : chain.getAcceptedIssuers();
        }
    }
}
