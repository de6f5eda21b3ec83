package dev.kapi.apiserver.registry.groups.certificates;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** PEM PKCS#10 requests for tests, made with a fresh EC key (base64 of the PEM, as spec.request carries it). */
public final class TestCsrs {

    private TestCsrs() {
    }

    public static String request(String commonName) {
        return requestFor("CN=" + commonName);
    }

    /** A request for this subject, e.g. {@code CN=alice,O=system:masters}. */
    public static String requestFor(String subject) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair keys = g.generateKeyPair();
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            StringWriter out = new StringWriter();
            try (PemWriter w = new PemWriter(out)) {
                w.writeObject(new PemObject("CERTIFICATE REQUEST", csr.getEncoded()));
            }
            return Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
