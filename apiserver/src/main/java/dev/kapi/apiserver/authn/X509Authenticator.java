package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Client certificates ({@code --client-ca-file} plus Kapi's own CA): the certificate must chain to a trusted
 * CA and allow client authentication; its CN is the user name (the last CN, as Go reads a subject) and each O
 * a group. A request without a client certificate, or whose certificate has no CN, is not ours (as in kube); a
 * certificate that does not verify is a bad credential (401 unless another authenticator names the user). A
 * chain that verified is remembered ({@link VerifiedChains}).
 */
public final class X509Authenticator implements Authenticator {

    /** Where the servlet container leaves the verified client chain. */
    public static final String CERTIFICATES_ATTRIBUTE = VerifiedChains.CERTIFICATES_ATTRIBUTE;

    private final VerifiedChains<Optional<UserInfo>> chains;

    public X509Authenticator(List<X509Certificate> clientCas) {
        this(clientCas, System::currentTimeMillis);
    }

    /** With {@code clock} (epoch milliseconds) as the time certificates are validated at. */
    X509Authenticator(List<X509Certificate> clientCas, LongSupplier clock) {
        this.chains = new VerifiedChains<>(clientCas, clock, X509Authenticator::user);
    }

    @Override
    public Optional<UserInfo> authenticate(HttpServletRequest request) {
        X509Certificate[] chain = VerifiedChains.chainOf(request);
        return chain == null ? Optional.empty() : chains.verified(chain);
    }

    /** The user a verified chain names; none when its leaf has no common name (kube: not this authenticator's). */
    private static Optional<UserInfo> user(X509Certificate[] chain) {
        String name = VerifiedChains.commonName(chain[0]);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        X500Name subject = X500Name.getInstance(chain[0].getSubjectX500Principal().getEncoded());
        return Optional.of(new UserInfo(name, "", SubjectNames.values(subject, BCStyle.O), Map.of()));
    }
}
