package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.certificates.SignerAuthorization;
import dev.kapi.apiserver.authz.Authorizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * kube's CertificateApproval and CertificateSigning admission plugins (on by default, as in kube): approving or
 * signing a CSR needs {@code approve} / {@code sign} on its signer, asked of the server's authorizer.
 */
@Configuration(proxyBeanMethods = false)
public class CertificateAdmissionConfig {

    @Bean
    ValidatingAdmission certificateApproval(ObjectProvider<Authorizer> authorizer) {
        return SignerAuthorization.approval(authorizer::getObject);
    }

    @Bean
    ValidatingAdmission certificateSigning(ObjectProvider<Authorizer> authorizer) {
        return SignerAuthorization.signing(authorizer::getObject);
    }
}
