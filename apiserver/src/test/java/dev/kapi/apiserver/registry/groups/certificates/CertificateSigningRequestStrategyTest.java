package dev.kapi.apiserver.registry.groups.certificates;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.ObjectCodec;
import dev.kapi.apiserver.registry.ResourceStrategy;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateSigningRequestStrategyTest {

    private static final String SIGNER = "example.com/my-signer";
    private final CertificateSigningRequestStrategy strategy = new CertificateSigningRequestStrategy();
    private final UserInfo alice = new UserInfo("alice", "u-1", List.of("devs", "system:authenticated"),
            Map.of("scopes", List.of("a")));

    private static CertificateSigningRequest csr(String request, String signer, Integer seconds, String... usages) {
        return new CertificateSigningRequestBuilder().withNewMetadata().withName("c").endMetadata().withNewSpec()
                .withRequest(request).withSignerName(signer).withExpirationSeconds(seconds).withUsages(usages)
                .withUsername("mallory").withGroups("system:masters").endSpec()
                .withNewStatus().addNewCondition().withType("Approved").withStatus("True").endCondition().endStatus()
                .build();
    }

    private List<String> create(CertificateSigningRequest c) {
        strategy.applyDefaults(c);
        strategy.prepareForCreate(c, alice);
        return strategy.validate(c).stream().map(FieldError::toString).toList();
    }

    private CertificateSigningRequest created() {
        CertificateSigningRequest c = csr(TestCsrs.request("alice"), SIGNER, 3600, "client auth");
        assertThat(create(c)).isEmpty();
        return c;
    }

    @Test
    void createRecordsTheRequestingUserAndStartsWithoutConditions() {
        CertificateSigningRequest c = created();
        assertThat(c.getSpec().getUsername()).isEqualTo("alice");
        assertThat(c.getSpec().getUid()).isEqualTo("u-1");
        assertThat(c.getSpec().getGroups()).containsExactly("devs", "system:authenticated");
        assertThat(c.getSpec().getExtra()).isEqualTo(Map.of("scopes", List.of("a")));
        assertThat(c.getStatus().getConditions()).isNullOrEmpty();
        assertThat(CertificateSigningRequestStrategy.condition(c)).isEqualTo("Pending");
    }

    @Test
    void createValidatesRequestUsagesSignerAndDuration() {
        String notPem = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(create(csr(notPem, "kubernetes.io/legacy-unknown", 599, "client auth", "client auth", "flying")))
                .containsExactly(
                        "spec.request: Invalid value: \"hello\": PEM block type must be CERTIFICATE REQUEST",
                        "spec.usages[1]: Duplicate value: \"client auth\"",
                        "spec.usages[2]: Unsupported value: \"flying\": supported values: " + String.join(", ",
                                CsrValidation.USAGES.stream().map(u -> "\"" + u + "\"").toList()),
                        "spec.signerName: Invalid value: \"kubernetes.io/legacy-unknown\": the legacy signerName is not allowed via this API version",
                        "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)");
        assertThat(create(csr(TestCsrs.request("x"), "", null))).containsExactly(
                "spec.usages: Required value", "spec.signerName: Required value");
        assertThat(create(csr(TestCsrs.request("x"), "nodomain", null, "any"))).containsExactly(
                "spec.signerName: Invalid value: \"nodomain\": must be a fully qualified domain and path of the form 'example.com/signer-name'");
        assertThat(create(csr(TestCsrs.request("x"), "local/x", 600, "any"))).containsExactly(
                "spec.signerName: Invalid value: \"local\": should be a domain with at least two segments separated by dots");
    }

    @Test
    void tamperedRequestFailsTheSignatureCheck() {
        byte[] pem = Base64.getDecoder().decode(TestCsrs.request("alice"));
        String text = new String(pem, StandardCharsets.US_ASCII);
        String body = text.substring(text.indexOf('\n') + 1, text.indexOf("-----END"));
        byte[] der = Base64.getMimeDecoder().decode(body);
        der[40] ^= 1; // inside the subject
        String tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        var c = csr(Base64.getEncoder().encodeToString(tampered.getBytes(StandardCharsets.US_ASCII)), SIGNER, null, "any");
        assertThat(create(c)).singleElement().asString().startsWith("spec.request: Invalid value: ").contains("x509:");
    }

    @Test
    void approvalChangesOnlyConditionsAndStampsThem() {
        CertificateSigningRequest old = created();
        ResourceStrategy<CertificateSigningRequest> approval = strategy.subresourceStrategy("approval");
        assertThat(approval.keepsStoredStatus()).isFalse();
        CertificateSigningRequest next = ObjectCodec.copy(old, CertificateSigningRequest.class);
        next.getSpec().setSignerName("example.com/other");
        next.getStatus().setCertificate("Zm9v");
        next.getStatus().setConditions(List.of(new CertificateSigningRequestConditionBuilder().withType("Approved")
                .withStatus("True").withReason("KubectlApprove").build()));
        approval.prepareForUpdate(next, old);
        assertThat(approval.validateUpdate(next, old)).isEmpty();
        assertThat(next.getSpec().getSignerName()).isEqualTo(SIGNER);
        assertThat(next.getStatus().getCertificate()).isNull();
        assertThat(next.getStatus().getConditions().getFirst().getLastUpdateTime()).isNotEmpty();
        assertThat(next.getStatus().getConditions().getFirst().getLastTransitionTime()).isNotEmpty();
        assertThat(CertificateSigningRequestStrategy.condition(next)).isEqualTo("Approved");

        CertificateSigningRequest both = ObjectCodec.copy(next, CertificateSigningRequest.class);
        both.getStatus().setConditions(List.of(next.getStatus().getConditions().getFirst(),
                new CertificateSigningRequestConditionBuilder().withType("Denied").withStatus("True").build()));
        approval.prepareForUpdate(both, next);
        assertThat(approval.validateUpdate(both, next)).map(FieldError::toString).containsExactly(
                "status.conditions[1].type: Invalid value: \"Denied\": Approved and Denied conditions are mutually exclusive");
        CertificateSigningRequest removed = ObjectCodec.copy(next, CertificateSigningRequest.class);
        removed.getStatus().setConditions(List.of());
        approval.prepareForUpdate(removed, next);
        assertThat(approval.validateUpdate(removed, next)).map(FieldError::toString).containsExactly(
                "status.conditions: Forbidden: updates may not remove a condition of type \"Approved\"");
    }

    @Test
    void statusMayNotApproveNorRewriteTheCertificate() {
        CertificateSigningRequest old = created();
        CertificateSigningRequest next = ObjectCodec.copy(old, CertificateSigningRequest.class);
        next.getStatus().setConditions(List.of(new CertificateSigningRequestConditionBuilder().withType("Approved")
                .withStatus("True").build()));
        strategy.prepareForStatusUpdate(next, old);
        assertThat(strategy.validateStatusUpdate(next, old)).map(FieldError::toString).containsExactly(
                "status.conditions: Forbidden: updates may not add a condition of type \"Approved\"");
        CertificateSigningRequest failed = ObjectCodec.copy(old, CertificateSigningRequest.class);
        failed.getStatus().setConditions(List.of(new CertificateSigningRequestConditionBuilder().withType("Failed")
                .withStatus("True").withReason("SignerError").build()));
        failed.getStatus().setCertificate(Base64.getEncoder().encodeToString("junk".getBytes(StandardCharsets.US_ASCII)));
        assertThat(strategy.validateStatusUpdate(failed, old)).map(FieldError::toString).containsExactly(
                "status.certificate: Invalid value: \"<certificate data>\": must contain at least one CERTIFICATE PEM block");
        // the main resource may not approve either
        CertificateSigningRequest viaMain = ObjectCodec.copy(next, CertificateSigningRequest.class);
        assertThat(strategy.validateUpdate(viaMain, old)).map(FieldError::toString).containsExactly(
                "status.conditions: Forbidden: updates may not add a condition of type \"Approved\"");
        strategy.prepareForUpdate(viaMain, old);
        assertThat(viaMain.getSpec()).isEqualTo(old.getSpec());
    }
}
