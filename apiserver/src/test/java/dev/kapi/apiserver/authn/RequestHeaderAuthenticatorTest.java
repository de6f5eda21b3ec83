package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.server.tls.Certificates;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kube's front-proxy authenticator: the headers are believed only from a client certificate of the front-proxy
 * CA with an allowed CN; a user's own certificate, or none, never makes them count.
 */
class RequestHeaderAuthenticatorTest {

    static final Certificates.Issued FRONT_CA = Certificates.selfSignedCa("front-proxy-ca", Duration.ofDays(2));
    static final Certificates.Issued CLIENT_CA = Certificates.selfSignedCa("client-ca", Duration.ofDays(2));
    static final X509Certificate PROXY = Certificates.client(FRONT_CA, "front-proxy-client", List.of(),
            Duration.ofHours(1)).certificate();
    static final RequestHeaderAuthenticator.Settings KUBEADM = new RequestHeaderAuthenticator.Settings(
            List.of(FRONT_CA.certificate()), List.of("front-proxy-client"), List.of("X-Remote-User"),
            List.of("X-Remote-Group"), List.of("X-Remote-Extra-"));

    static MockHttpServletRequest request(X509Certificate cert) {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api");
        if (cert != null) {
            req.setAttribute(X509Authenticator.CERTIFICATES_ATTRIBUTE, new X509Certificate[] {cert});
        }
        return req;
    }

