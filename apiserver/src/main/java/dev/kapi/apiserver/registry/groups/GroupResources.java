package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.groups.admissionregistration.MutatingWebhookConfigurationStrategy;
import dev.kapi.apiserver.registry.groups.admissionregistration.ValidatingAdmissionPolicyBindingStrategy;
import dev.kapi.apiserver.registry.groups.admissionregistration.ValidatingAdmissionPolicyStrategy;
import dev.kapi.apiserver.registry.groups.admissionregistration.ValidatingWebhookConfigurationStrategy;
import dev.kapi.apiserver.registry.groups.apps.ControllerRevisionStrategy;
import dev.kapi.apiserver.registry.groups.apps.DaemonSetStrategy;
import dev.kapi.apiserver.registry.groups.apps.DeploymentStrategy;
import dev.kapi.apiserver.registry.groups.apps.ReplicaSetStrategy;
import dev.kapi.apiserver.registry.groups.apps.StatefulSetStrategy;
import dev.kapi.apiserver.registry.groups.batch.CronJobStrategy;
import dev.kapi.apiserver.registry.groups.batch.JobStrategy;
import dev.kapi.apiserver.registry.groups.coordination.LeaseStrategy;
import dev.kapi.apiserver.registry.groups.discovery.EndpointSliceStrategy;
import dev.kapi.apiserver.registry.groups.networking.IngressClassStrategy;
import dev.kapi.apiserver.registry.groups.networking.IngressStrategy;
import dev.kapi.apiserver.registry.groups.networking.NetworkPolicyStrategy;
import dev.kapi.apiserver.registry.groups.policy.PodDisruptionBudgetStrategy;
import dev.kapi.apiserver.registry.groups.scheduling.PriorityClassStrategy;
import dev.kapi.apiserver.registry.groups.storage.StorageClassStrategy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

import java.util.List;

/** The named API groups' resources ({@code /apis/<group>/<version>}), one definition each, in discovery order. */
public final class GroupResources {

    /** admissionregistration.k8s.io: webhook configurations and validating admission policies, as stored objects. */
    public static final String ADMISSION = "admissionregistration.k8s.io";
    private static final String API_EXTENSIONS = "api-extensions";

    private GroupResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        return List.of(
                ResourceDefinition.builder("apps", "v1", "deployments", "Deployment", Deployment.class)
                        .shortNames("deploy").categories("all").subresources("status")
                        .tracksGeneration().strategy(new DeploymentStrategy()).scale(DeploymentStrategy.scale()).build(),
                ResourceDefinition.builder("apps", "v1", "replicasets", "ReplicaSet", ReplicaSet.class)
                        .shortNames("rs").categories("all").subresources("status")
                        .tracksGeneration().strategy(new ReplicaSetStrategy()).scale(ReplicaSetStrategy.scale()).build(),
                ResourceDefinition.builder("apps", "v1", "statefulsets", "StatefulSet", StatefulSet.class)
                        .shortNames("sts").categories("all").subresources("status")
                        .tracksGeneration().strategy(new StatefulSetStrategy()).scale(StatefulSetStrategy.scale()).build(),
                ResourceDefinition.builder("apps", "v1", "daemonsets", "DaemonSet", DaemonSet.class)
                        .shortNames("ds").categories("all").subresources("status")
                        .tracksGeneration().strategy(new DaemonSetStrategy()).build(),
                ResourceDefinition.builder("apps", "v1", "controllerrevisions", "ControllerRevision",
                                ControllerRevision.class)
                        .strategy(new ControllerRevisionStrategy()).build(),
                ResourceDefinition.builder("batch", "v1", "jobs", "Job", Job.class)
                        .categories("all").subresources("status").tracksGeneration().strategy(new JobStrategy()).build(),
                ResourceDefinition.builder("batch", "v1", "cronjobs", "CronJob", CronJob.class)
                        .shortNames("cj").categories("all").subresources("status")
                        .tracksGeneration().strategy(new CronJobStrategy()).build(),
                ResourceDefinition.builder("coordination.k8s.io", "v1", "leases", "Lease", Lease.class)
                        .strategy(new LeaseStrategy()).build(),
                ResourceDefinition.builder("networking.k8s.io", "v1", "ingresses", "Ingress", Ingress.class)
                        .shortNames("ing").subresources("status").tracksGeneration().strategy(new IngressStrategy()).build(),
                ResourceDefinition.builder("networking.k8s.io", "v1", "ingressclasses", "IngressClass",
                                IngressClass.class)
                        .clusterScoped().tracksGeneration().strategy(new IngressClassStrategy()).build(),
                ResourceDefinition.builder("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy",
                                NetworkPolicy.class)
                        .shortNames("netpol").tracksGeneration().strategy(new NetworkPolicyStrategy()).build(),
                ResourceDefinition.builder("storage.k8s.io", "v1", "storageclasses", "StorageClass",
                                StorageClass.class)
                        .clusterScoped().shortNames("sc").strategy(new StorageClassStrategy()).build(),
                ResourceDefinition.builder("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget",
                                PodDisruptionBudget.class)
                        .shortNames("pdb").subresources("status").tracksGeneration().strategy(new PodDisruptionBudgetStrategy()).build(),
                ResourceDefinition.builder("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice",
                                EndpointSlice.class)
                        .tracksGeneration().strategy(new EndpointSliceStrategy()).build(),
                ResourceDefinition.builder("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass",
                                PriorityClass.class)
                        .clusterScoped().shortNames("pc").strategy(new PriorityClassStrategy()).build(),
                ResourceDefinition.builder(ADMISSION, "v1", "mutatingwebhookconfigurations",
                                "MutatingWebhookConfiguration", MutatingWebhookConfiguration.class)
                        .clusterScoped().categories(API_EXTENSIONS).tracksGeneration()
                        .strategy(new MutatingWebhookConfigurationStrategy()).build(),
                ResourceDefinition.builder(ADMISSION, "v1", "validatingadmissionpolicies",
                                "ValidatingAdmissionPolicy", ValidatingAdmissionPolicy.class)
                        .clusterScoped().categories(API_EXTENSIONS).subresources("status").tracksGeneration()
                        .strategy(new ValidatingAdmissionPolicyStrategy()).build(),
                ResourceDefinition.builder(ADMISSION, "v1", "validatingadmissionpolicybindings",
                                "ValidatingAdmissionPolicyBinding", ValidatingAdmissionPolicyBinding.class)
                        .clusterScoped().categories(API_EXTENSIONS).tracksGeneration()
                        .strategy(new ValidatingAdmissionPolicyBindingStrategy()).build(),
                ResourceDefinition.builder(ADMISSION, "v1", "validatingwebhookconfigurations",
                                "ValidatingWebhookConfiguration", ValidatingWebhookConfiguration.class)
                        .clusterScoped().categories(API_EXTENSIONS).tracksGeneration()
                        .strategy(new ValidatingWebhookConfigurationStrategy()).build());
    }
}
