package dev.kapi.apiserver.admission.plugin.certificates;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import dev.kapi.apiserver.authn.SubjectNames;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * kube's CertificateSubjectRestriction: a new CSR for the {@code kubernetes.io/kube-apiserver-client} signer may
 * not ask for the {@code system:masters} organization (a certificate that would bypass authorization). A request
 * that does not parse is left to the CSR's validation.
 */
public final class CertificateSubjectRestriction implements ValidatingAdmission {

    static final String SIGNER = "kubernetes.io/kube-apiserver-client";
    private static final String MASTERS = "system:masters";

    @Override
    public String name() {
        return "CertificateSubjectRestriction";
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (a.operation() != Operation.CREATE || !a.mainResource() || !"certificates.k8s.io".equals(a.group())
                || !"certificatesigningrequests".equals(a.resource().resource())
                || !(a.object() instanceof CertificateSigningRequest csr) || csr.getSpec() == null
                || !SIGNER.equals(csr.getSpec().getSignerName())) {
            return;
        }
        PKCS10CertificationRequest request = parse(csr.getSpec().getRequest());
        if (request == null) {
            return;
        }
        if (SubjectNames.values(request.getSubject(), BCStyle.O).contains(MASTERS)) {
            throw AdmissionForbidden.of(a, "use of " + SIGNER + " signer with " + MASTERS + " group is not allowed");
        }
    }

    private static PKCS10CertificationRequest parse(String base64) {
        try {
            byte[] pem = Base64.getMimeDecoder().decode(base64 == null ? "" : base64);
            try (PemReader r = new PemReader(new StringReader(new String(pem, StandardCharsets.ISO_8859_1)))) {
                PemObject o = r.readPemObject();
                return o == null || !"CERTIFICATE REQUEST".equals(o.getType()) ? null
                        : new PKCS10CertificationRequest(o.getContent());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
