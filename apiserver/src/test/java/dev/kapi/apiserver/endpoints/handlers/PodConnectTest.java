package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.endpoints.ResourceDispatcher;
import dev.kapi.apiserver.endpoints.Responses;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connect subresources kube-apiserver hands to a kubelet, on a real etcd: what kube answers before it dials
 * one (its pod {@code LogLocation}, {@code streamLocation}, {@code PortForwardLocation}, {@code ResourceLocation}),
 * and for a pod on a node the dialling error, since this server connects to no kubelet. Each row: method, path
 * under namespace {@code ns}, then code, reason ({@code -} none) and message ({@code -} for an empty 200).
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodConnectTest {

    private static final String UNREACHABLE =
            "error dialing backend: no kubelet is reachable for node \"n1\": this server does not connect to kubelets";

    private EtcdStorage storage;
    private ResourceDispatcher dispatcher;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = new StoreRegistry(new ResourceRegistry(BuiltInResources.all(
                new RegistryContext(storage, prefix, "10.96.0.0/12", "30000-32767"))), storage, prefix);
        Store<Pod> pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
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
        Writes.create(stores.find("", "v1", "services", Service.class).orElseThrow(), "ns",
                new ServiceBuilder().withNewMetadata().withName("svc").endMetadata().withNewSpec().addNewPort()
                        .withPort(80).endPort().endSpec().build());
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
            "GET|services/svc/proxy|503|ServiceUnavailable|no endpoints available for service \"svc\": this server does not proxy to services",
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

    private static Pod pod(String name, String node, String... containers) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withNodeName(node).endSpec();
        for (String c : containers) {
            b.editSpec().addNewContainer().withName(c).withImage("nginx").endContainer().endSpec();
        }
        return b.build();
    }
}