    @Test
    void theProxysHeadersNameTheUserTheGroupsAndTheExtras() {
        MockHttpServletRequest req = request(PROXY);
        req.addHeader("x-remote-user", "alice");
        req.addHeader("X-Remote-Group", "devs");
        req.addHeader("X-Remote-Group", "");
        req.addHeader("X-Remote-Group", "a,b");
        req.addHeader("X-Remote-Extra-Scopes", "openid");
        req.addHeader("x-remote-extra-scopes", "profile");
        req.addHeader("X-Remote-Extra-Acme.com%2Fproject", "kapi");
        req.addHeader("X-Remote-Extra-Bad%zz", "kept");
        req.addHeader("X-Remote-Extra-Plus+Sign", "p");

        Optional<UserInfo> user = new RequestHeaderAuthenticator(KUBEADM).authenticate(req);

        assertThat(user).hasValueSatisfying(u -> {
            assertThat(u.name()).isEqualTo("alice");
            // Go takes each header line as one value: a comma does not split it; empty values are dropped
            assertThat(u.groups()).containsExactly("devs", "a,b");
            assertThat(u.extra()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "scopes", List.of("openid", "profile"),
                    "acme.com/project", List.of("kapi"),
                    "bad%zz", List.of("kept"),
                    "plus+sign", List.of("p")));
        });
    }

    @Test
    void theFirstUsernameHeaderWithAValueWins() {
        RequestHeaderAuthenticator.Settings two = new RequestHeaderAuthenticator.Settings(
                List.of(FRONT_CA.certificate()), List.of(), List.of("X-Remote-User", "X-Other-User"), List.of(),
                List.of());
        MockHttpServletRequest req = request(PROXY);
        req.addHeader("X-Remote-User", "");
        req.addHeader("X-Other-User", "bob");
        assertThat(new RequestHeaderAuthenticator(two).authenticate(req).map(UserInfo::name)).contains("bob");
    }

    @Test
    void withoutACertificateOrAUserHeaderTheRequestIsNotTheProxys() {
        MockHttpServletRequest noCert = request(null);
        noCert.addHeader("X-Remote-User", "admin");
        noCert.addHeader("X-Remote-Group", "system:masters");
        assertThat(new RequestHeaderAuthenticator(KUBEADM).authenticate(noCert)).isEmpty();

        MockHttpServletRequest noUser = request(PROXY);
        noUser.addHeader("X-Remote-Group", "system:masters");
        assertThat(new RequestHeaderAuthenticator(KUBEADM).authenticate(noUser)).isEmpty();
    }

    @Test
    void aUsersCertificateOrOneNotForClientsIsNotAProxys() {
        X509Certificate user = Certificates.client(CLIENT_CA, "front-proxy-client", List.of(), Duration.ofHours(1))
                .certificate();
        X509Certificate serving = Certificates.serving(FRONT_CA, "front-proxy-client", List.of("localhost"),
                Duration.ofHours(1)).certificate();
        for (X509Certificate cert : List.of(user, serving, CLIENT_CA.certificate())) {
            MockHttpServletRequest req = request(cert);
            req.addHeader("X-Remote-User", "admin");
            assertThatThrownBy(() -> new RequestHeaderAuthenticator(KUBEADM).authenticate(req))
                    .isInstanceOf(TokenAuthenticator.BadCredentialsException.class)
                    .hasMessageStartingWith("x509: ");
        }
    }

    @Test
    void onlyTheAllowedNamesMayProxyAndAnyMayWhenNoneAreGiven() {
        X509Certificate other = Certificates.client(FRONT_CA, "someone-else", List.of(), Duration.ofHours(1))
                .certificate();
        MockHttpServletRequest req = request(other);
        req.addHeader("X-Remote-User", "admin");
        assertThatThrownBy(() -> new RequestHeaderAuthenticator(KUBEADM).authenticate(req))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class)
                .hasMessage("x509: subject with cn=someone-else is not in the allowed list");

        RequestHeaderAuthenticator anyName = new RequestHeaderAuthenticator(new RequestHeaderAuthenticator.Settings(
                KUBEADM.cas(), List.of(), KUBEADM.usernameHeaders(), KUBEADM.groupHeaders(),
                KUBEADM.extraHeaderPrefixes()));
        assertThat(anyName.authenticate(req).map(UserInfo::name)).contains("admin");
    }

    /** Go reads a subject's last CN; a certificate naming the allowed proxy first and another last is not it. */
    @Test
    void theCommonNameIsTheSubjectsLastAsGoReadsIt() {
        X509Certificate allowedLast = twoCommonNames("someone-else", "front-proxy-client");
        X509Certificate allowedFirst = twoCommonNames("front-proxy-client", "someone-else");
        MockHttpServletRequest last = request(allowedLast);
        last.addHeader("X-Remote-User", "alice");
        assertThat(new RequestHeaderAuthenticator(KUBEADM).authenticate(last).map(UserInfo::name)).contains("alice");
        MockHttpServletRequest first = request(allowedFirst);
        first.addHeader("X-Remote-User", "alice");
        assertThatThrownBy(() -> new RequestHeaderAuthenticator(KUBEADM).authenticate(first))
                .hasMessage("x509: subject with cn=someone-else is not in the allowed list");
        // the same reading names a user of a client certificate
        assertThat(new X509Authenticator(List.of(FRONT_CA.certificate())).authenticate(request(allowedFirst))
                .map(UserInfo::name)).contains("someone-else");
    }

    @Test
    void aRememberedProxyCertificateStopsCountingOnceExpired() {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        RequestHeaderAuthenticator authenticator = new RequestHeaderAuthenticator(KUBEADM, now::get);
        MockHttpServletRequest req = request(PROXY);
        req.addHeader("X-Remote-User", "alice");
        assertThat(authenticator.authenticate(req)).isPresent();
        now.addAndGet(Duration.ofHours(2).toMillis());
        assertThatThrownBy(() -> authenticator.authenticate(req))
                .isInstanceOf(TokenAuthenticator.BadCredentialsException.class);
    }

    /**
     * As kube's {@code ClearAuthenticationHeaders}: once the proxy's headers named the user, later stages see the
     * request without them (other headers stay); a request whose user a token named keeps them.
     */
    @Test
    void laterStagesNeverSeeTheHeadersThatNamedTheUser() throws Exception {
        RequestAuthenticationFilter filter = new RequestAuthenticationFilter(List.of(
                new RequestHeaderAuthenticator(KUBEADM),
                new BearerTokenAuthenticator(() -> List.of(StaticTokenFile.parse("good,bob,7\n")))), true,
                (request, response, e) -> response.sendError(401));
        MockHttpServletRequest proxied = request(PROXY);
        proxied.addHeader("X-Remote-User", "alice");
        proxied.addHeader("x-remote-group", "devs");
        proxied.addHeader("X-Remote-Extra-Scopes", "openid");
        proxied.addHeader("Accept", "application/json");
        org.springframework.mock.web.MockFilterChain chain = new org.springframework.mock.web.MockFilterChain();
        filter.doFilter(proxied, new org.springframework.mock.web.MockHttpServletResponse(), chain);
        jakarta.servlet.http.HttpServletRequest seen = (jakarta.servlet.http.HttpServletRequest) chain.getRequest();
        assertThat(((UserInfo) seen.getAttribute(UserInfo.ATTRIBUTE)).name()).isEqualTo("alice");
        assertThat(seen.getHeader("x-remote-user")).isNull();
        assertThat(seen.getHeaders("X-Remote-Group").hasMoreElements()).isFalse();
        assertThat(seen.getHeader("X-REMOTE-EXTRA-SCOPES")).isNull();
        assertThat(java.util.Collections.list(seen.getHeaderNames())).containsExactly("Accept");
        assertThat(seen.getHeader("Accept")).isEqualTo("application/json");

        MockHttpServletRequest byToken = request(null);
        byToken.addHeader("Authorization", "Bearer good");
        byToken.addHeader("X-Remote-User", "alice");
        chain = new org.springframework.mock.web.MockFilterChain();
        filter.doFilter(byToken, new org.springframework.mock.web.MockHttpServletResponse(), chain);
        seen = (jakarta.servlet.http.HttpServletRequest) chain.getRequest();
        assertThat(((UserInfo) seen.getAttribute(UserInfo.ATTRIBUTE)).name()).isEqualTo("bob");
        assertThat(seen.getHeader("X-Remote-User")).isEqualTo("alice");
        org.springframework.security.core.context.SecurityContextHolder.clearContext();
    }

    @Test
    void settingsNeedACertificate() {
        assertThatThrownBy(() -> new RequestHeaderAuthenticator.Settings(List.of(), List.of(), List.of("X-Remote-User"),
                List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static X509Certificate twoCommonNames(String first, String last) {
        try {
            KeyPair keys = Certificates.newKeyPair();
            Instant now = Instant.now();
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            subject.addRDN(BCStyle.CN, first);
            subject.addRDN(BCStyle.CN, last);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(FRONT_CA.certificate(),
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
                    Date.from(now.plusSeconds(3600)), subject.build(), keys.getPublic());
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            return new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder(FRONT_CA.key().getAlgorithm().equals("RSA") ? "SHA256withRSA"
                            : "SHA256withECDSA").build(FRONT_CA.key())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
