package dev.kapi.apiserver.server;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A kubeconfig (YAML) for one user of one server, authenticated by a client certificate: what kubectl, client-go,
 * fabric8 and client-java all read. The server writes one for its administrator ({@link KubeconfigWriter});
 * kapi-testing writes them for any test user.
 */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /**
     * @param server   {@code https://host:port}
     * @param caPem    the CA (PEM) that signed the server's certificate
     * @param certPem  the user's client certificate (PEM)
     * @param keyPem   its private key, in a form kubeconfigs carry ({@code Pem.privateKeyForKubeconfig})
     */
    public static String yaml(String server, String user, String namespace, String caPem, String certPem,
                              String keyPem) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kapi
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                contexts:
                - name: kapi
                  context:
                    cluster: kapi
                    user: %s
                    namespace: %s
                current-context: kapi
                users:
                - name: %s
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                """.formatted(server, base64(caPem), quoted(user), quoted(namespace), quoted(user),
                base64(certPem), base64(keyPem));
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** A YAML double-quoted scalar (user names hold ':' as in system:serviceaccount:ns:name). */
    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
