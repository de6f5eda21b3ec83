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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Client certificates ({@code --client-ca-file} plus Kapi's own CA): the certificate must chain to a trusted
 * CA and allow client authentication; its CN is the user name and each O a group. A request without a client
 * certificate is not ours; a certificate that does not verify is a bad credential (401).
 *
 * <p>A client sends the same chain on every request of a connection, so a chain that verified is remembered
 * with the user it names and the time window in which every certificate of it is valid: within that window
 * the same chain names the same user without a second path validation (the trusted CAs never change for an
 * instance); outside it, it is validated again. Failures are never remembered.
 */
public final class X509Authenticator implements Authenticator {

    /** Where the servlet container leaves the verified client chain. */
    public static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    /** At most this many verified chains are remembered; beyond it the memory starts over. */
    static final int MAX_REMEMBERED = 1024;

    private final Set<TrustAnchor> anchors;
    private final LongSupplier clock;
    private final Map<List<X509Certificate>, Verified> verified = new ConcurrentHashMap<>();

    /** A chain that verified: the user it names, valid from {@code notBefore} to {@code notAfter} (epoch ms). */
    private record Verified(UserInfo user, long notBefore, long notAfter) {
    }

    public X509Authenticator(List<X509Certificate> clientCas) {
        this(clientCas, System::currentTimeMillis);
    }

    /** With {@code clock} (epoch milliseconds) as the time certificates are validated at. */
    X509Authenticator(List<X509Certificate> clientCas, LongSupplier clock) {
        this.anchors = clientCas.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
        this.clock = clock;
    }

    @Override
    public Optional<UserInfo> authenticate(HttpServletRequest request) {
        if (!(request.getAttribute(CERTIFICATES_ATTRIBUTE) instanceof X509Certificate[] chain) || chain.length == 0) {
            return Optional.empty();
        }
        List<X509Certificate> key = Arrays.asList(chain.clone());
        long now = clock.getAsLong();
        Verified known = verified.get(key);
        if (known != null && now >= known.notBefore() && now <= known.notAfter()) {
            return Optional.of(known.user());
        }
        UserInfo user = verifiedUser(chain, now);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(key, new Verified(user, Arrays.stream(chain).mapToLong(c -> c.getNotBefore().getTime()).max()
                .orElseThrow(), Arrays.stream(chain).mapToLong(c -> c.getNotAfter().getTime()).min().orElseThrow()));
        return Optional.of(user);
    }

    /** Validates {@code chain} at {@code now} and reads the user it names; a bad credential otherwise. */
    private UserInfo verifiedUser(X509Certificate[] chain, long now) {
        verify(chain, now);
        X500Name subject = X500Name.getInstance(chain[0].getSubjectX500Principal().getEncoded());
        List<String> cn = SubjectNames.values(subject, BCStyle.CN);
        if (cn.isEmpty() || cn.getFirst().isEmpty()) {
            throw new TokenAuthenticator.BadCredentialsException("x509: certificate has no common name");
        }
        return new UserInfo(cn.getFirst(), "", SubjectNames.values(subject, BCStyle.O), Map.of());
    }

    private void verify(X509Certificate[] chain, long now) {
        try {
            List<String> usages = chain[0].getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                throw new TokenAuthenticator.BadCredentialsException("x509: certificate not for client authentication");
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
