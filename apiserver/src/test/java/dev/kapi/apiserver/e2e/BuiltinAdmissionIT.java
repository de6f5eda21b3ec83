package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * kube-apiserver's default built-in admission plugins on the shared server, through kubectl and HTTP:
 * ServiceAccount (default account, token volume and mounts, refusals), LimitRanger (defaults, a minimum),
 * DefaultTolerationSeconds, Priority (built-in and user classes, refusals), DefaultStorageClass (newest
 * default wins), TaintNodesByCondition, all of them on a server-side dry run too; and AlwaysAdmit with
 * AlwaysDeny on a second server of the same store.
 */
@ExtendWith(KapiServerExtension.class)
class BuiltinAdmissionIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-builtin";
    private static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static Result apply(String json, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-f";
        all[args.length + 1] = "-";
        return KUBECTL.runWithInput(json.replace('\'', '"'), all);
    }

    private static JsonNode json(String text) {
        return Json.MAPPER.readTree(text);
    }

    @BeforeAll
    static void namespaceWithLimits() {
        KubeHttp.createNamespace(NS);
        Result lr = apply("{'apiVersion':'v1','kind':'LimitRange','metadata':{'name':'limits','namespace':'" + NS
                + "'},'spec':{'limits':[{'type':'Container','default':{'cpu':'500m'},'defaultRequest':{'cpu':'200m'},"
                + "'min':{'cpu':'100m'}}]}}", "create");
        assertThat(lr.exit()).as(lr.toString()).isZero();
    }

    private static final String POD = "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'" + NS
            + "'},'spec':{'initContainers':[{'name':'init','image':'busybox'}],"
            + "'containers':[{'name':'app','image':'nginx'}]}}";

    @Test
    void aNewPodIsShapedByTheDefaultPluginsAlsoOnADryRun() {
        JsonNode dry = json(apply(POD, "create", "--dry-run=server", "-o", "json").out());
        assertThat(KubeHttp.get("/api/v1/namespaces/" + NS + "/pods/web").code()).as("dry run stores nothing")
                .isEqualTo(404);
        assertShaped(dry);
        Result created = apply(POD, "create");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertShaped(json(ok("get", "pod", "web", "-n", NS, "-o", "json").out()));
    }

    private static void assertShaped(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        assertThat(spec.path("serviceAccountName").asString()).isEqualTo("default");
        JsonNode volume = spec.path("volumes").path(0);
        String name = volume.path("name").asString();
        assertThat(name).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(volume.path("projected").path("defaultMode").asInt()).isEqualTo(420);
        JsonNode sources = volume.path("projected").path("sources");
        assertThat(sources.path(0).path("serviceAccountToken").path("expirationSeconds").asLong()).isEqualTo(3607);
        assertThat(sources.path(0).path("serviceAccountToken").path("path").asString()).isEqualTo("token");
        assertThat(sources.path(1).path("configMap").path("name").asString()).isEqualTo("kube-root-ca.crt");
        assertThat(sources.path(1).path("configMap").path("items").path(0).path("key").asString()).isEqualTo("ca.crt");
        assertThat(sources.path(2).path("downwardAPI").path("items").path(0).path("fieldRef").path("fieldPath")
                .asString()).isEqualTo("metadata.namespace");
        for (JsonNode c : List.of(spec.path("containers").path(0), spec.path("initContainers").path(0))) {
            JsonNode mount = c.path("volumeMounts").path(0);
            assertThat(mount.path("name").asString()).isEqualTo(name);
            assertThat(mount.path("mountPath").asString()).isEqualTo(MOUNT_PATH);
            assertThat(mount.path("readOnly").asBoolean()).isTrue();
            assertThat(c.path("resources").path("requests").path("cpu").asString()).isEqualTo("200m");
            assertThat(c.path("resources").path("limits").path("cpu").asString()).isEqualTo("500m");
        }
        assertThat(pod.path("metadata").path("annotations").path("kubernetes.io/limit-ranger").asString())
                .isEqualTo("LimitRanger plugin set: cpu request for container app; cpu limit for container app; "
                        + "cpu request for init container init; cpu limit for init container init");
        assertThat(spec.path("tolerations").toString()).isEqualTo("[{\"effect\":\"NoExecute\",\"key\":"
                + "\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"tolerationSeconds\":300},{\"effect\":"
                + "\"NoExecute\",\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\","
                + "\"tolerationSeconds\":300}]");
        assertThat(spec.path("priority").asInt(-1)).isZero();
        assertThat(spec.path("preemptionPolicy").asString()).isEqualTo("PreemptLowerPriority");
    }

    @Test
    void podsAreRefusedInKubesWords() {
        String forbidden = "Error from server (Forbidden): error when creating \"STDIN\": pods \"%s\" is forbidden: %s";
        record Case(String name, String spec, String message) {
        }
        for (Case c : List.of(
                new Case("ghost", "'serviceAccountName':'ghost'",
                        "error looking up service account " + NS + "/ghost: serviceaccount \"ghost\" not found"),
                new Case("small", "'containers':[{'name':'a','image':'nginx','resources':{'requests':{'cpu':'50m'}}}]",
                        "minimum cpu usage per Container is 100m, but request is 50m"),
                new Case("nameless", "'priorityClassName':'e2e-missing'",
                        "no PriorityClass with name e2e-missing was found"),
                new Case("greedy", "'priority':5",
                        "the integer value of priority (5) must not be provided in pod spec; priority admission"
                                + " controller computed 0 from the given PriorityClass name"))) {
            String spec = c.spec().startsWith("'containers'") ? c.spec()
                    : c.spec() + ",'containers':[{'name':'a','image':'nginx'}]";
            Result r = apply("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + c.name() + "','namespace':'"
                    + NS + "'},'spec':{" + spec + "}}", "create");
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err().trim()).isEqualTo(forbidden.formatted(c.name(), c.message()));
        }
        Reply raw = KubeHttp.post("/api/v1/namespaces/" + NS + "/pods", ("{'metadata':{'name':'ghost'},'spec':{"
                + "'serviceAccountName':'ghost','containers':[{'name':'a','image':'nginx'}]}}").replace('\'', '"'));
        assertThat(raw.code()).isEqualTo(403);
        assertThat(raw.json().path("reason").asString()).isEqualTo("Forbidden");
        assertThat(raw.json().path("details").path("kind").asString()).isEqualTo("pods");
    }

    @Test
    void priorityComesFromTheClassAndTheBuiltInClassesExist() {
        assertThat(ok("get", "priorityclasses", "system-node-critical", "system-cluster-critical", "-o",
                "jsonpath={.items[*].value}").out()).isEqualTo("2000001000 2000000000");
        ok("create", "priorityclass", "e2e-high", "--value=1000", "--preemption-policy=Never");
        try {
            for (String[] c : new String[][] {{"critical", "system-node-critical", "2000001000"},
                    {"high", "e2e-high", "1000"}}) {
                Result r = apply("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + c[0] + "','namespace':'" + NS
                        + "'},'spec':{'priorityClassName':'" + c[1] + "','automountServiceAccountToken':false,"
                        + "'containers':[{'name':'a','image':'nginx'}]}}", "create", "-o", "json");
                assertThat(r.exit()).as(r.toString()).isZero();
                JsonNode spec = json(r.out()).path("spec");
                assertThat(spec.path("priority").asLong()).isEqualTo(Long.parseLong(c[2]));
                assertThat(spec.has("volumes")).as("automountServiceAccountToken: false").isFalse();
                assertThat(spec.path("containers").path(0).has("volumeMounts")).isFalse();
            }
            assertThat(ok("get", "pod", "high", "-n", NS, "-o", "jsonpath={.spec.preemptionPolicy}").out())
                    .isEqualTo("Never");
        } finally {
            ok("delete", "priorityclass", "e2e-high");
        }
    }

    @Test
    void aClaimWithoutClassGetsTheNewestDefaultClass() throws InterruptedException {
        String sc = "{'apiVersion':'storage.k8s.io/v1','kind':'StorageClass','metadata':{'name':'%s','annotations':"
                + "{'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':'example.com/x'}";
        try {
            assertThat(apply(sc.formatted("e2e-a-older"), "create").exit()).isZero();
            Thread.sleep(1100); // creationTimestamp has whole seconds
            assertThat(apply(sc.formatted("e2e-b-newer"), "create").exit()).isZero();
            String pvc = "{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'%s','namespace':'" + NS
                    + "'},'spec':{%s'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}";
            Result plain = apply(pvc.formatted("plain", ""), "create", "-o", "jsonpath={.spec.storageClassName}");
            assertThat(plain.out()).as(plain.toString()).isEqualTo("e2e-b-newer");
            Result none = apply(pvc.formatted("none", "'storageClassName':'',"), "create", "-o", "json");
            assertThat(json(none.out()).path("spec").path("storageClassName").asString("absent")).isEmpty();
        } finally {
            KUBECTL.run("delete", "storageclass", "e2e-a-older", "e2e-b-newer", "--ignore-not-found");
        }
    }

    @Test
    void aNewNodeIsTaintedNotReady() {
        try {
            Result r = apply("{'apiVersion':'v1','kind':'Node','metadata':{'name':'e2e-node'}}", "create", "-o",
                    "jsonpath={.spec.taints}");
            assertThat(r.out()).as(r.toString())
                    .isEqualTo("[{\"effect\":\"NoSchedule\",\"key\":\"node.kubernetes.io/not-ready\"}]");
        } finally {
            KUBECTL.run("delete", "node", "e2e-node", "--ignore-not-found");
        }
    }

    /** A second server on the shared store (already bootstrapped), with the two plugins that are off by default. */
    @Test
    void alwaysDenyRefusesEveryWrite() {
        Path dir = KapiServerExtension.e2eDir().resolve("always-deny-" + System.nanoTime());
        try (KapiServer denying = KapiServer.start("always-deny", dir, List.of(
                "--etcd-servers=" + String.join(",", EtcdExtension.endpoints()),
                "--etcd-prefix=" + KapiServerExtension.etcdPrefix(),
                "--enable-admission-plugins=AlwaysAdmit,AlwaysDeny"))) {
            Reply r = denying.admin().post("/api/v1/namespaces/" + NS + "/configmaps",
                    "{\"metadata\":{\"name\":\"denied\"}}");
            assertThat(r.code()).as(r.toString()).isEqualTo(403);
            assertThat(r.json().path("message").asString())
                    .isEqualTo("configmaps \"denied\" is forbidden: admission control is denying all modifications");
            Reply delete = denying.admin().delete("/api/v1/namespaces/" + NS + "/limitranges/limits");
            assertThat(delete.code()).as(delete.toString()).isEqualTo(403);
            assertThat(denying.admin().get("/api/v1/namespaces/" + NS + "/limitranges/limits").code()).isEqualTo(200);
        }
    }
}
