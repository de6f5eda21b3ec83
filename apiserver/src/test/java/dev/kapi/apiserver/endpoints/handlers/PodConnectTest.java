package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.controllers.nodes.SimulatedNode;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connect subresources kube-apiserver hands to a kubelet, on a real etcd: what kube answers before it dials
 * one (its pod {@code LogLocation}, {@code streamLocation}, {@code PortForwardLocation}, {@code ResourceLocation}),
 * and for a pod on a node the dialling error, since this server connects to no kubelet; for a pod on a simulated
 * node, the simulated answers. Each row: method, path
 * under namespace {@code ns}, then code, reason ({@code -} none) and message ({@code -} for an empty 200).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodConnectTest {

    private static final String UNREACHABLE =
            "error dialing backend: no kubelet is reachable for node \"n1\": this server does not connect to kubelets";

    private static final String STARTED = "2026-01-02T03:04:05Z";
    private static final String RUNNING =
            "kapi simulated node: container c of pod ns/on-sim is running (no real process; logs are simulated)";

    private EtcdStorage storage;
    private ResourceDispatcher dispatcher;
    private Store<Pod> pods;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        Writes.create(pods, "ns", pod("pending", null, "c"));
        Writes.create(pods, "ns", pod("two", null, "a", "b"));
        Writes.create(pods, "ns", pod("on-n1", "n1", "c"));
        Writes.create(pods, "ns", pod("on-gone", "gone", "c"));
        Writes.create(pods, "ns", pod("with-ip", "n1", "c"));
        Writes.update(pods, "ns", "with-ip", "status", p -> {
            p.getStatus().setPodIP("10.244.0.7");
            return p;
        });
        Writes.create(stores.find("", "v1", "nodes", Node.class).orElseThrow(), null,
                new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build());
        Writes.create(stores.find("", "v1", "nodes", Node.class).orElseThrow(), null, new NodeBuilder()
                .withNewMetadata().withName("sim").addToAnnotations("kapi.dev/simulated-node", "true").endMetadata()
                .build());
        Writes.create(pods, "ns", pod("sim-waiting", "sim", "c"));
        Writes.create(pods, "ns", pod("on-sim", "sim", "c"));
        Writes.create(pods, "ns", pod("sim-two", "sim", "a", "b"));
        running("on-sim");
        running("sim-two");
        Writes.update(pods, "ns", "sim-two", "status", p -> {
            p.getStatus().getContainerStatuses().get(1).getState().setRunning(null);
            p.getStatus().getContainerStatuses().get(1).getState().setTerminated(
                    new ContainerStateTerminatedBuilder().withExitCode(0).withReason("Completed")
                            .withFinishedAt(STARTED).build());
            return p;
        });
        Writes.create(stores.find("", "v1", "services", Service.class).orElseThrow(), "ns",
                new ServiceBuilder().withNewMetadata().withName("svc").endMetadata().withNewSpec().addNewPort()
                        .withPort(80).endPort().endSpec().build());
        Writes.create(stores.find("", "v1", "services", Service.class).orElseThrow(), "ns",
                new ServiceBuilder().withNewMetadata().withName("ready").endMetadata().withNewSpec().addNewPort()
                        .withPort(80).endPort().endSpec().build());
        Writes.create(stores.find("", "v1", "endpoints", Endpoints.class).orElseThrow(), "ns",
                new EndpointsBuilder().withNewMetadata().withName("ready").endMetadata().addNewSubset()
                        .addNewAddress().withIp("10.244.0.5").endAddress().addNewPort().withPort(80).endPort()
                        .endSubset().build());
        dispatcher = new ResourceDispatcher(stores, Writes.PIPELINE);
    }

    @AfterAll
    void stop() {
        storage.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "GET|pods/missing/log|404|NotFound|pods \"missing\" not found",
            "GET|pods/missing/exec|404|NotFound|pods \"missing\" not found",
            "POST|pods/missing/portforward|404|NotFound|pods \"missing\" not found",
            // kube's LogLocation: no host, no location: an empty log
            "GET|pods/pending/log|200|-|-",
            "GET|pods/pending/exec?command=sh|400|BadRequest|pod pending does not have a host assigned",
            "POST|pods/pending/exec?command=sh|400|BadRequest|pod pending does not have a host assigned",
            "GET|pods/pending/attach|400|BadRequest|pod pending does not have a host assigned",
            "GET|pods/pending/portforward?ports=80|400|BadRequest|pod pending does not have a host assigned",
            "POST|pods/pending/portforward|400|BadRequest|pod pending does not have a host assigned",
            "GET|pods/pending/log?container=x|400|BadRequest|container x is not valid for pod pending",
            "GET|pods/two/log|400|BadRequest|a container name must be specified for pod two, choose one of: [a b]",
            "GET|pods/two/exec|400|BadRequest|a container name must be specified for pod two, choose one of: [a b]",
            "GET|pods/two/log?container=b|200|-|-",
            "GET|pods/on-n1/log|500|-|" + UNREACHABLE,
            "GET|pods/on-n1/exec?command=sh|500|-|" + UNREACHABLE,
            "POST|pods/on-n1/portforward|500|-|" + UNREACHABLE,
            "GET|pods/on-gone/log|404|NotFound|nodes \"gone\" not found",
            "GET|pods/pending/proxy|400|BadRequest|address not allowed",
            "GET|pods/with-ip/proxy/index.html|503|ServiceUnavailable|error trying to reach pod with-ip: this server does not proxy to pods",
            "GET|services/svc/proxy|503|ServiceUnavailable|no endpoints available for service \"svc\"",
            "GET|services/ready/proxy/x|503|ServiceUnavailable|error trying to reach service: this server does not "
                    + "proxy to services",
            "GET|services/missing/proxy|404|NotFound|services \"missing\" not found",
            // kube has no route for these methods on these subresources
            "POST|pods/pending/log|405|MethodNotAllowed|the server does not allow this method on the requested resource",
            "PUT|pods/pending/exec|405|MethodNotAllowed|the server does not allow this method on the requested resource"})
    void answersAsKubeBeforeItWouldDialAKubelet(String method, String path, int code, String reason, String message)
            throws Exception {
        MockHttpServletResponse res = send(method, "/api/v1/namespaces/ns/" + path);
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(code);
        if (message.equals("-")) {
            assertThat(res.getContentAsString()).isEmpty();
            return;
        }
        JsonNode status = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("message").asString()).isEqualTo(message);
        assertThat(status.path("reason").asString("-")).isEqualTo(reason.equals("-") ? "-" : reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET|/api/v1/nodes/n1/proxy|500|" + UNREACHABLE,
            "GET|/api/v1/nodes/n1/proxy/healthz|500|" + UNREACHABLE,
            "GET|/api/v1/nodes/missing/proxy|404|nodes \"missing\" not found",
            "GET|/api/v1/nodes/n1/status/extra|404|the server could not find the requested resource"})
    void nodeProxy(String method, String path, int code, String message) throws Exception {
        MockHttpServletResponse res = send(method, path);
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(code);
        assertThat(Json.MAPPER.readTree(res.getContentAsString()).path("message").asString()).isEqualTo(message);
    }

    /**
     * A pod on a node annotated {@code kapi.dev/simulated-node: "true"}: a simulated log (with the log options a
     * kubelet honours), the kubelet's 400s for a container not started and for {@code previous}, and a 400 for the
     * streams a simulated node cannot give. Each row: method, path under {@code ns}, code, then the log or the
     * Status message.
     */
    private static final String OVER_SPDY = " over SPDY (WebSocket clients, such as kubectl 1.30 and later, get"
            + " simulated output)";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "GET|pods/on-sim/log|200|" + RUNNING,
            "GET|pods/sim-two/log?container=b&follow=true|200|kapi simulated node: container b of pod ns/sim-two"
                    + " exited with code 0 (Completed) (no real process; logs are simulated)",
            "GET|pods/on-sim/log?timestamps=true|200|2026-01-02T03:04:05.000000000Z " + RUNNING,
            "GET|pods/on-sim/log?tailLines=0|200|",
            "GET|pods/on-sim/log?tailLines=10|200|" + RUNNING,
            "GET|pods/on-sim/log?limitBytes=4|200|kapi",
            "GET|pods/on-sim/log?sinceTime=2030-01-01T00:00:00Z|200|",
            "GET|pods/on-sim/log?sinceTime=2020-01-01T00:00:00Z|200|" + RUNNING,
            "GET|pods/on-sim/log?tailLines=x|400|strconv.ParseInt: parsing \"x\": invalid syntax",
            "GET|pods/on-sim/log?previous=true|400|previous terminated container \"c\" in pod \"on-sim\" not found",
            "GET|pods/sim-two/log?container=b|200|kapi simulated node: container b of pod ns/sim-two exited with code 0"
                    + " (Completed) (no real process; logs are simulated)",
            "GET|pods/sim-two/log|400|a container name must be specified for pod sim-two, choose one of: [a b]",
            "GET|pods/sim-waiting/log|400|container \"c\" in pod \"sim-waiting\" is waiting to start: ContainerCreating",
            "POST|pods/on-sim/exec?command=sh|400|node \"sim\" is simulated (kapi.dev/simulated-node): it runs no"
                    + " processes, so exec of pod ns/on-sim is not available" + OVER_SPDY,
            "POST|pods/on-sim/attach|400|node \"sim\" is simulated (kapi.dev/simulated-node): it runs no"
                    + " processes, so attach of pod ns/on-sim is not available" + OVER_SPDY,
            "POST|pods/on-sim/portforward|400|node \"sim\" is simulated (kapi.dev/simulated-node): it runs no"
                    + " processes, so portforward of pod ns/on-sim is not available",
            "GET|pods/on-sim/exec?container=x|400|container x is not valid for pod on-sim"})
    void simulatedNodesAnswerForTheirPods(String method, String path, int code, String expected) throws Exception {
        MockHttpServletResponse res = send(method, "/api/v1/namespaces/ns/" + path);
        assertThat(res.getStatus()).as(res.getContentAsString()).isEqualTo(code);
        if (code == 200) {
            assertThat(res.getContentType()).startsWith("text/plain");
            String want = expected == null ? "" : expected.endsWith(")") ? expected + "\n" : expected;
            assertThat(res.getContentAsString()).isEqualTo(want);
            return;
        }
        JsonNode status = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(status.path("reason").asString()).isEqualTo("BadRequest");
        assertThat(status.path("message").asString()).isEqualTo(expected);
    }

    /** follow of a running container stays open after its line until the container stops, as a kubelet's does. */
    @Test
    void aFollowedLogOfARunningContainerEndsWhenItStops() throws Exception {
        Writes.create(pods, "ns", pod("followed", "sim", "c"));
        running("followed");
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return send("GET", "/api/v1/namespaces/ns/pods/followed/log?follow=true");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(2_500);
        assertThat(answer).as("still following a running container").isNotDone();
        Writes.update(pods, "ns", "followed", "status", p -> {
            p.getStatus().getContainerStatuses().getFirst().getState().setRunning(null);
            p.getStatus().getContainerStatuses().getFirst().getState().setTerminated(
                    new ContainerStateTerminatedBuilder().withExitCode(0).withReason("Completed")
                            .withFinishedAt(STARTED).build());
            return p;
        });
        MockHttpServletResponse res = answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentAsString()).isEqualTo("kapi simulated node: container c of pod ns/followed is running"
                + " (no real process; logs are simulated)\n");
    }

    @Test
    void theControllersAndThisLayerReadOneAnnotation() {
        assertThat(SimulatedPodStreams.ANNOTATION).isEqualTo(SimulatedNode.ANNOTATION);
    }

    private MockHttpServletResponse send(String method, String uri) throws Exception {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        if (uri.contains("?")) {
            for (String kv : uri.substring(uri.indexOf('?') + 1).split("&")) {
                String[] p = kv.split("=", 2);
                req.addParameter(p[0], p[1]);
            }
        }
        MockHttpServletResponse res = new MockHttpServletResponse();
        try {
            dispatcher.dispatch(new AuthorizedRequest(Writes.ADMIN, RequestInfoResolver.resolve(method, path, null,
                    null), method, path), req, res);
        } catch (StatusError e) {
            Responses.writeError(res, e);
        }
        return res;
    }

    /** The pod's containers all running, as the simulated kubelet reports them. */
    private void running(String name) {
        Writes.update(pods, "ns", name, "status", p -> {
            p.getStatus().setPhase("Running");
            p.getStatus().setContainerStatuses(p.getSpec().getContainers().stream().map(c ->
                    new ContainerStatusBuilder().withName(c.getName()).withImage("nginx").withReady(true)
                            .withRestartCount(0).withNewState().withNewRunning().withStartedAt(STARTED)
                            .endRunning().endState().build()).toList());
            return p;
        });
    }

    private static Pod pod(String name, String node, String... containers) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withNodeName(node).endSpec();
        for (String c : containers) {
            b.editSpec().addNewContainer().withName(c).withImage("nginx").endContainer().endSpec();
        }
        return b.build();
    }
}
