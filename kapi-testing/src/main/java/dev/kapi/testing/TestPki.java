package dev.kapi.testing;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's CA, read once from its data directory ({@code pki/ca.crt}, {@code pki/ca.key}), issuing client
 * certificates for test users; each user and group list is issued once per server.
 */
final class TestPki {

    private static final Duration VALIDITY = Duration.ofDays(1);

    private final Certificates.Issued ca;
    private final String caPem;
    private final Map<List<String>, Credentials> issued = new ConcurrentHashMap<>();

    private TestPki(Certificates.Issued ca, String caPem) {
        this.ca = ca;
        this.caPem = caPem;
    }

    static TestPki load(Path dataDir) {
        try {
            var caCert = Pem.readCertificates(dataDir.resolve("pki/ca.crt")).getFirst();
            var caKey = Pem.readPrivateKey(dataDir.resolve("pki/ca.key"));
            return new TestPki(new Certificates.Issued(caCert, caKey), Pem.certificates(List.of(caCert)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Credentials credentials(String user, String... groups) {
        return issued.computeIfAbsent(userKey(user, groups), k -> {
            Certificates.Issued client = Certificates.client(ca, user, List.of(groups), VALIDITY);
            return new Credentials(user, List.of(groups), Pem.certificates(List.of(client.certificate())),
                    Pem.privateKeyForKubeconfig(client.key(), client.certificate().getPublicKey()), caPem);
        });
    }

    /** A user and groups as one map key (what this class and {@link TestClients} keep per user). */
    static List<String> userKey(String user, String... groups) {
        List<String> key = new java.util.ArrayList<>(List.of(groups));
        key.addFirst(user);
        return List.copyOf(key);
    }
}
