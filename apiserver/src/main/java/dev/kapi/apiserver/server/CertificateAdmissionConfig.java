package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.certificates.CertificateSubjectRestriction;
import dev.kapi.apiserver.admission.plugin.certificates.SignerAuthorization;
import dev.kapi.apiserver.authz.Authorizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * kube's CertificateApproval, CertificateSigning and CertificateSubjectRestriction admission plugins (on by
 * default, as in kube): approving or signing a CSR needs {@code approve} / {@code sign} on its signer, asked of the
 * server's authorizer; no CSR may ask the kube-apiserver-client signer for the system:masters group.
 */
@Configuration(proxyBeanMethods = false)
public class CertificateAdmissionConfig {

    @Bean
    ValidatingAdmission certificateApproval(ObjectProvider<Authorizer> authorizer) {
        return SignerAuthorization.approval(authorizer::getObject);
    }

    @Bean
    ValidatingAdmission certificateSubjectRestriction() {
        return new CertificateSubjectRestriction();
    }

    @Bean
    ValidatingAdmission certificateSigning(ObjectProvider<Authorizer> authorizer) {
        return SignerAuthorization.signing(authorizer::getObject);
    }
}
