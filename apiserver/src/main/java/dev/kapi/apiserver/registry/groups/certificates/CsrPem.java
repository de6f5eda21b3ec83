package dev.kapi.apiserver.registry.groups.certificates;

import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The PEM checks of a CSR (kube's {@code certificates.ParseCSR} + {@code CheckSignature}, and
 * {@code validateCertificate} for status.certificate). Each returns Go's error text, or null when valid.
 */
final class CsrPem {

    private CsrPem() {
    }

    /** A PKCS#10 request in the first PEM block, with a valid self-signature. */
    static String checkRequest(byte[] pem) {
        List<PemObject> blocks = blocks(pem);
        if (blocks.isEmpty() || !"CERTIFICATE REQUEST".equals(blocks.getFirst().getType())) {
            return "PEM block type must be CERTIFICATE REQUEST";
        }
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(blocks.getFirst().getContent());
        } catch (IOException | RuntimeException e) {
            return "x509: malformed certificate request";
        }
        try {
            boolean valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .build(csr.getSubjectPublicKeyInfo()));
            return valid ? null : "x509: signature verification failure";
        } catch (Exception e) {
            return "x509: cannot verify signature: algorithm unimplemented";
        }
    }

    /** One or more CERTIFICATE blocks without headers, each holding a certificate; empty is valid. */
    static String checkCertificate(byte[] pem) {
        if (pem.length == 0) {
            return null;
        }
        List<PemObject> blocks = blocks(pem);
        if (blocks.isEmpty()) {
            return "must contain at least one CERTIFICATE PEM block";
        }
        for (PemObject b : blocks) {
            if (!"CERTIFICATE".equals(b.getType())) {
                return "only CERTIFICATE PEM blocks are allowed, found \"" + b.getType() + "\"";
            }
            if (!b.getHeaders().isEmpty()) {
                return "no PEM block headers are permitted";
            }
            try {
                if (CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(b.getContent())).isEmpty()) {
                    return "found CERTIFICATE PEM block containing 0 certificates";
                }
            } catch (CertificateException | RuntimeException e) {
                return "x509: malformed certificate";
            }
        }
        return null;
    }

    /** The PEM blocks of the text, stopping at the first that does not parse (as Go's pem.Decode loop). */
    private static List<PemObject> blocks(byte[] pem) {
        List<PemObject> out = new ArrayList<>();
        try (PemReader r = new PemReader(new StringReader(new String(pem, StandardCharsets.ISO_8859_1)))) {
            for (PemObject o = r.readPemObject(); o != null; o = r.readPemObject()) {
                out.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // a malformed block ends the blocks found, as pem.Decode returns nil there
        }
        return out;
    }
}
