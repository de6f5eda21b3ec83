package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.policy.validating.ValidatingAdmissionPolicyPlugin;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The plugin as the server wires it, on real etcd with two servers sharing it: policies, bindings and params
 * written through one server are enforced by the other within a second (informers), and the status controller
 * records the policy's type checking.
 */
@ExtendWith(EtcdExtension.class)
class PolicyAdmissionTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static final String GROUP = "admissionregistration.k8s.io";

    private Storage storage;
    private StoreRegistry writer;
    private PolicyInformers informers;
    private ValidatingAdmissionPolicyPlugin plugin;
    private ControllerManager controllers;

    @BeforeEach
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        writer = stores(prefix);
        StoreRegistry other = stores(prefix);
        informers = new PolicyInformers(other);
        informers.start();
        plugin = new ValidatingAdmissionPolicyPlugin(informers, informers.params(), informers.namespaces(),
                PolicyAdmissionConfig.equivalents(other), a -> Decision.noOpinion(""));
        controllers = new ControllerManager(writer, Writes.PIPELINE);
    }

    private StoreRegistry stores(String prefix) {
        return TestStores.of(storage, prefix);
    }

    @AfterEach
    void close() {
        controllers.close();
        informers.close();
        storage.close();
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T create(String group, String resource,
                                                                            Class<T> type, String ns, T obj) {
        return Writes.create(writer.find(group, "v1", resource, type).orElseThrow(), ns, obj);
    }

    private static AdmissionAttributes createDeployment(int replicas) {
        Deployment d = new DeploymentBuilder().withNewMetadata().withNamespace("vap").withName("web").endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec().build();
        GroupVersionKind kind = new GroupVersionKind("apps", "v1", "Deployment");
        return new AdmissionAttributes(Operation.CREATE, kind, kind, new GroupVersionResource("apps", "v1",
                "deployments"), "", "vap", "web", d, null, null, Writes.ADMIN, false, null);
    }

    @Test
    void policiesBindingsAndParamsWrittenThroughOneServerAreEnforcedByAnotherWithinASecond() {
        create("", "namespaces", Namespace.class, null,
                new NamespaceBuilder().withNewMetadata().withName("vap").endMetadata().build());
        create("", "configmaps", ConfigMap.class, "vap", new ConfigMapBuilder().withNewMetadata().withName("limits")
                .endMetadata().addToData("maxReplicas", "3").build());
        plugin.validate(createDeployment(5));
        create(GROUP, "validatingadmissionpolicies", ValidatingAdmissionPolicy.class, null,
                new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName("max").endMetadata().withNewSpec()
                        .withFailurePolicy("Ignore") // the typo below fails at run time: ignored
                        .withNewParamKind().withApiVersion("v1").withKind("ConfigMap").endParamKind()
                        .withNewMatchConstraints().addNewResourceRule().withApiGroups("apps").withApiVersions("v1")
                        .withOperations("CREATE").withResources("deployments").endResourceRule().endMatchConstraints()
                        .addNewValidation().withExpression("object.spec.replicas <= int(params.data.maxReplicas)")
                        .withMessage("too many").endValidation()
                        .addNewValidation().withExpression("object.spec.replica > 0").endValidation().endSpec().build());
        create(GROUP, "validatingadmissionpolicybindings", ValidatingAdmissionPolicyBinding.class, null,
                new ValidatingAdmissionPolicyBindingBuilder().withNewMetadata().withName("max").endMetadata()
                        .withNewSpec().withPolicyName("max").withValidationActions("Deny").withNewParamRef()
                        .withName("limits").withParameterNotFoundAction("Deny").endParamRef().endSpec().build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> plugin.validate(createDeployment(5)))
                .isInstanceOf(StatusError.class).hasMessage("deployments.apps \"web\" is forbidden: "
                        + "ValidatingAdmissionPolicy 'max' with binding 'max' denied request: too many"));
        // warm now (the CEL environment built, the ConfigMap informer listed): each change within a second
        var configMaps = writer.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        Writes.update(configMaps, "vap", "limits", cm -> {
            cm.getData().put("maxReplicas", "5");
            return cm;
        });
        await().atMost(WITHIN).untilAsserted(() -> plugin.validate(createDeployment(5)));
        var policies = writer.find(GROUP, "v1", "validatingadmissionpolicies", ValidatingAdmissionPolicy.class)
                .orElseThrow();
        Writes.update(policies, null, "max", p -> {
            p.getSpec().getValidations().get(0).setExpression("object.spec.replicas < int(params.data.maxReplicas)");
            return p;
        });
        await().atMost(WITHIN).untilAsserted(() -> assertThatThrownBy(() -> plugin.validate(createDeployment(5)))
                .hasMessageEndingWith("denied request: too many"));

        controllers.start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var status = policies.get("", "max").getStatus();
            assertThat(status.getObservedGeneration()).isEqualTo(2L);
            assertThat(status.getTypeChecking().getExpressionWarnings()).singleElement().satisfies(w -> {
                assertThat(w.getFieldRef()).isEqualTo("spec.validations[1].expression");
                assertThat(w.getWarning()).startsWith("apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replica'");
            });
        });

        Writes.delete(writer.find(GROUP, "v1", "validatingadmissionpolicybindings",
                ValidatingAdmissionPolicyBinding.class).orElseThrow(), null, "max");
        await().atMost(WITHIN).untilAsserted(() -> plugin.validate(createDeployment(5)));
    }
}
