package dev.kapi.apiserver.admission.plugin.certificates;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Authorizer;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * kube's CertificateApproval and CertificateSigning admission plugins: writing a CSR's {@code approval} needs
 * {@code approve}, and changing its certificate or conditions through {@code status} needs {@code sign}, on
 * {@code signers} (certificates.k8s.io) named after the CSR's signerName or its {@code <domain>/*} (kube's
 * {@code IsAuthorizedForSignerName}); else 403.
 */
public final class SignerAuthorization implements ValidatingAdmission {

    private static final String GROUP = "certificates.k8s.io";

    private final String name;
    private final String subresource;
    private final String verb;
    private final Supplier<Authorizer> authorizer;

    private SignerAuthorization(String name, String subresource, String verb, Supplier<Authorizer> authorizer) {
        this.name = name;
        this.subresource = subresource;
        this.verb = verb;
        this.authorizer = authorizer;
    }

    /** CertificateApproval: {@code approve} for writes to {@code approval}. */
    public static SignerAuthorization approval(Supplier<Authorizer> authorizer) {
        return new SignerAuthorization("CertificateApproval", "approval", "approve", authorizer);
    }

    /** CertificateSigning: {@code sign} for writes to {@code status} that change the certificate or conditions. */
    public static SignerAuthorization signing(Supplier<Authorizer> authorizer) {
        return new SignerAuthorization("CertificateSigning", "status", "sign", authorizer);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (!subresource.equals(a.subresource()) || !GROUP.equals(a.group())
                || !"certificatesigningrequests".equals(a.resource().resource())
                || !(a.object() instanceof CertificateSigningRequest csr)) {
            return;
        }
        CertificateSigningRequest judged = csr;
        if (verb.equals("sign")) {
            if (!(a.oldObject() instanceof CertificateSigningRequest old) || unchangedStatus(csr, old)) {
                return;
            }
            judged = old; // kube checks the signer the stored request names
        }
        String signer = judged.getSpec() == null ? "" : Objects.toString(judged.getSpec().getSignerName(), "");
        if (!authorized(a, signer)) {
            throw AdmissionForbidden.of(a, "user not permitted to " + verb + " requests with signerName \"" + signer
                    + "\"");
        }
    }

    private static boolean unchangedStatus(CertificateSigningRequest csr, CertificateSigningRequest old) {
        return Objects.equals(certificate(csr), certificate(old)) && Objects.equals(conditions(csr), conditions(old));
    }

    private static Object certificate(CertificateSigningRequest c) {
        return c.getStatus() == null ? null : c.getStatus().getCertificate();
    }

    private static Object conditions(CertificateSigningRequest c) {
        return c.getStatus() == null || c.getStatus().getConditions() == null ? java.util.List.of()
                : c.getStatus().getConditions();
    }

    /** The signer itself, then every signer of its domain ({@code example.com/*}). */
    private boolean authorized(AdmissionAttributes a, String signer) {
        if (allowed(a, signer)) {
            return true;
        }
        int slash = signer.indexOf('/');
        return slash > 0 && allowed(a, signer.substring(0, slash) + "/*");
    }

    private boolean allowed(AdmissionAttributes a, String signerName) {
        return authorizer.get().authorize(new AuthorizationAttributes(a.user(), verb, true, GROUP, "*", "signers", "",
                "", signerName, "")).allowed();
    }
}
