package dev.kapi.apiserver.admission.plugin.certificates;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignerAuthorizationTest {

    private final UserInfo bob = new UserInfo("bob", "", List.of("system:authenticated"), Map.of());
    private final List<String> asked = new ArrayList<>();

    /** Allows {@code verb} on exactly the signer names given. */
    private Authorizer allowing(String verb, String... names) {
        return attrs -> {
            asked.add(attrs.verb() + " " + attrs.apiGroup() + "/" + attrs.resource() + "/" + attrs.name());
            return attrs.verb().equals(verb) && List.of(names).contains(attrs.name()) ? Decision.allow("")
                    : Decision.noOpinion("");
        };
    }

    private static CertificateSigningRequest csr(String signer, String condition, String certificate) {
        var b = new CertificateSigningRequestBuilder().withNewMetadata().withName("c").endMetadata()
                .withNewSpec().withSignerName(signer).endSpec().withNewStatus().withCertificate(certificate).endStatus();
        if (condition != null) {
            b.editStatus().addNewCondition().withType(condition).withStatus("True").endCondition().endStatus();
        }
        return b.build();
    }

    private AdmissionAttributes update(String subresource, CertificateSigningRequest csr, CertificateSigningRequest old) {
        return Attributes.of(Operation.UPDATE, "certificates.k8s.io", "v1", "certificatesigningrequests", subresource,
                "CertificateSigningRequest", null, "c", csr, old, bob, false);
    }

    @Test
    void approvingNeedsApproveOnTheSignerOrItsDomain() {
        var old = csr("example.com/a", null, null);
        var approved = csr("example.com/a", "Approved", null);
        assertThatThrownBy(() -> SignerAuthorization.approval(() -> allowing("approve", "other.com/a"))
                .validate(update("approval", approved, old)))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "certificatesigningrequests.certificates.k8s.io \"c\" is forbidden: user not permitted to "
                                + "approve requests with signerName \"example.com/a\""));
        assertThat(asked).containsExactly("approve certificates.k8s.io/signers/example.com/a",
                "approve certificates.k8s.io/signers/example.com/*");
        SignerAuthorization.approval(() -> allowing("approve", "example.com/*")).validate(update("approval", approved, old));
        // the main resource and status are not approvals
        SignerAuthorization.approval(() -> allowing("none")).validate(update("", approved, old));
        SignerAuthorization.approval(() -> allowing("none")).validate(update("status", approved, old));
    }

    @Test
    void signingNeedsSignWhenStatusChanges() {
        var old = csr("example.com/a", "Approved", null);
        var issued = csr("example.com/a", "Approved", "Y2VydA==");
        assertThatThrownBy(() -> SignerAuthorization.signing(() -> allowing("approve", "example.com/a"))
                .validate(update("status", issued, old)))
                .hasMessageContaining("user not permitted to sign requests with signerName \"example.com/a\"");
        SignerAuthorization.signing(() -> allowing("sign", "example.com/a")).validate(update("status", issued, old));
        // a status write that changes neither certificate nor conditions needs nothing
        SignerAuthorization.signing(() -> allowing("none")).validate(update("status", csr("example.com/a", "Approved", null), old));
    }
}
