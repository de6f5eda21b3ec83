package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * POST {@code pods/<name>/eviction} on a real etcd, one row per case of kube's eviction subresource: the pod is
 * deleted (201 Success) unless the one PodDisruptionBudget selecting it has no disruption left (429 with the
 * DisruptionBudget cause); a pod that is not running (Pending, Succeeded, Failed) skips the budgets; a pod not
 * Ready may go while its budget has the healthy pods it wants; two budgets are kube's 500; a dry run deletes
 * nothing. The eviction trusts the budget's status, which the disruption controller (running here, as in the
 * server) keeps: each row waits until the controller has seen its pods.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodEvictionTest {

    private EtcdStorage storage;
    private Store<Pod> pods;
    private Store<PodDisruptionBudget> budgets;
    private ResourceDispatcher dispatcher;
    private ControllerManager controllers;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        budgets = stores.find("policy", "v1", "poddisruptionbudgets", PodDisruptionBudget.class).orElseThrow();
        dispatcher = new ResourceDispatcher(stores, Writes.PIPELINE);
        controllers = new ControllerManager(stores, Writes.PIPELINE);
        controllers.start();
    }

    @AfterAll
    void stop() {
        controllers.close();
        storage.close();
    }

    /** A pod of app {@code app} in phase {@code phase}, Ready or not. */
    record P(String name, String app, String phase, boolean ready) {
    }

    /** A budget selecting app {@code app} ("" = an empty selector) with minAvailable or maxUnavailable. */
    record B(String name, String app, String minAvailable, String maxUnavailable) {
    }

    /**
     * @param message the Status message ("" for a Success)
     * @param cause   the Status's one cause as "reason: message", or null for none
     */
    record Row(String name, List<P> pods, List<B> budgets, String evict, boolean dryRun, int code, String message,
               String cause, boolean gone) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget.";

    static Stream<Row> rows() {
        P web1 = new P("web-1", "web", "Running", true);
        P web2 = new P("web-2", "web", "Running", true);
        return Stream.of(
                new Row("no budget: the pod goes", List.of(web1), List.of(), "web-1", false, 201, "",
                        null, true),
                new Row("minAvailable 1 of 2 ready: allowed", List.of(web1, web2),
                        List.of(new B("pdb", "web", "1", null)), "web-1", false, 201, "", null, true),
                new Row("minAvailable 2 of 2 ready: refused, with kube's cause", List.of(web1, web2),
                        List.of(new B("pdb", "web", "2", null)), "web-1", false, 429, TOO_MANY,
                        "DisruptionBudget: The disruption budget pdb needs 2 healthy pods and has 2 currently", false),
                new Row("minAvailable 50% of 2 ready (1, rounded up): allowed", List.of(web1, web2),
                        List.of(new B("pdb", "web", "50%", null)), "web-1", false, 201, "", null, true),
                new Row("minAvailable 100% of 2 ready: refused", List.of(web1, web2),
                        List.of(new B("pdb", "web", "100%", null)), "web-1", false, 429, TOO_MANY,
                        "DisruptionBudget: The disruption budget pdb needs 2 healthy pods and has 2 currently", false),
                new Row("maxUnavailable 0: refused", List.of(web1, web2),
                        List.of(new B("pdb", "web", null, "0")), "web-1", false, 429, TOO_MANY,
                        "DisruptionBudget: The disruption budget pdb needs 2 healthy pods and has 2 currently", false),
                new Row("maxUnavailable 1 with one of two not ready: evicting the ready one is refused",
                        List.of(web1, new P("web-2", "web", "Running", false)),
                        List.of(new B("pdb", "web", null, "1")), "web-1", false, 429, TOO_MANY,
                        "DisruptionBudget: The disruption budget pdb needs 1 healthy pods and has 1 currently", false),
                new Row("maxUnavailable 1 with two ready: allowed", List.of(web1, web2),
                        List.of(new B("pdb", "web", null, "1")), "web-1", false, 201, "", null, true),
                new Row("a budget of other pods does not hold this one", List.of(web1),
                        List.of(new B("pdb", "db", "1", null)), "web-1", false, 201, "", null, true),
                new Row("dry run: allowed, the pod stays", List.of(web1, web2),
                        List.of(new B("pdb", "web", "1", null)), "web-1", true, 201, "", null, false),
                new Row("dry run refused like a real one", List.of(web1),
                        List.of(new B("pdb", "web", "1", null)), "web-1", true, 429, TOO_MANY,
                        "DisruptionBudget: The disruption budget pdb needs 1 healthy pods and has 1 currently", false),
                new Row("a Pending pod is not running: it goes whatever its budget says",
                        List.of(new P("web-1", "web", "Pending", false)),
                        List.of(new B("pdb", "web", "1", null)), "web-1", false, 201, "", null, true),
                new Row("a Succeeded pod goes whatever its budget says",
                        List.of(new P("web-1", "web", "Succeeded", false)),
                        List.of(new B("pdb", "web", "1", null)), "web-1", false, 201, "", null, true),
                new Row("a running pod not Ready goes while its budget has the healthy pods it wants",
                        List.of(web1, web2, new P("web-3", "web", "Running", false)),
                        List.of(new B("pdb", "web", "2", null)), "web-3", false, 201, "", null, true),
                new Row("a running pod not Ready is refused when its budget lacks healthy pods",
                        List.of(web1, new P("web-3", "web", "Running", false)),
                        List.of(new B("pdb", "web", "2", null)), "web-3", false, 429, TOO_MANY,
                        "DisruptionBudget: The disruption budget pdb needs 2 healthy pods and has 1 currently", false),
                new Row("an empty selector selects nothing (kube's eviction ignores such a budget)", List.of(web1),
                        List.of(new B("pdb", "", "1", null)), "web-1", false, 201, "", null, true),
                new Row("two budgets for one pod: kube's 500", List.of(web1, web2),
                        List.of(new B("a", "web", "1", null), new B("b", "web", null, "1")), "web-1", false, 500,
                        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not"
                                + " support.", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eviction(Row row) throws Exception {
        String ns = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        for (P p : row.pods()) {
            pod(ns, p);
        }
        for (B b : row.budgets()) {
            budget(ns, b);
            settled(ns, b.name(), row.pods().stream().filter(p -> p.app().equals(b.app())).toList());
        }
        String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + row.evict()
                + "\"}" + (row.dryRun() ? ",\"deleteOptions\":{\"dryRun\":[\"All\"]}" : "") + "}";
        MockHttpServletResponse res = post("/api/v1/namespaces/" + ns + "/pods/" + row.evict() + "/eviction", body);
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(row.code());
        JsonNode status = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("status").asString()).isEqualTo(row.code() == 201 ? "Success" : "Failure");
        assertThat(status.path("message").asString("")).isEqualTo(row.message());
        JsonNode causes = status.path("details").path("causes");
        assertThat(causes.isMissingNode() || causes.isEmpty() ? null
                : causes.path(0).path("reason").asString() + ": " + causes.path(0).path("message").asString())
                .isEqualTo(row.cause());
        assertThat(exists(ns, row.evict())).as("the pod is still there").isEqualTo(!row.gone());
    }

    @Test
    void eachEvictionTakesOneDisruptionAtOnceWithoutWaitingForTheController() throws Exception {
        String ns = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        List<P> three = List.of(new P("web-1", "web", "Running", true), new P("web-2", "web", "Running", true),
                new P("web-3", "web", "Running", true));
        three.forEach(p -> pod(ns, p));
        budget(ns, new B("pdb", "web", "1", null));
        settled(ns, "pdb", three);
        assertThat(evict(ns, "web-1").getStatus()).isEqualTo(201);
        assertThat(evict(ns, "web-2").getStatus()).isEqualTo(201);
        MockHttpServletResponse third = evict(ns, "web-3");
        assertThat(third.getStatus()).as(third.getContentAsString()).isEqualTo(429);
        assertThat(exists(ns, "web-3")).isTrue();
        PodDisruptionBudget pdb = budgets.get(ns, "pdb");
        assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();
        assertThat(pdb.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("DisruptionAllowed");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InsufficientPods");
        });
        // the controller then sees the two pods gone: one healthy pod, the one wanted, none to spare
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var s = budgets.get(ns, "pdb").getStatus();
            assertThat(s.getExpectedPods()).isEqualTo(1);
            assertThat(s.getCurrentHealthy()).isEqualTo(1);
            assertThat(s.getDisruptionsAllowed()).isZero();
            assertThat(s.getDisruptedPods()).isNullOrEmpty();
        });
    }

    @Test
    void aChangedBudgetRefusesUntilTheControllerHasComputedIt() throws Exception {
        String ns = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        pod(ns, new P("web-1", "web", "Running", true));
        budget(ns, new B("pdb", "web", "0", null));
        settled(ns, "pdb", List.of(new P("web-1", "web", "Running", true)));
        // a spec change (generation 2): until the controller has written a status of generation 2 the
        // eviction is refused as "still being processed", after that as short of healthy pods
        Writes.update(budgets, ns, "pdb", null, b -> {
            b.getSpec().setMinAvailable(new IntOrString(1));
            return b;
        });
        MockHttpServletResponse res = evict(ns, "web-1");
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(429);
        JsonNode status = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(status.path("details").path("causes").path(0).path("message").asString())
                .isIn("The disruption budget pdb is still being processed by the server.",
                        "The disruption budget pdb needs 1 healthy pods and has 1 currently");
        assertThat(exists(ns, "web-1")).isTrue();
    }

    @Test
    void theEvictedPodIsMarkedWithTheDisruptionTargetConditionBeforeItGoes() throws Exception {
        String ns = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        pod(ns, new P("held", "web", "Running", true));
        Writes.update(pods, ns, "held", null, p -> {
            p.getMetadata().setFinalizers(List.of("example.com/hold"));
            return p;
        });
        MockHttpServletResponse dry = post("/api/v1/namespaces/" + ns + "/pods/held/eviction",
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"held\"},"
                        + "\"deleteOptions\":{\"dryRun\":[\"All\"]}}");
        assertThat(dry.getStatus()).as(dry.getContentAsString()).isEqualTo(201);
        assertThat(pods.get(ns, "held").getStatus().getConditions()).extracting("type").doesNotContain("DisruptionTarget");
        assertThat(evict(ns, "held").getStatus()).isEqualTo(201);
        Pod marked = pods.get(ns, "held"); // the finalizer holds it: only marked for deletion
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(marked.getStatus().getConditions()).filteredOn(c -> c.getType().equals("DisruptionTarget"))
                .singleElement().satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo("True");
                    assertThat(c.getReason()).isEqualTo("EvictionByEvictionAPI");
                    assertThat(c.getMessage()).isEqualTo("Eviction API: evicting");
                });
        Writes.update(pods, ns, "held", null, p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
        });
    }

    private MockHttpServletResponse evict(String ns, String name) throws Exception {
        return post("/api/v1/namespaces/" + ns + "/pods/" + name + "/eviction",
                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + name + "\"}}");
    }

    /** Waits until the controller's status of budget {@code name} counts {@code selected} as they are. */
    private void settled(String ns, String name, List<P> selected) {
        long healthy = selected.stream().filter(P::ready).count();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PodDisruptionBudget pdb = budgets.get(ns, name);
            assertThat(pdb.getStatus().getObservedGeneration()).isEqualTo(pdb.getMetadata().getGeneration());
            assertThat(pdb.getStatus().getExpectedPods()).isEqualTo(selected.size());
            assertThat(pdb.getStatus().getCurrentHealthy()).isEqualTo((int) healthy);
        });
    }

    private void pod(String ns, P p) {
        Writes.create(pods, ns, new PodBuilder().withNewMetadata().withName(p.name()).withLabels(Map.of("app", p.app()))
                .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer()
                .endSpec().build());
        Writes.update(pods, ns, p.name(), "status", pod -> {
            pod.getStatus().setPhase(p.phase());
            PodCondition ready = new PodCondition();
            ready.setType("Ready");
            ready.setStatus(p.ready() ? "True" : "False");
            pod.getStatus().setConditions(List.of(ready));
            return pod;
        });
    }

    private void budget(String ns, B b) {
        PodDisruptionBudgetBuilder pdb = new PodDisruptionBudgetBuilder().withNewMetadata().withName(b.name())
                .endMetadata().withNewSpec().withSelector(b.app().isEmpty() ? new LabelSelectorBuilder().build()
                        : new LabelSelectorBuilder().withMatchLabels(Map.of("app", b.app())).build())
                .endSpec();
        if (b.minAvailable() != null) {
            pdb.editSpec().withMinAvailable(intOrPercent(b.minAvailable())).endSpec();
        }
        if (b.maxUnavailable() != null) {
            pdb.editSpec().withMaxUnavailable(intOrPercent(b.maxUnavailable())).endSpec();
        }
        Writes.create(budgets, ns, pdb.build());
    }

    private static IntOrString intOrPercent(String v) {
        return v.endsWith("%") ? new IntOrString(v) : new IntOrString(Integer.parseInt(v));
    }

    private boolean exists(String ns, String name) {
        try {
            pods.get(ns, name);
            return true;
        } catch (StatusError e) {
            return false;
        }
    }

    private MockHttpServletResponse post(String path, String body) throws Exception {
        MockHttpServletRequest req = new MockHttpServletRequest("POST", path);
        req.setContentType("application/json");
        req.setContent(body.getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse res = new MockHttpServletResponse();
        UserInfo admin = Writes.ADMIN;
        try {
            dispatcher.dispatch(new AuthorizedRequest(admin, RequestInfoResolver.resolve("POST", path, null, null),
                    "POST", path), req, res);
        } catch (StatusError e) {
            Responses.writeError(res, e);
        }
        return res;
    }
}
