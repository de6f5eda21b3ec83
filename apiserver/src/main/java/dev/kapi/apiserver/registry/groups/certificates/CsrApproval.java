package dev.kapi.apiserver.registry.groups.certificates;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;

import java.util.List;

/**
 * The {@code approval} subresource of a CSR (kube's {@code csrApprovalStrategy}, what
 * {@code kubectl certificate approve|deny} writes): only status.conditions change, the spec and the certificate
 * stay as stored; it may add Approved or Denied (one of them), never remove one, nor a Failed condition.
 */
final class CsrApproval extends CertificateSigningRequestStrategy {

    @Override
    public boolean keepsStoredStatus() {
        return false;
    }

    @Override
    public void prepareForUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
        csr.setSpec(old.getSpec());
        CertificateSigningRequestStatus status = new CertificateSigningRequestStatus();
        if (old.getStatus() != null) {
            status.setCertificate(old.getStatus().getCertificate());
        }
        status.setConditions(csr.getStatus() == null ? null : csr.getStatus().getConditions());
        csr.setStatus(status);
        stampConditions(csr, old);
    }

    @Override
    public List<FieldError> validateUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
        return CsrValidation.validateUpdate(csr, old, new CsrValidation.Options(true, false, old));
    }
}
