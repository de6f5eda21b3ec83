package dev.kapi.apiserver.registry.groups.certificates;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.core.Base64Data;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestSpec;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * certificates.k8s.io/v1 certificatesigningrequests (cluster-scoped; {@code status} and {@code approval}),
 * kube's {@code csrStrategy}: on create the spec's username, uid, groups and extra are the requesting user's
 * (whatever the client sent) and the status is empty; the main resource never changes spec or status
 * (both are kept from the stored object, as kube does, so an edit of the spec is silently ignored);
 * {@code status} writes the certificate and non-approval conditions; {@code approval} ({@link CsrApproval})
 * writes only the conditions, of which Approved and Denied are its own. No signer runs in this server: an
 * approved request stays without a certificate until a client (a signer of its own) writes one to
 * {@code status}.
 */
public class CertificateSigningRequestStrategy implements ResourceStrategy<CertificateSigningRequest> {

    private final CsrApproval approval;

    public CertificateSigningRequestStrategy() {
        this.approval = this instanceof CsrApproval a ? a : new CsrApproval();
    }

    @Override
    public void applyDefaults(CertificateSigningRequest csr) {
        if (csr.getSpec() == null) {
            csr.setSpec(new CertificateSigningRequestSpec());
        }
        checkBase64(csr.getSpec().getRequest());
        if (csr.getStatus() != null) {
            checkBase64(csr.getStatus().getCertificate());
        }
    }

    /** A {@code []byte} field that is not base64 fails decoding with kube's 400. */
    private static void checkBase64(String value) {
        int bad = value == null ? -1 : Base64Data.firstError(value);
        if (bad >= 0) {
            throw StatusError.badRequest("CertificateSigningRequest in version \"v1\" cannot be handled as a "
                    + "CertificateSigningRequest: illegal base64 data at input byte " + bad);
        }
    }

    @Override
    public void prepareForCreate(CertificateSigningRequest csr, UserInfo user) {
        CertificateSigningRequestSpec spec = csr.getSpec();
        spec.setUsername(user == null ? null : emptyToNull(user.name()));
        spec.setUid(user == null ? null : emptyToNull(user.uid()));
        spec.setGroups(user == null || user.groups().isEmpty() ? null : new ArrayList<>(user.groups()));
        spec.setExtra(user == null || user.extra().isEmpty() ? null : new HashMap<>(user.extra()));
        csr.setStatus(new CertificateSigningRequestStatus());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public void prepareForUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
        csr.setSpec(old.getSpec());
    }

    @Override
    public List<String> validateName(String name) {
        return List.of(); // kube: "We don't care what you call your certificate requests."
    }

    @Override
    public List<FieldError> validate(CertificateSigningRequest csr) {
        return CsrValidation.validate(csr, new CsrValidation.Options(false, false, null));
    }

    @Override
    public List<FieldError> validateUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
        return CsrValidation.validateUpdate(csr, old, new CsrValidation.Options(false, false, old));
    }

    @Override
    public void prepareForStatusUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
        stampConditions(csr, old);
    }

    @Override
    public List<FieldError> validateStatusUpdate(CertificateSigningRequest csr, CertificateSigningRequest old) {
        return CsrValidation.validateUpdate(csr, old, new CsrValidation.Options(false, true, old));
    }

    @Override
    public ResourceStrategy<CertificateSigningRequest> subresourceStrategy(String subresource) {
        return "approval".equals(subresource) ? approval : null;
    }

    /**
     * kube's {@code populateConditionTimestamps}: lastUpdateTime now when unset; lastTransitionTime, when
     * unset, kept from an old condition of the same type and status, else now.
     */
    static void stampConditions(CertificateSigningRequest csr, CertificateSigningRequest old) {
        if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
            return;
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<CertificateSigningRequestCondition> before = old.getStatus() == null || old.getStatus().getConditions() == null
                ? List.of() : old.getStatus().getConditions();
        for (CertificateSigningRequestCondition c : csr.getStatus().getConditions()) {
            if (c.getLastUpdateTime() == null || c.getLastUpdateTime().isEmpty()) {
                c.setLastUpdateTime(now);
            }
            if (c.getLastTransitionTime() == null || c.getLastTransitionTime().isEmpty()) {
                c.setLastTransitionTime(before.stream()
                        .filter(o -> Objects.equals(o.getType(), c.getType()) && Objects.equals(o.getStatus(), c.getStatus())
                                && o.getLastTransitionTime() != null && !o.getLastTransitionTime().isEmpty())
                        .map(CertificateSigningRequestCondition::getLastTransitionTime).findFirst().orElse(now));
            }
        }
    }

    @Override
    public List<TableColumn<CertificateSigningRequest>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.ageColumn(),
                TableColumn.of("SignerName", "string",
                        "Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`.",
                        csr -> orNone(csr.getSpec().getSignerName())),
                TableColumn.of("Requestor", "string", "Name of requestor", csr -> Objects.toString(csr.getSpec().getUsername(), "")),
                TableColumn.of("RequestedDuration", "string",
                        "expirationSeconds is the requested duration of validity of the issued certificate.",
                        csr -> csr.getSpec().getExpirationSeconds() == null ? "<none>"
                                : TableColumn.humanDuration(Duration.ofSeconds(csr.getSpec().getExpirationSeconds()))),
                TableColumn.of("Condition", "string",
                        "Condition indicates whether the certificate has been approved or denied.",
                        CertificateSigningRequestStrategy::condition));
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }

    /** kubectl's {@code extractCSRStatus}: Denied over Approved over Pending, then ",Failed" and ",Issued". */
    static String condition(CertificateSigningRequest csr) {
        String s = !CsrValidation.find(csr, CsrValidation.DENIED).isEmpty() ? "Denied"
                : !CsrValidation.find(csr, CsrValidation.APPROVED).isEmpty() ? "Approved" : "Pending";
        if (!CsrValidation.find(csr, CsrValidation.FAILED).isEmpty()) {
            s += ",Failed";
        }
        if (!CsrValidation.certificate(csr).isEmpty()) {
            s += ",Issued";
        }
        return s;
    }
}
