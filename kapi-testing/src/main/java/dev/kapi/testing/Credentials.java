package dev.kapi.testing;

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
}
