package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
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
 * Client certificate chains checked against one set of CAs, as kube's x509 verifier checks them (see
 * {@link #verify}). What {@code read} takes from a chain
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
    private final Set<X500Principal> anchorNames;
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
        List<X509Certificate> path = verify(chain, now);
        T value = read.apply(chain);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(key, new Verified<>(value, path.stream().mapToLong(c -> c.getNotBefore().getTime()).max()
                .orElseThrow(), path.stream().mapToLong(c -> c.getNotAfter().getTime()).min().orElseThrow()));
        return value;
    }

    /**
     * Verifies {@code chain} at {@code now} as Go's {@code x509.Verify} with client-auth usage does: a path from
     * the leaf through the certificates sent (in any order, extra ones ignored) to one of the CAs, every
     * certificate of it and the CA valid at {@code now}, and none of them restricted to other usages than client
     * authentication. Returns the path with the CA last; a bad credential when there is none.
     */
    private List<X509Certificate> verify(X509Certificate[] chain, long now) {
        try {
            List<X509Certificate> path = pathToCa(chain);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(new Date(now));
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            path.add(result.getTrustAnchor().getTrustedCert());
            for (X509Certificate c : path) {
                List<String> usages = c.getExtendedKeyUsage();
                if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                    throw new TokenAuthenticator.BadCredentialsException(
                            "x509: certificate specifies an incompatible key usage");
                }
            }
            path.getLast().checkValidity(new Date(now)); // Go checks the CA's validity too; PKIX trusts it as it is
            return path;
        } catch (CertificateParsingException e) {
            throw new TokenAuthenticator.BadCredentialsException("x509: " + e.getMessage());
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new TokenAuthenticator.BadCredentialsException("x509: certificate has expired or is not yet valid");
        } catch (GeneralSecurityException e) {
            throw new TokenAuthenticator.BadCredentialsException("x509: certificate signed by unknown authority");
        }
    }

    /**
     * The leaf, then each certificate sent whose subject is the previous one's issuer, until one is issued by a
     * CA by name (PKIX then checks the signatures and finds the CA by key). Certificates sent that the path does
     * not need (a root appended, an unrelated one) are left out.
     */
    private List<X509Certificate> pathToCa(X509Certificate[] chain) throws GeneralSecurityException {
        List<X509Certificate> path = new ArrayList<>(List.of(chain[0]));
        while (!anchorNames.contains(path.getLast().getIssuerX500Principal())) {
            X500Principal issuer = path.getLast().getIssuerX500Principal();
            X509Certificate next = Arrays.stream(chain).filter(c -> !path.contains(c))
                    .filter(c -> c.getSubjectX500Principal().equals(issuer)).findFirst().orElse(null);
            if (next == null) {
                throw new GeneralSecurityException("no path to a CA");
            }
            path.add(next);
        }
        return path;
    }
}
