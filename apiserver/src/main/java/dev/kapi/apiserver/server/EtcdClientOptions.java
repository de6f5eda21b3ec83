package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.storage.etcd3.EtcdEndpoints;
import dev.kapi.apiserver.storage.etcd3.EtcdTls;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How the server speaks TLS to etcd, with kube-apiserver's flags: {@code --etcd-cafile} (PEM CAs that sign
 * etcd's serving certificate; without it the JVM's trust store), {@code --etcd-certfile} and
 * {@code --etcd-keyfile} (the client certificate etcd's {@code --client-cert-auth} asks for, and its key in
 * PKCS#8, PKCS#1 or SEC1 PEM). TLS is used for {@code https://} endpoints, as etcd's Go client does; the
 * flags with {@code http://} endpoints, a certificate without its key, a key that is not the certificate's,
 * or a file that cannot be read stop the server at start with one line saying which ({@link StartupFailure}).
 */
@Component
public class EtcdClientOptions {

    private final String caFile;
    private final String certFile;
    private final String keyFile;

    public EtcdClientOptions(@Value("${etcd-cafile:}") String caFile,
                             @Value("${etcd-certfile:}") String certFile,
                             @Value("${etcd-keyfile:}") String keyFile) {
        this.caFile = caFile.trim();
        this.certFile = certFile.trim();
        this.keyFile = keyFile.trim();
    }

    /** Whether any of the three flags is set. */
    public boolean anyGiven() {
        return !caFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty();
    }

    /**
     * The TLS for {@code endpoints}: null for {@code http://} endpoints, else the trust and client
     * certificate the flags name.
     *
     * @throws StartupFailure when the flags and endpoints do not fit together or a file is unusable
     */
    public EtcdTls tls(List<String> endpoints) {
        boolean secure;
        try {
            secure = EtcdEndpoints.secure(endpoints);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("--etcd-servers: " + e.getMessage());
        }
        if (!secure) {
            if (anyGiven()) {
                throw new StartupFailure("--etcd-cafile, --etcd-certfile and --etcd-keyfile are for TLS, but "
                        + "--etcd-servers=" + String.join(",", endpoints) + " are http:// URLs: use https:// URLs "
                        + "for an etcd serving TLS");
            }
            return null;
        }
        if (certFile.isEmpty() != keyFile.isEmpty()) {
            throw new StartupFailure(certFile.isEmpty()
                    ? "--etcd-keyfile=" + keyFile + " is given without --etcd-certfile: give both or neither"
                    : "--etcd-certfile=" + certFile + " is given without --etcd-keyfile: give both or neither");
        }
        List<X509Certificate> cas = caFile.isEmpty() ? List.of() : certificates("--etcd-cafile", caFile);
        if (certFile.isEmpty()) {
            return new EtcdTls(cas, null, null);
        }
        List<X509Certificate> chain = certificates("--etcd-certfile", certFile);
        PrivateKey key = privateKey();
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new StartupFailure("--etcd-keyfile=" + keyFile + " is not the key of the certificate in "
                    + "--etcd-certfile=" + certFile);
        }
        return new EtcdTls(cas, chain, key);
    }

    private static List<X509Certificate> certificates(String flag, String file) {
        SecurityConfig.readable(flag, file);
        try {
            return Pem.readCertificates(Path.of(file));
        } catch (IOException e) {
            throw StartupFailure.of(flag, e);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure(flag + "=" + file + ": " + withoutPath(e.getMessage(), file));
        }
    }

    private PrivateKey privateKey() {
        SecurityConfig.readable("--etcd-keyfile", keyFile);
        try {
            return Pem.readPrivateKey(Path.of(keyFile));
        } catch (IOException e) {
            throw StartupFailure.of("--etcd-keyfile", e);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("--etcd-keyfile=" + keyFile + ": " + withoutPath(e.getMessage(), keyFile)
                    + " (PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
    }

    private static String withoutPath(String message, String file) {
        String prefix = Path.of(file) + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /** Whether {@code key} signs what {@code publicKey} verifies. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] probe = "kapi etcd client key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
