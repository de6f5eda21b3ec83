package dev.kapi.testing;

import dev.kapi.apiserver.server.Kubeconfigs;

import java.net.URI;
import java.util.List;

/**
 * A user's client certificate and private key (PEM; the key as kubeconfigs carry it), and the PEM of the CA
 * that signed the server's certificate, which a client trusts.
 */
public record Credentials(String user, List<String> groups, String certificatePem, String keyPem,
                          String caCertificatePem) {

    public Credentials {
        groups = List.copyOf(groups);
    }

    /** Names the user and groups; never the key. */
    @Override
    public String toString() {
        return "Credentials[user=" + user + ", groups=" + groups + "]";
    }

    /** A kubeconfig (YAML) for these credentials at {@code server}, its context in {@code namespace}. */
    public String kubeconfig(URI server, String namespace) {
        return Kubeconfigs.yaml(server.toString(), user, namespace, caCertificatePem, certificatePem, keyPem);
    }
}
