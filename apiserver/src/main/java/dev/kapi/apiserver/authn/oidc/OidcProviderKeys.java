package dev.kapi.apiserver.authn.oidc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The signing keys of an OIDC issuer: read from the {@code jwks_uri} of its discovery document
 * ({@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must be the configured one),
 * cached, and fetched again when a token names a key id the cache does not have (at most every
 * {@value #MIN_REFRESH_SECONDS} seconds, so unknown ids cannot flood the provider).
 */
public final class OidcProviderKeys {

    static final long MIN_REFRESH_SECONDS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String issuerUrl;
    private final String discoveryUrl;
    private final HttpClient http;
    private final Clock clock;
    private final java.util.concurrent.locks.ReentrantLock fetching = new java.util.concurrent.locks.ReentrantLock();
    private volatile JWKSet keys;
    private Instant lastFetch = Instant.MIN;
    private String lastFailure = "";

    public OidcProviderKeys(String issuerUrl, HttpClient http, Clock clock) {
        this(issuerUrl, "", http, clock);
    }

    /**
     * @param discoveryUrl where the discovery document is read ("": {@code <issuer>/.well-known/openid-configuration});
     *                     its {@code issuer} must be {@code issuerUrl} either way
     */
    public OidcProviderKeys(String issuerUrl, String discoveryUrl, HttpClient http, Clock clock) {
        this.issuerUrl = issuerUrl;
        this.discoveryUrl = discoveryUrl == null || discoveryUrl.isEmpty()
                ? issuerUrl.replaceAll("/+$", "") + "/.well-known/openid-configuration" : discoveryUrl;
        this.http = http;
        this.clock = clock;
    }

    /** An HTTP client trusting the certificates in {@code caFile} (null: the JVM's trust store). */
    public static HttpClient httpClient(Path caFile) {
        HttpClient.Builder b = builder();
        if (caFile != null) {
            try (InputStream in = Files.newInputStream(caFile)) {
                b.sslContext(trusting(in, "--oidc-ca-file " + caFile));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --oidc-ca-file " + caFile, e);
            }
        }
        return b.build();
    }

    /** An HTTP client trusting the certificates of a PEM bundle ("": the JVM's trust store). */
    public static HttpClient httpClientTrusting(String caPem) {
        HttpClient.Builder b = builder();
        if (caPem != null && !caPem.isEmpty()) {
            try (InputStream in = new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))) {
                b.sslContext(trusting(in, "certificateAuthority"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b.build();
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL);
    }

    private static SSLContext trusting(InputStream in, String what) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("invalid " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The keys that may have signed a token with this key id (null: every key), fetching them again when the
     * id is unknown. Fails with {@link IllegalStateException} when the provider cannot be read. One thread fetches at
     * a time, at most every {@value #MIN_REFRESH_SECONDS} seconds, failed fetches included; the others do not wait for
     * it: they go on with the keys already read, or fail at once while there are none (kube's "not initialized").
     */
    public List<JWK> keysFor(String keyId) {
        JWKSet current = keys;
        if (current == null || (keyId != null && current.getKeyByKeyId(keyId) == null)) {
            current = refresh(current);
        }
        if (keyId == null) {
            return current.getKeys();
        }
        JWK key = current.getKeyByKeyId(keyId);
        return key == null ? List.of() : List.of(key);
    }

    private JWKSet refresh(JWKSet seen) {
        if (!fetching.tryLock()) {
            if (seen == null) {
                throw new IllegalStateException("oidc: the keys of " + issuerUrl + " are being read");
            }
            return seen;
        }
        try {
            if (keys != seen) {
                return keys;
            }
            if (clock.instant().isBefore(lastFetch.plusSeconds(MIN_REFRESH_SECONDS))) {
                if (keys == null) {
                    throw new IllegalStateException(lastFailure);
                }
                return keys;
            }
            lastFetch = clock.instant();
            try {
                keys = fetch();
                return keys;
            } catch (RuntimeException e) {
                lastFailure = e instanceof IllegalStateException ? e.getMessage()
                        : "oidc: cannot read the keys of " + issuerUrl + ": " + e;
                throw new IllegalStateException(lastFailure, e);
            }
        } finally {
            fetching.unlock();
        }
    }

    private JWKSet fetch() {
        Map<String, Object> discovery = getJson(discoveryUrl);
        Object issuer = discovery.get("issuer");
        if (!issuerUrl.equals(issuer)) {
            throw new IllegalStateException("oidc: issuer did not match the issuer returned by provider, expected \""
                    + issuerUrl + "\" got \"" + issuer + "\"");
        }
        Object jwksUri = discovery.get("jwks_uri");
        if (!(jwksUri instanceof String uri) || uri.isEmpty()) {
            throw new IllegalStateException("oidc: the discovery document of " + issuerUrl + " has no jwks_uri");
        }
        try {
            return JWKSet.parse(getJson(uri));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("oidc: invalid JWKS at " + uri + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> getJson(String url) {
        try {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("oidc: GET " + url + " answered " + res.statusCode());
            }
            return JSONObjectUtils.parse(res.body());
        } catch (IOException | java.text.ParseException e) {
            throw new IllegalStateException("oidc: cannot read " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("oidc: interrupted reading " + url, e);
        }
    }
}
