package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.Decision;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpecBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** Policies, bindings, params and a request for the policy plugin's tests. */
final class PolicyFixtures {

    static final UserInfo ALICE = new UserInfo("alice", "", List.of("system:authenticated"), Map.of());

    private PolicyFixtures() {
    }

    /** A policy on creates and updates of apps/v1 deployments, failurePolicy Fail, generation 1. */
    static ValidatingAdmissionPolicy policy(String name, UnaryOperator<ValidatingAdmissionPolicySpecBuilder> spec) {
        ValidatingAdmissionPolicySpecBuilder b = new ValidatingAdmissionPolicySpecBuilder()
                .withFailurePolicy("Fail")
                .withNewMatchConstraints().addNewResourceRule().withApiGroups("apps").withApiVersions("v1")
                .withOperations("CREATE", "UPDATE").withResources("deployments").endResourceRule()
                .endMatchConstraints();
        return new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName(name).withUid("uid-" + name)
                .withGeneration(1L).withResourceVersion("1").endMetadata().withSpec(spec.apply(b).build()).build();
    }

    static ValidatingAdmissionPolicyBinding binding(String name, String policy,
                                                    UnaryOperator<ValidatingAdmissionPolicyBindingSpecBuilder> spec) {
        ValidatingAdmissionPolicyBindingSpecBuilder b = new ValidatingAdmissionPolicyBindingSpecBuilder()
                .withPolicyName(policy).withValidationActions("Deny");
        return new ValidatingAdmissionPolicyBindingBuilder().withNewMetadata().withName(name).endMetadata()
                .withSpec(spec.apply(b).build()).build();
    }

    static ConfigMap configMap(String namespace, String name, String maxReplicas, String... labels) {
        ConfigMapBuilder b = new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .endMetadata().addToData("maxReplicas", maxReplicas);
        for (int i = 0; i < labels.length; i += 2) {
            b.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
        }
        return b.build();
    }

    static Deployment deployment(String namespace, int replicas) {
        return new DeploymentBuilder().withNewMetadata().withNamespace(namespace).withName("web")
                .addToLabels("app", "web").endMetadata().withNewSpec().withReplicas(replicas).endSpec().build();
    }

    static AdmissionAttributes create(Deployment d, Recorder recorder) {
        GroupVersionKind kind = new GroupVersionKind("apps", "v1", "Deployment");
        return new AdmissionAttributes(Operation.CREATE, kind, kind, new GroupVersionResource("apps", "v1", "deployments"),
                "", d.getMetadata().getNamespace(), d.getMetadata().getName(), d, null, new CreateOptions(), ALICE,
                false, recorder);
    }

    /** Policies and bindings held in lists; every change bumps the revision. */
    static final class Source implements PolicySource {
        final List<ValidatingAdmissionPolicy> policies = new ArrayList<>();
        final List<ValidatingAdmissionPolicyBinding> bindings = new ArrayList<>();
        final AtomicLong revision = new AtomicLong();
        boolean synced = true;

        Source add(HasMetadata... objects) {
            for (HasMetadata o : objects) {
                if (o instanceof ValidatingAdmissionPolicy p) {
                    policies.removeIf(x -> x.getMetadata().getName().equals(p.getMetadata().getName()));
                    policies.add(p);
                } else {
                    bindings.add((ValidatingAdmissionPolicyBinding) o);
                }
            }
            revision.incrementAndGet();
            return this;
        }

        @Override
        public List<ValidatingAdmissionPolicy> policies() {
            return List.copyOf(policies);
        }

        @Override
        public List<ValidatingAdmissionPolicyBinding> bindings() {
            return List.copyOf(bindings);
        }

        @Override
        public long revision() {
            return revision.get();
        }

        @Override
        public boolean synced() {
            return synced;
        }
    }

    /** ConfigMaps as params (v1 ConfigMap is the only kind served). */
    static final class ConfigMaps implements ParamSource, ParamSource.Params {
        final List<ConfigMap> items = new ArrayList<>();

        @Override
        public Optional<Params> forKind(String apiVersion, String kind) {
            return apiVersion.equals("v1") && kind.equals("ConfigMap") ? Optional.of(this) : Optional.empty();
        }

        @Override
        public boolean namespaced() {
            return true;
        }

        @Override
        public boolean synced() {
            return true;
        }

        @Override
        public Optional<HasMetadata> get(String namespace, String name) {
            return items.stream().filter(c -> c.getMetadata().getNamespace().equals(namespace)
                    && c.getMetadata().getName().equals(name)).<HasMetadata>map(c -> c).findFirst();
        }

        @Override
        public List<HasMetadata> list(String namespace, LabelSelector selector) {
            return items.stream().filter(c -> c.getMetadata().getNamespace().equals(namespace)
                    && selector.matches(c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels()))
                    .<HasMetadata>map(c -> c).toList();
        }
    }

    static final Map<String, Namespace> NAMESPACES = Map.of(
            "prod", new NamespaceBuilder().withNewMetadata().withName("prod").addToLabels("env", "production")
                    .endMetadata().build(),
            "dev", new NamespaceBuilder().withNewMetadata().withName("dev").addToLabels("env", "development")
                    .endMetadata().build());

    static ValidatingAdmissionPolicyPlugin plugin(Source source, ConfigMaps params) {
        return new ValidatingAdmissionPolicyPlugin(source, params, name -> Optional.ofNullable(NAMESPACES.get(name)),
                dev.kapi.apiserver.admission.plugin.matching.EquivalentResources.NONE,
                attributes -> attributes.user().name().equals("alice") && attributes.verb().equals("create")
                        ? Decision.allow("") : Decision.noOpinion("no"));
    }

    /** Records warnings and audit annotations. */
    static final class Recorder implements AdmissionRecorder {
        final List<String> warnings = new ArrayList<>();
        final Map<String, String> annotations = new LinkedHashMap<>();

        @Override
        public void warn(String warning) {
            warnings.add(warning);
        }

        @Override
        public void annotate(String key, String value) {
            annotations.put(key, value);
        }
    }
}
