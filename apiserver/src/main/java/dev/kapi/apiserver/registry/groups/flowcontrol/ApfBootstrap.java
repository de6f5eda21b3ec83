package dev.kapi.apiserver.registry.groups.flowcontrol;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaBuilder;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.NonResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationBuilder;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.Subject;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.SubjectBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * The API Priority and Fairness configuration kube-apiserver 1.32 keeps in every cluster (its
 * {@code apis/flowcontrol/bootstrap} objects): the mandatory {@code exempt} and {@code catch-all} priority levels
 * and flow schemas, and the suggested ones (system, node-high, leader-election, workload-high, workload-low,
 * global-default; probes, system-leader-election, endpoint-controller, ...).
 */
public final class ApfBootstrap {

    /** kube's {@code apf.kubernetes.io/autoupdate-spec}: "true" lets the server keep the spec as it bootstraps it. */
    public static final String AUTOUPDATE = "apf.kubernetes.io/autoupdate-spec";
    private static final String MASTERS = "system:masters";
    private static final String UNAUTHENTICATED = "system:unauthenticated";
    private static final String AUTHENTICATED = "system:authenticated";
    private static final String KCM = "system:kube-controller-manager";
    private static final String SCHEDULER = "system:kube-scheduler";

    private ApfBootstrap() {
    }

    public static List<PriorityLevelConfiguration> mandatoryPriorityLevels() {
        return List.of(
                new PriorityLevelConfigurationBuilder().withMetadata(meta("exempt")).withNewSpec().withType("Exempt")
                        .withNewExempt().withNominalConcurrencyShares(0).withLendablePercent(0).endExempt()
                        .endSpec().build(),
                limited("catch-all", 5, 0, 0, 0, 0));
    }

    public static List<PriorityLevelConfiguration> suggestedPriorityLevels() {
        return List.of(
                limited("system", 30, 33, 64, 6, 50),
                limited("node-high", 40, 25, 64, 6, 50),
                limited("leader-election", 10, 0, 16, 4, 50),
                limited("workload-high", 40, 50, 128, 6, 50),
                limited("workload-low", 100, 90, 128, 6, 50),
                limited("global-default", 20, 50, 128, 6, 50));
    }

    public static List<FlowSchema> mandatoryFlowSchemas() {
        return List.of(
                schema("exempt", "exempt", 1, null, everything(groups(MASTERS))),
                schema("catch-all", "catch-all", 10000, "ByUser", everything(groups(UNAUTHENTICATED, AUTHENTICATED))));
    }

    public static List<FlowSchema> suggestedFlowSchemas() {
        List<Subject> leaderElectors = new ArrayList<>(users(KCM, SCHEDULER));
        leaderElectors.add(serviceAccount("*"));
        List<Subject> kcmEndpoints = new ArrayList<>(users(KCM));
        kcmEndpoints.add(serviceAccount("endpoint-controller"));
        return List.of(
                schema("system-nodes", "system", 500, "ByUser", everything(groups("system:nodes"))),
                schema("system-node-high", "node-high", 400, "ByUser", rules(groups("system:nodes"), List.of(
                        resource(List.of("*"), "", List.of("nodes", "nodes/status"), List.of(), true),
                        resource(List.of("*"), "coordination.k8s.io", List.of("leases"), List.of("*"), false)),
                        List.of())),
                schema("probes", "exempt", 2, null, rules(groups(UNAUTHENTICATED, AUTHENTICATED), List.of(),
                        List.of(new NonResourcePolicyRule(List.of("/healthz", "/readyz", "/livez"), List.of("get"))))),
                schema("system-leader-election", "leader-election", 100, "ByUser", rules(leaderElectors, List.of(
                        resource(List.of("get", "create", "update"), "", List.of("endpoints", "configmaps"),
                                List.of("kube-system"), false),
                        resource(List.of("get", "create", "update"), "coordination.k8s.io", List.of("leases"),
                                List.of("*"), false)), List.of())),
                schema("endpoint-controller", "workload-high", 150, "ByUser", rules(kcmEndpoints, List.of(
                        resource(List.of("get", "create", "update"), "", List.of("endpoints"), List.of("*"), false)),
                        List.of())),
                schema("workload-leader-election", "leader-election", 200, "ByUser",
                        rules(List.of(serviceAccount("*")), List.of(
                                resource(List.of("get", "create", "update"), "", List.of("endpoints", "configmaps"),
                                        List.of("*"), false),
                                resource(List.of("get", "create", "update"), "coordination.k8s.io", List.of("leases"),
                                        List.of("*"), false)), List.of())),
                schema("kube-controller-manager", "workload-high", 800, "ByNamespace", everything(users(KCM))),
                schema("kube-scheduler", "workload-high", 800, "ByNamespace", everything(users(SCHEDULER))),
                schema("kube-system-service-accounts", "workload-high", 900, "ByNamespace",
                        everything(List.of(serviceAccount("*")))),
                schema("service-accounts", "workload-low", 9000, "ByUser", everything(groups("system:serviceaccounts"))),
                schema("global-default", "global-default", 9900, "ByUser",
                        everything(groups(UNAUTHENTICATED, AUTHENTICATED))));
    }

