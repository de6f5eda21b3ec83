package dev.kapi.apiserver.registry.groups.flowcontrol;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaBuilder;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowcontrol.apiserver.k8s.io/v1 as kube serves it: the strategies' defaults, validation and columns, and the
 * bootstrap configuration kept in a real etcd with kube's {@code apf.kubernetes.io/autoupdate-spec} semantics.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowControlTest {

    private EtcdStorage storage;
    private StoreRegistry stores;
    private Store<FlowSchema> schemas;
    private Store<PriorityLevelConfiguration> levels;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        schemas = stores.find("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", FlowSchema.class).orElseThrow();
        levels = stores.find("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations",
                PriorityLevelConfiguration.class).orElseThrow();
    }

    @AfterAll
    void stop() {
        storage.close();
    }

    private static List<String> errors(List<FieldError> errs) {
        return errs.stream().map(FieldError::toString).toList();
    }

    @Test
    void flowSchemaDefaultsAndValidation() {
        FlowSchemaStrategy s = new FlowSchemaStrategy();
        FlowSchema fs = new FlowSchemaBuilder().withNewMetadata().withName("mine").endMetadata().withNewSpec()
                .withNewPriorityLevelConfiguration("workload-low").withNewDistinguisherMethod("ByGroup")
                .addNewRule().addNewResourceRule().withVerbs("*", "get").withApiGroups("").withResources("pods")
                .endResourceRule().endRule().addNewRule().addNewSubject().withKind("User").endSubject().endRule()
                .endSpec().build();
        s.applyDefaults(fs);
        assertThat(fs.getSpec().getMatchingPrecedence()).isEqualTo(1000);
        assertThat(errors(s.validate(fs))).containsExactly(
                "spec.distinguisherMethod.type: Unsupported value: \"ByGroup\": supported values: \"ByNamespace\", \"ByUser\"",
                "spec.rules[0].subjects: Required value: subjects must contain at least one value",
                "spec.rules[0].resourceRules[0].verbs: Invalid value: []string{\"*\", \"get\"}: if '*' is present, must not specify other verbs",
                "spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace",
                "spec.rules[1].subjects[0].user: Required value: user is required when subject kind is 'User'",
                "spec.rules[1]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty");
        fs.getSpec().setMatchingPrecedence(1);
        fs.getSpec().setRules(List.of());
        fs.getSpec().getDistinguisherMethod().setType("ByUser");
        fs.getSpec().getPriorityLevelConfiguration().setName("");
        assertThat(errors(s.validate(fs))).containsExactly(
                "spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1",
                "spec.priorityLevelConfiguration.name: Required value: must reference a priority level");
        fs.getSpec().setMatchingPrecedence(10001);
        assertThat(errors(s.validate(fs))).first().asString().isEqualTo(
                "spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000");
        FlowSchema exempt = ApfBootstrap.mandatoryFlowSchemas().get(0);
        assertThat(s.tableColumns().stream().map(c -> c.name())).containsExactly(
                "Name", "PriorityLevel", "MatchingPrecedence", "DistinguisherMethod", "Age", "MissingPL");
        assertThat(s.tableColumns().stream().map(c -> c.cell().apply(exempt)).toList())
                .startsWith("exempt", "exempt", 1L, "<none>").endsWith("?");
    }

    @Test
    void priorityLevelDefaultsAndValidation() {
        PriorityLevelConfigurationStrategy s = new PriorityLevelConfigurationStrategy();
        PriorityLevelConfiguration pl = new PriorityLevelConfigurationBuilder().withNewMetadata().withName("mine")
                .endMetadata().withNewSpec().withType("Limited").withNewLimited().withNewLimitResponse()
                .withType("Queue").withNewQueuing().endQueuing().endLimitResponse().endLimited().endSpec().build();
        s.applyDefaults(pl);
        var limited = pl.getSpec().getLimited();
        assertThat(List.of(limited.getNominalConcurrencyShares(), limited.getLendablePercent(),
                limited.getLimitResponse().getQueuing().getQueues(), limited.getLimitResponse().getQueuing().getHandSize(),
                limited.getLimitResponse().getQueuing().getQueueLengthLimit())).containsExactly(30, 0, 64, 8, 50);
        assertThat(s.validate(pl)).isEmpty();
        limited.getLimitResponse().getQueuing().setHandSize(65);
        limited.setLendablePercent(101);
        assertThat(errors(s.validate(pl))).containsExactly(
                "spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive",
                "spec.limited.limitResponse.queuing.handSize: Invalid value: 65: should not be greater than queues (64)");
        pl.getSpec().setType("Exempt");
        assertThat(errors(s.validate(pl))).containsExactly(
                "spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'",
                "spec.limited: Forbidden: must be nil if the type is not Limited");
        assertThat(s.tableColumns().stream().map(c -> c.name())).containsExactly(
                "Name", "Type", "NominalConcurrencyShares", "Queues", "HandSize", "QueueLengthLimit", "Age");
        PriorityLevelConfiguration exempt = ApfBootstrap.mandatoryPriorityLevels().get(0);
        assertThat(s.tableColumns().stream().map(c -> c.cell().apply(exempt)).toList())
                .startsWith("exempt", "Exempt", "<none>", "<none>", "<none>", "<none>");
        PriorityLevelConfiguration high = ApfBootstrap.suggestedPriorityLevels().get(3);
        assertThat(s.tableColumns().stream().map(c -> c.cell().apply(high)).toList())
                .startsWith("workload-high", "Limited", 40L, 128L, 6L, 50L);
    }

    @Test
    void theBootstrapObjectsAreValidAndUnchangedByDefaults() {
        FlowSchemaStrategy fs = new FlowSchemaStrategy();
        PriorityLevelConfigurationStrategy pl = new PriorityLevelConfigurationStrategy();
        for (FlowSchema o : List.of(ApfBootstrap.mandatoryFlowSchemas(), ApfBootstrap.suggestedFlowSchemas())
                .stream().flatMap(List::stream).toList()) {
            FlowSchema defaulted = new FlowSchemaBuilder(o).build();
            fs.applyDefaults(defaulted);
            assertThat(defaulted).isEqualTo(o);
            assertThat(fs.validate(o)).as(o.getMetadata().getName()).isEmpty();
        }
        for (PriorityLevelConfiguration o : List.of(ApfBootstrap.mandatoryPriorityLevels(),
                ApfBootstrap.suggestedPriorityLevels()).stream().flatMap(List::stream).toList()) {
            PriorityLevelConfiguration defaulted = new PriorityLevelConfigurationBuilder(o).build();
            pl.applyDefaults(defaulted);
            assertThat(defaulted).isEqualTo(o);
            assertThat(pl.validate(o)).as(o.getMetadata().getName()).isEmpty();
        }
    }

    @Test
    void theEnsurerKeepsTheBootstrapConfigurationAsKubeDoes() {
        ApfConfigurationEnsurer ensurer = new ApfConfigurationEnsurer(stores, Writes.PIPELINE);
        ensurer.ensure();
        assertThat(schemas.list(null, ListParams.all()).items()).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("exempt", "probes", "system-leader-election", "endpoint-controller",
                        "workload-leader-election", "system-node-high", "system-nodes", "kube-controller-manager",
                        "kube-scheduler", "kube-system-service-accounts", "service-accounts", "global-default",
                        "catch-all");
        assertThat(levels.list(null, ListParams.all()).items()).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("exempt", "catch-all", "system", "node-high", "leader-election",
                        "workload-high", "workload-low", "global-default");
        assertThat(schemas.get(null, "exempt").getMetadata().getAnnotations())
                .containsEntry("apf.kubernetes.io/autoupdate-spec", "true");

        // a mandatory object is put back; a suggested one annotated "false" keeps the user's change; one
        // annotated "true" is put back; a deleted one comes back; an autoupdated one kube no longer has goes
        Writes.update(levels, null, "catch-all", null, o -> {
            o.getSpec().getLimited().setNominalConcurrencyShares(99);
            return o;
        });
        Writes.update(schemas, null, "global-default", null, o -> {
            o.getSpec().setMatchingPrecedence(9999);
            o.getMetadata().setAnnotations(Map.of("apf.kubernetes.io/autoupdate-spec", "false"));
            return o;
        });
        Writes.update(schemas, null, "service-accounts", null, o -> {
            o.getSpec().setMatchingPrecedence(9001);
            return o;
        });
        Writes.delete(schemas, null, "probes");
        FlowSchema old = ApfBootstrap.suggestedFlowSchemas().get(0);
        old.getMetadata().setName("retired");
        old.getMetadata().setAnnotations(Map.of("apf.kubernetes.io/autoupdate-spec", "true"));
        Writes.create(schemas, null, old);
        FlowSchema mine = ApfBootstrap.suggestedFlowSchemas().get(0);
        mine.getMetadata().setName("mine");
        Writes.create(schemas, null, mine);

        ensurer.ensure();
        assertThat(levels.get(null, "catch-all").getSpec().getLimited().getNominalConcurrencyShares()).isEqualTo(5);
        assertThat(schemas.get(null, "global-default").getSpec().getMatchingPrecedence()).isEqualTo(9999);
        assertThat(schemas.get(null, "service-accounts").getSpec().getMatchingPrecedence()).isEqualTo(9000);
        assertThat(schemas.get(null, "probes").getSpec().getMatchingPrecedence()).isEqualTo(2);
        assertThat(schemas.list(null, ListParams.all()).items()).extracting(o -> o.getMetadata().getName())
                .doesNotContain("retired").contains("mine");
    }
}
