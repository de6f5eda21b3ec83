package dev.kapi.apiserver.authn;

import javax.security.auth.x500.X500Principal;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Finds a path from a client's leaf certificate to one of a set of CAs as Go's {@code x509.Verify} with
 * client-auth usage finds one: through the certificates the client sent, in any order (extra ones ignored),
 * trying every CA and every sent certificate that bears the name the path needs (a CA renewed with the same key,
 * a cross-signed one, a duplicate intermediate), each path validated with its signatures (none SHA-1, MD5 or DSA)
 * and validity, the CA valid too and its own path length applied, and no certificate of the path, the CA
 * included, restricted to other usages than client authentication. The
 * search is bounded: at most {@link #MAX_SENT} certificates sent, {@link #MAX_ATTEMPTS} path validations and
 * {@link #MAX_STEPS} partial paths.
 */
final class ClientChainPath {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";
    /** The most certificates a client may send (the JDK takes at most 10 from a client by default). */
    static final int MAX_SENT = 10;
    /** The most paths validated for one chain (Go stops after 100 signature checks). */
    static final int MAX_ATTEMPTS = 100;
    /** The most partial paths looked at for one chain (sent certificates of one name could be ordered 9! ways). */
    static final int MAX_STEPS = 1_000;

    static final String UNKNOWN_AUTHORITY = "x509: certificate signed by unknown authority";
    static final String EXPIRED = "x509: certificate has expired or is not yet valid";
    static final String INCOMPATIBLE_USAGE = "x509: certificate specifies an incompatible key usage";
    static final String INSECURE_ALGORITHM = "x509: cannot verify signature: insecure algorithm";

    private final List<X509Certificate> cas;

    ClientChainPath(List<X509Certificate> cas) {
        this.cas = List.copyOf(cas);
    }

    /** The verified path at {@code now}, leaf first and the CA last; a bad credential when there is none. */
    List<X509Certificate> find(X509Certificate[] chain, long now) {
        if (chain.length > MAX_SENT) {
            throw bad(UNKNOWN_AUTHORITY);
        }
        if (!forClients(chain[0])) {
            throw bad(INCOMPATIBLE_USAGE);
        }
        Search search = new Search(Arrays.asList(chain), new Date(now));
        List<X509Certificate> path = search.from(new ArrayList<>(List.of(chain[0])));
        if (path == null) {
            throw bad(search.failure);
        }
        return path;
    }

    /** One search: the certificates sent, the time, the validations left and why the last attempts failed. */
    private final class Search {
        private final List<X509Certificate> sent;
        private final Date at;
        private int attempts;
        private int steps;
        private String failure = UNKNOWN_AUTHORITY;

        Search(List<X509Certificate> sent, Date at) {
            this.sent = sent;
            this.at = at;
        }

        /** A verified path extending {@code path} (depth first), or null. */
        List<X509Certificate> from(List<X509Certificate> path) {
            if (++steps > MAX_STEPS) {
                attempts = MAX_ATTEMPTS; // ends the search
                return null;
            }
            X500Principal issuer = path.getLast().getIssuerX500Principal();
            for (X509Certificate ca : cas) {
                if (ca.getSubjectX500Principal().equals(issuer) && usable(ca)) {
                    if (attempts++ >= MAX_ATTEMPTS) {
                        return null;
                    }
                    if (validates(path, ca)) {
                        List<X509Certificate> verified = new ArrayList<>(path);
                        verified.add(ca);
                        return verified;
                    }
                }
            }
            for (X509Certificate next : sent) {
                if (path.size() < MAX_SENT && !path.contains(next) && next.getSubjectX500Principal().equals(issuer)) {
                    if (!forClients(next)) {
                        failure = INCOMPATIBLE_USAGE;
                        continue;
                    }
                    path.add(next);
                    List<X509Certificate> found = from(path);
                    path.removeLast();
                    if (found != null || attempts >= MAX_ATTEMPTS) {
                        return found;
                    }
                }
            }
            return null;
        }

        /** A CA valid now and not restricted to other usages; the reason noted when it is not. */
        private boolean usable(X509Certificate ca) {
            if (!forClients(ca)) {
                failure = INCOMPATIBLE_USAGE;
                return false;
            }
            try {
                ca.checkValidity(at); // Go checks the CA's validity too; PKIX trusts an anchor as it is
                return true;
            } catch (GeneralSecurityException e) {
                failure = EXPIRED;
                return false;
            }
        }

        /**
         * Whether {@code path} validates up to {@code ca}: signatures (none of them SHA-1, MD5 or DSA, which Go
         * refuses), validity, the CA's path length (PKIX leaves an anchor's own limits out) and the intermediates'
         * constraints. The CA's own name constraints are not applied (the JDK's PKIX does not support them on an
         * anchor); an intermediate's are.
         */
        private boolean validates(List<X509Certificate> path, X509Certificate ca) {
            int pathLength = ca.getBasicConstraints();
            if (pathLength >= 0 && path.size() - 1 > pathLength) {
                return false; // more intermediates than the CA allows below it
            }
            if (path.stream().anyMatch(c -> insecure(c.getSigAlgName()))) {
                failure = INSECURE_ALGORITHM;
                return false;
            }
            try {
                PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
                params.setRevocationEnabled(false);
                params.setDate(at);
                CertPathValidator.getInstance("PKIX")
                        .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
                return true;
            } catch (CertPathValidatorException e) {
                if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    failure = EXPIRED;
                } else if (e.getReason() == PKIXReason.INVALID_KEY_USAGE) {
                    failure = INCOMPATIBLE_USAGE;
                }
                return false;
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }
    }

    /** Signature algorithms Go's {@code x509} refuses to verify with (SHA-1 and MD5 since Go 1.18, DSA always). */
    static boolean insecure(String sigAlgName) {
        String name = sigAlgName.toUpperCase(java.util.Locale.ROOT);
        return name.contains("SHA1") || name.contains("MD5") || name.contains("MD2") || name.endsWith("WITHDSA");
    }

    /** Whether {@code cert} may serve client authentication: no extended key usage, client auth, or any. */
    static boolean forClients(X509Certificate cert) {
        try {
            List<String> usages = cert.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH) || usages.contains(ANY_USAGE);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static TokenAuthenticator.BadCredentialsException bad(String message) {
        return new TokenAuthenticator.BadCredentialsException(message);
    }
}
