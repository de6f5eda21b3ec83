package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Client certificate chains checked against one set of CAs, as kube's x509 verifier checks them: the chain must
 * lead to one of the CAs and its leaf must allow client authentication. What {@code read} takes from a chain
 * that verified (a user, a proxy's name) is remembered with the time window in which every certificate of the
 * chain is valid: within it the same chain gives the same value without a second path validation (the CAs
 * never change for an instance); outside it, it is validated again. Failures, of the chain or of
 * {@code read}, are never remembered.
 *
 * @param <T> what is read from a verified chain
 */
final class VerifiedChains<T> {

    /** Where the servlet container leaves the client's chain. */
    static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";
    /** At most this many verified chains are remembered; beyond it the memory starts over. */
    static final int MAX_REMEMBERED = 1024;

    private final Set<TrustAnchor> anchors;
    private final Set<javax.security.auth.x500.X500Principal> anchorNames;
    private final LongSupplier clock;
    private final Function<X509Certificate[], T> read;
    private final Map<List<X509Certificate>, Verified<T>> verified = new ConcurrentHashMap<>();

    private record Verified<T>(T value, long notBefore, long notAfter) {
    }

    /** Chains of {@code cas}, validated at {@code clock}'s time (epoch ms), each read once by {@code read}. */
    VerifiedChains(List<X509Certificate> cas, LongSupplier clock, Function<X509Certificate[], T> read) {
        this.anchors = cas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
        this.anchorNames = cas.stream().map(X509Certificate::getSubjectX500Principal).collect(Collectors.toSet());
        this.clock = clock;
        this.read = read;
    }

    /** The client's chain, leaf first; null when the request came without one. */
    static X509Certificate[] chainOf(HttpServletRequest request) {
        return request.getAttribute(CERTIFICATES_ATTRIBUTE) instanceof X509Certificate[] chain && chain.length > 0
                ? chain : null;
    }

    /** The leaf's common name as Go's {@code pkix.Name} has it (its last CN attribute); "" when it has none. */
    static String commonName(X509Certificate leaf) {
        List<String> cn = SubjectNames.values(X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()),
                BCStyle.CN);
        return cn.isEmpty() ? "" : cn.getLast();
    }

    /** What {@code read} gives for {@code chain} once it verified; a bad credential when it does not. */
    T verified(X509Certificate[] chain) {
        List<X509Certificate> key = Arrays.asList(chain.clone());
        long now = clock.getAsLong();
        Verified<T> known = verified.get(key);
        if (known != null && now >= known.notBefore() && now <= known.notAfter()) {
            return known.value();
        }
        verify(chain, now);
        T value = read.apply(chain);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(key, new Verified<>(value, Arrays.stream(chain).mapToLong(c -> c.getNotBefore().getTime())
                .max().orElseThrow(), Arrays.stream(chain).mapToLong(c -> c.getNotAfter().getTime()).min().orElseThrow()));
        return value;
    }

    private void verify(X509Certificate[] chain, long now) {
        try {
            List<String> usages = chain[0].getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                throw new TokenAuthenticator.BadCredentialsException("x509: certificate not for client authentication");
            }
            if (Arrays.stream(chain).noneMatch(c -> anchorNames.contains(c.getIssuerX500Principal()))) {
                throw new GeneralSecurityException("no certificate of the chain names one of the CAs as its issuer");
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(new Date(now));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain)), params);
        } catch (CertificateParsingException e) {
            throw new TokenAuthenticator.BadCredentialsException("x509: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new TokenAuthenticator.BadCredentialsException("x509: certificate signed by unknown authority");
        }
    }
}
