package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import java.time.Duration;
import java.util.List;

/**
 * PEM files for an etcd serving its clients over TLS, written to {@code dir}: a CA ({@code ca.crt}), etcd's
 * serving certificate for 127.0.0.1 and localhost ({@code server.crt}, {@code server.key}) and a client
 * certificate that CA signed ({@code client.crt}, {@code client.key}, PKCS#8), all made with Bouncy Castle.
 *
 * <pre>{@code
 * EtcdTlsFiles pki = EtcdTlsFiles.generate(dir);
 * LocalEtcdProcess etcd = EtcdExtension.startPrivate(pki.clientCertAuth());
 * EtcdStorage.connect(etcd.endpoints(), "/p/", pki.etcdTls());
 * }</pre>
 */
public record EtcdTlsFiles(Path dir, Certificates.Issued ca, Certificates.Issued server, Certificates.Issued client) {

    private static final Duration VALIDITY = Duration.ofHours(2);

    /** Generates a CA, a serving and a client certificate and writes them to {@code dir} (created). */
    public static EtcdTlsFiles generate(Path dir) {
        Certificates.Issued ca = Certificates.selfSignedCa("etcd-ca", VALIDITY);
        EtcdTlsFiles files = new EtcdTlsFiles(dir, ca,
                Certificates.serving(ca, "etcd", List.of("127.0.0.1", "localhost"), VALIDITY),
                Certificates.client(ca, "kube-apiserver-etcd-client", List.of(), VALIDITY));
        files.write("ca.crt", Pem.certificates(List.of(ca.certificate())));
        files.writeKeyPair("server", files.server());
        files.writeKeyPair("client", files.client());
        return files;
    }

    /** Generates the files in a new temp dir deleted when the JVM exits. */
    public static EtcdTlsFiles generateTemp() {
        try {
            Path dir = Files.createTempDirectory("kapi-etcd-tls-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LocalEtcdProcess.deleteRecursively(dir),
                    "delete-etcd-tls-files"));
            return generate(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    public Path clientCertFile() {
        return dir.resolve("client.crt");
    }

    public Path clientKeyFile() {
        return dir.resolve("client.key");
    }

    /** etcd's flags for TLS with client certificates this CA signed ({@code --client-cert-auth}). */
    public LocalEtcdProcess.ClientTls clientCertAuth() {
        return new LocalEtcdProcess.ClientTls(dir.resolve("server.crt"), dir.resolve("server.key"), caFile(),
                TlsClients.sslContext(ca.certificate(), client));
    }

    /** etcd's flags for TLS without client certificates. */
    public LocalEtcdProcess.ClientTls serverOnly() {
        return new LocalEtcdProcess.ClientTls(dir.resolve("server.crt"), dir.resolve("server.key"), null,
                TlsClients.sslContext(ca.certificate(), null));
    }

    /** Kapi's flags for this etcd: {@code --etcd-cafile}, {@code --etcd-certfile}, {@code --etcd-keyfile}. */
    public List<String> kapiFlags() {
        return List.of("--etcd-cafile=" + caFile(), "--etcd-certfile=" + clientCertFile(),
                "--etcd-keyfile=" + clientKeyFile());
    }

    /** Writes {@code issued}'s certificate to {@code <name>.crt} and its key (PKCS#8) to {@code <name>.key}. */
    public void writeKeyPair(String name, Certificates.Issued issued) {
        write(name + ".crt", Pem.certificates(List.of(issued.certificate())));
        write(name + ".key", Pem.privateKey(issued.key()));
    }

    /** A client certificate with an RSA key (2048 bits) signed by this CA, for the PKCS#1 key form. */
    public Certificates.Issued rsaClient(String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(),
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(VALIDITY)), new X500Principal("CN=" + commonName), keys.getPublic())
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
            return new Certificates.Issued(certificate, keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} to {@code dir/name} (mode as the umask gives) and returns the path. */
    public Path write(String name, String text) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
