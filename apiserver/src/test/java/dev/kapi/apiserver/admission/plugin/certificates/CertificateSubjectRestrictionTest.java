package dev.kapi.apiserver.admission.plugin.certificates;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.registry.groups.certificates.TestCsrs;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateSubjectRestrictionTest {

    private final CertificateSubjectRestriction plugin = new CertificateSubjectRestriction();

    private static AdmissionAttributes create(String signer, String subject) {
        var csr = new CertificateSigningRequestBuilder().withNewMetadata().withName("c").endMetadata().withNewSpec()
                .withSignerName(signer).withRequest(TestCsrs.requestFor(subject)).endSpec().build();
        return Attributes.of(Operation.CREATE, "certificates.k8s.io", "v1", "certificatesigningrequests", null,
                "CertificateSigningRequest", null, "c", csr, null, null, false);
    }

    @Test
    void noMastersCertificateFromTheClientSigner() {
        assertThatThrownBy(() -> plugin.validate(create("kubernetes.io/kube-apiserver-client",
                "CN=eve,O=dev,O=system:masters"))).hasMessage("certificatesigningrequests.certificates.k8s.io \"c\" "
                + "is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed");
        assertThatThrownBy(() -> plugin.validate(create("kubernetes.io/kube-apiserver-client",
                "CN=eve+O=system:masters"))).hasMessageContaining("with system:masters group is not allowed");
        assertThatCode(() -> plugin.validate(create("kubernetes.io/kube-apiserver-client", "CN=eve,O=dev")))
                .doesNotThrowAnyException();
        assertThatCode(() -> plugin.validate(create("example.com/other", "CN=eve,O=system:masters")))
                .doesNotThrowAnyException();
    }
}