    private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).build();
    }

    private static PriorityLevelConfiguration limited(String name, int shares, int lendable, int queues, int handSize,
                                                      int queueLength) {
        PriorityLevelConfigurationBuilder b = new PriorityLevelConfigurationBuilder().withMetadata(meta(name))
                .withNewSpec().withType("Limited").withNewLimited().withNominalConcurrencyShares(shares)
                .withLendablePercent(lendable).endLimited().endSpec();
        PriorityLevelConfiguration pl = b.build();
        if (queues == 0) {
            pl.getSpec().getLimited().setLimitResponse(new io.fabric8.kubernetes.api.model.flowcontrol.v1
                    .LimitResponseBuilder().withType("Reject").build());
        } else {
            pl.getSpec().getLimited().setLimitResponse(new io.fabric8.kubernetes.api.model.flowcontrol.v1
                    .LimitResponseBuilder().withType("Queue").withNewQueuing().withQueues(queues).withHandSize(handSize)
                    .withQueueLengthLimit(queueLength).endQueuing().build());
        }
        return pl;
    }

    private static FlowSchema schema(String name, String level, int precedence, String distinguisher,
                                     PolicyRulesWithSubjects rules) {
        FlowSchema fs = new FlowSchemaBuilder().withMetadata(meta(name)).withNewSpec()
                .withNewPriorityLevelConfiguration(level).withMatchingPrecedence(precedence)
                .withRules(rules).endSpec().build();
        if (distinguisher != null) {
            fs.getSpec().setDistinguisherMethod(new io.fabric8.kubernetes.api.model.flowcontrol.v1
                    .FlowDistinguisherMethod(distinguisher));
        }
        return fs;
    }

    /** Every verb on every resource (in every namespace and cluster-wide) and every non-resource URL. */
    private static PolicyRulesWithSubjects everything(List<Subject> subjects) {
        return rules(subjects, List.of(resource(List.of("*"), "*", List.of("*"), List.of("*"), true)),
                List.of(new NonResourcePolicyRule(List.of("*"), List.of("*"))));
    }

    private static PolicyRulesWithSubjects rules(List<Subject> subjects, List<ResourcePolicyRule> resources,
                                                 List<NonResourcePolicyRule> nonResources) {
        PolicyRulesWithSubjects r = new PolicyRulesWithSubjects();
        r.setSubjects(subjects);
        if (!resources.isEmpty()) {
            r.setResourceRules(resources);
        }
        if (!nonResources.isEmpty()) {
            r.setNonResourceRules(nonResources);
        }
        return r;
    }

    private static ResourcePolicyRule resource(List<String> verbs, String group, List<String> resources,
                                               List<String> namespaces, boolean clusterScope) {
        ResourcePolicyRule r = new ResourcePolicyRule();
        r.setVerbs(verbs);
        r.setApiGroups(List.of(group));
        r.setResources(resources);
        if (!namespaces.isEmpty()) {
            r.setNamespaces(namespaces);
        }
        if (clusterScope) {
            r.setClusterScope(true);
        }
        return r;
    }

    private static List<Subject> groups(String... names) {
        List<Subject> s = new ArrayList<>();
        for (String n : names) {
            s.add(new SubjectBuilder().withKind("Group").withNewGroup(n).build());
        }
        return s;
    }

    private static List<Subject> users(String... names) {
        List<Subject> s = new ArrayList<>();
        for (String n : names) {
            s.add(new SubjectBuilder().withKind("User").withNewUser(n).build());
        }
        return s;
    }

    private static Subject serviceAccount(String name) {
        return new SubjectBuilder().withKind("ServiceAccount").withNewServiceAccount(name, "kube-system").build();
    }
}
