package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Client certificate chains checked against one set of CAs as kube's x509 verifier checks them
 * ({@link ClientChainPath}). What {@code read} takes from a chain that verified (a user, a proxy's name) is
 * remembered by its leaf, with the path that verified it and the time window in which every certificate of that
 * path, the CA included, is valid: a later chain with the same leaf that carries the path's certificates gives the
 * same value without a second validation (the CAs never change for an instance); outside the window, or without
 * those certificates, it is validated again. Failures, of the chain or of {@code read}, are never remembered.
 *
 * @param <T> what is read from a verified chain (from its leaf)
 */
final class VerifiedChains<T> {

    /** Where the servlet container leaves the client's chain. */
    static final String CERTIFICATES_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    /** At most this many verified leaves are remembered; beyond it the memory starts over. */
    static final int MAX_REMEMBERED = 1024;

    private final ClientChainPath paths;
    private final LongSupplier clock;
    private final Function<X509Certificate[], T> read;
    private final Map<X509Certificate, Verified<T>> verified = new ConcurrentHashMap<>();

    /** What a leaf verified with: the path (leaf first, CA last), the value read, the window of its validity. */
    private record Verified<T>(List<X509Certificate> path, T value, long notBefore, long notAfter) {
    }

    /** Chains of {@code cas}, validated at {@code clock}'s time (epoch ms), each read once by {@code read}. */
    VerifiedChains(List<X509Certificate> cas, LongSupplier clock, Function<X509Certificate[], T> read) {
        this.paths = new ClientChainPath(cas);
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
        long now = clock.getAsLong();
        Verified<T> known = verified.get(chain[0]);
        if (known != null && now >= known.notBefore() && now <= known.notAfter()
                && Arrays.asList(chain).containsAll(known.path().subList(1, known.path().size() - 1))) {
            return known.value();
        }
        List<X509Certificate> path = paths.find(chain, now);
        T value = read.apply(chain);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(chain[0], new Verified<>(List.copyOf(path), value,
                path.stream().mapToLong(c -> c.getNotBefore().getTime()).max().orElseThrow(),
                path.stream().mapToLong(c -> c.getNotAfter().getTime()).min().orElseThrow()));
        return value;
    }
}
