package dev.kapi.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Kubeconfig YAML for one user and one server: what kubectl, fabric8 and client-java all read. */
final class Kubeconfigs {

    private Kubeconfigs() {
    }

    static String yaml(URI server, String namespace, Credentials user) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kapi
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: kapi
                  context:
                    cluster: kapi
                    user: %s
                    namespace: %s
                current-context: kapi
                """.formatted(server, base64(user.caCertificatePem()), quoted(user.user()),
                base64(user.certificatePem()), base64(user.keyPem()), quoted(user.user()), quoted(namespace));
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }

    /** A YAML double-quoted scalar (user names may hold ':' as in system:serviceaccount:...). */
    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
