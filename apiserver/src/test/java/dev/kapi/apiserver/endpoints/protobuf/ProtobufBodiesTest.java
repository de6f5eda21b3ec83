package dev.kapi.apiserver.endpoints.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.kapi.apiserver.api.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1beta1Apiextensions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProtobufBodiesTest {

    record Case(String name, String apiVersion, String kind, Message object, String json) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ObjectMeta.Builder meta(String name) {
        return ObjectMeta.newBuilder().setName(name);
    }

    static Quantity quantity(String q) {
        return Quantity.newBuilder().setString(q).build();
    }

    static List<Case> objects() {
        return List.of(
                new Case("configmap with data", "v1", "ConfigMap",
                        V1.ConfigMap.newBuilder().setMetadata(meta("cfg").setNamespace("ns").putLabels("app", "x"))
                                .putData("a", "1").putData("empty", "").putBinaryData("bin", ByteString.copyFromUtf8("hi"))
                                .build(),
                        """
                        {"apiVersion":"v1","kind":"ConfigMap",
                         "metadata":{"name":"cfg","namespace":"ns","labels":{"app":"x"}},
                         "data":{"a":"1","empty":""},"binaryData":{"bin":"aGk="}}"""),
                new Case("namespace", "v1", "Namespace",
                        V1.Namespace.newBuilder().setMetadata(meta("demo"))
                                .setSpec(V1.NamespaceSpec.newBuilder().addFinalizers("kubernetes")).build(),
                        """
                        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"},
                         "spec":{"finalizers":["kubernetes"]}}"""),
                new Case("secret with bytes data and immutable false", "v1", "Secret",
                        V1.Secret.newBuilder().setMetadata(meta("s")).setType("Opaque").setImmutable(false)
                                .putData("password", ByteString.copyFrom(new byte[]{0, (byte) 0xff, 'a'}))
                                .putStringData("user", "bob").build(),
                        """
                        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","immutable":false,
                         "data":{"password":"AP9h"},"stringData":{"user":"bob"}}"""),
                new Case("deployment", "apps/v1", "Deployment", deployment(), """
                        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
                         "spec":{"replicas":0,
                          "selector":{"matchLabels":{"app":"web"}},
                          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
                          "template":{"metadata":{"labels":{"app":"web"}},"spec":{
                           "containers":[{"name":"nginx","image":"nginx:1.27","command":["nginx","-g"],
                            "ports":[{"containerPort":80,"protocol":"TCP"}],
                            "env":[{"name":"MODE","value":"prod"},
                                   {"name":"CFG","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"a"}}}],
                            "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"0"}},
                            "readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":5}}],
                           "volumes":[{"name":"conf","configMap":{"name":"cfg","defaultMode":420}}],
                           "terminationGracePeriodSeconds":0}}}}"""),
                new Case("go zero values as kubectl create deployment writes them", "apps/v1", "Deployment",
                        goZeroDeployment(), """
                        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"z"},
                         "spec":{"replicas":0,"selector":{},"strategy":{},
                          "template":{"metadata":{},"spec":{
                           "containers":[{"name":"c","image":"nginx","resources":{},
                            "ports":[{"containerPort":0}],"securityContext":{"readOnlyRootFilesystem":false}}],
                           "automountServiceAccountToken":false}}}}"""),
                new Case("token request bound to a pod by uid", "authentication.k8s.io/v1", "TokenRequest",
                        V1Authentication.TokenRequest.newBuilder().setMetadata(meta("sa"))
                                .setSpec(V1Authentication.TokenRequestSpec.newBuilder()
                                        .setBoundObjectRef(V1Authentication.BoundObjectReference.newBuilder()
                                                .setKind("Pod").setApiVersion("v1").setName("p").setUID("abc")))
                                .build(),
                        """
                        {"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{"name":"sa"},
                         "spec":{"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p","uid":"abc"}}}"""),
                new Case("service target ports int and string", "v1", "Service",
                        V1.Service.newBuilder().setMetadata(meta("svc")).setSpec(V1.ServiceSpec.newBuilder()
                                .setType("ClusterIP").putSelector("app", "web")
                                .addPorts(V1.ServicePort.newBuilder().setName("a").setPort(80).setProtocol("TCP")
                                        .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)))
                                .addPorts(V1.ServicePort.newBuilder().setName("b").setPort(443).setProtocol("TCP")
                                        .setTargetPort(IntOrString.newBuilder().setType(1).setStrVal("https"))))
                                .build(),
                        """
                        {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"type":"ClusterIP",
                         "selector":{"app":"web"},
                         "ports":[{"name":"a","port":80,"protocol":"TCP","targetPort":8080},
                                  {"name":"b","port":443,"protocol":"TCP","targetPort":"https"}]}}"""),
                new Case("pod with creation timestamp", "v1", "Pod",
                        V1.Pod.newBuilder().setMetadata(meta("p").setCreationTimestamp(
                                        Meta.Time.newBuilder().setSeconds(1704164645L).setNanos(999_000_000)))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder()
                                        .setName("c").setImage("busybox"))).build(),
                        """
                        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","creationTimestamp":"2024-01-02T03:04:05Z"},
                         "spec":{"containers":[{"name":"c","image":"busybox"}]}}"""),
                new Case("go zero values: empty strings and a generation of 0 omitted, zero time null", "v1", "ConfigMap",
                        V1.ConfigMap.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("").setGenerateName("gen-")
                                .setNamespace("").setUid("").setResourceVersion("").setSelfLink("").setGeneration(0)
                                .setCreationTimestamp(Meta.Time.getDefaultInstance())).build(),
                        """
                        {"apiVersion":"v1","kind":"ConfigMap",
                         "metadata":{"generateName":"gen-","creationTimestamp":null}}"""),
                new Case("event micro time", "v1", "Event",
                        V1.Event.newBuilder().setMetadata(meta("e")).setReason("Started")
                                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1704164645L).setNanos(123_456_789))
                                .build(),
                        """
                        {"apiVersion":"v1","kind":"Event","metadata":{"name":"e"},"reason":"Started",
                         "eventTime":"2024-01-02T03:04:05.123456Z"}"""),
                new Case("scale", "autoscaling/v1", "Scale",
                        V1Autoscaling.Scale.newBuilder().setMetadata(meta("web").setResourceVersion("12"))
                                .setSpec(V1Autoscaling.ScaleSpec.newBuilder().setReplicas(3)).build(),
                        """
                        {"apiVersion":"autoscaling/v1","kind":"Scale",
                         "metadata":{"name":"web","resourceVersion":"12"},"spec":{"replicas":3}}"""),
                new Case("delete options of any group/version", "apps/v1", "DeleteOptions",
                        Meta.DeleteOptions.newBuilder().setGracePeriodSeconds(0).setPropagationPolicy("Foreground")
                                .addDryRun("All").build(),
                        """
                        {"apiVersion":"apps/v1","kind":"DeleteOptions","gracePeriodSeconds":0,
                         "propagationPolicy":"Foreground","dryRun":["All"]}"""),
                new Case("raw extension JSON and nested protobuf", "apps/v1", "ControllerRevision",
                        V1Apps.ControllerRevision.newBuilder().setMetadata(meta("rev")).setRevision(2)
                                .setData(Runtime.RawExtension.newBuilder()
                                        .setRaw(ByteString.copyFromUtf8("{\"spec\":{\"x\":[1,true]}}"))).build(),
                        """
                        {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"rev"},"revision":2,
                         "data":{"spec":{"x":[1,true]}}}"""),
                new Case("apiextensions schema: $ref, x-kubernetes names, raw JSON default, or-bool",
                        "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", crd(),
                        """
                        {"apiVersion":"apiextensions.k8s.io/v1beta1","kind":"CustomResourceDefinition",
                         "metadata":{"name":"ws.example.com"},"spec":{"group":"example.com",
                          "validation":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
                           "properties":{"size":{"type":"integer","default":3},"ref":{"$ref":"#/x"}},
                           "additionalProperties":false}}}}"""),
                new Case("raw extension holding a protobuf object", "apps/v1", "ControllerRevision",
                        V1Apps.ControllerRevision.newBuilder().setMetadata(meta("rev")).setData(
                                Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(body("v1", "Namespace",
                                        V1.Namespace.newBuilder().setMetadata(meta("inner")).build())))).build(),
                        """
                        {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"rev"},
                         "data":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"inner"}}}"""));
    }

    static Message crd() {
        var schema = V1beta1Apiextensions.JSONSchemaProps.newBuilder().setType("object")
                .setXKubernetesPreserveUnknownFields(true)
                .putProperties("size", V1beta1Apiextensions.JSONSchemaProps.newBuilder().setType("integer")
                        .setDefault(V1beta1Apiextensions.JSON.newBuilder().setRaw(ByteString.copyFromUtf8("3"))).build())
                .putProperties("ref", V1beta1Apiextensions.JSONSchemaProps.newBuilder().setRef("#/x").build())
                .setAdditionalProperties(V1beta1Apiextensions.JSONSchemaPropsOrBool.newBuilder().setAllows(false));
        return V1beta1Apiextensions.CustomResourceDefinition.newBuilder().setMetadata(meta("ws.example.com"))
                .setSpec(V1beta1Apiextensions.CustomResourceDefinitionSpec.newBuilder().setGroup("example.com")
                        .setValidation(V1beta1Apiextensions.CustomResourceValidation.newBuilder()
                                .setOpenAPIV3Schema(schema)))
                .build();
    }

    static V1Apps.Deployment deployment() {
        V1.Container container = V1.Container.newBuilder().setName("nginx").setImage("nginx:1.27")
                .addCommand("nginx").addCommand("-g")
                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(80).setProtocol("TCP"))
                .addEnv(V1.EnvVar.newBuilder().setName("MODE").setValue("prod"))
                .addEnv(V1.EnvVar.newBuilder().setName("CFG").setValueFrom(V1.EnvVarSource.newBuilder()
                        .setConfigMapKeyRef(V1.ConfigMapKeySelector.newBuilder().setKey("a")
                                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("cfg")))))
                .setResources(V1.ResourceRequirements.newBuilder().putLimits("cpu", quantity("500m"))
                        .putLimits("memory", quantity("128Mi")).putRequests("cpu", Quantity.getDefaultInstance()))
                .setReadinessProbe(V1.Probe.newBuilder().setPeriodSeconds(5).setHandler(V1.ProbeHandler.newBuilder()
                        .setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/")
                                .setPort(IntOrString.newBuilder().setType(1).setStrVal("http")))))
                .build();
        return V1Apps.Deployment.newBuilder().setMetadata(meta("web").putLabels("app", "web"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setType(1).setStrVal("25%"))
                                        .setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(1))))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().putLabels("app", "web"))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container)
                                        .addVolumes(V1.Volume.newBuilder().setName("conf").setVolumeSource(
                                                V1.VolumeSource.newBuilder().setConfigMap(
                                                        V1.ConfigMapVolumeSource.newBuilder().setDefaultMode(420)
                                                                .setLocalObjectReference(V1.LocalObjectReference
                                                                        .newBuilder().setName("cfg")))))
                                        .setTerminationGracePeriodSeconds(0))))
                .build();
    }

    /**
     * A Deployment as Go's protobuf code writes one: every non-pointer field, zero or not (paused, minReadySeconds,
     * hostNetwork, tty, hostPort, a generation of 0, empty strings); pointer fields only when set (replicas 0,
     * automountServiceAccountToken false, readOnlyRootFilesystem false stay: they were set). The JSON keeps what
     * Go's encoding/json keeps of the same Go object (containerPort has no omitempty).
     */
    static V1Apps.Deployment goZeroDeployment() {
        V1.Container container = V1.Container.newBuilder().setName("c").setImage("nginx").setWorkingDir("")
                .setImagePullPolicy("").setStdin(false).setStdinOnce(false).setTty(false)
                .setTerminationMessagePath("").setResources(V1.ResourceRequirements.getDefaultInstance())
                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(0).setHostPort(0).setName("").setProtocol(""))
                .build();
        container = container.toBuilder().setSecurityContext(V1.SecurityContext.newBuilder()
                .setReadOnlyRootFilesystem(false)).build();
        return V1Apps.Deployment.newBuilder().setMetadata(meta("z").setGeneration(0).setNamespace(""))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setPaused(false).setMinReadySeconds(0)
                        .setSelector(Meta.LabelSelector.getDefaultInstance())
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType(""))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(ObjectMeta.newBuilder().setGeneration(0))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container).setHostNetwork(false)
                                        .setHostPID(false).setHostIPC(false).setHostname("")
                                        .setAutomountServiceAccountToken(false))))
                .build();
    }

    /** A body as client-go's protobuf serializer writes it: the magic, then the runtime.Unknown envelope. */
    static byte[] body(String apiVersion, String kind, Message object) {
        return withMagic(Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(object.toByteString()).build().toByteArray());
    }

    static byte[] withMagic(byte[] envelope) {
        byte[] out = new byte[envelope.length + 4];
        System.arraycopy(ProtobufBodies.MAGIC, 0, out, 0, 4);
        System.arraycopy(envelope, 0, out, 4, envelope.length);
        return out;
    }

    @ParameterizedTest
    @MethodSource("objects")
    void decodesToTheObjectsKubernetesJson(Case c) {
        assertThat(ProtobufBodies.decode(body(c.apiVersion(), c.kind(), c.object())))
                .isEqualTo(Json.MAPPER.readTree(c.json()));
    }

    @ParameterizedTest
    @MethodSource("objects")
    void apiVersionAndKindComeFirst(Case c) {
        assertThat(ProtobufBodies.decode(body(c.apiVersion(), c.kind(), c.object())).propertyNames())
                .startsWith("apiVersion", "kind");
    }

    /**
     * Bytes written by hand the way Go's generated marshaller writes {@code kubectl create namespace demo}:
     * every non-pointer field present (empty status phase, empty spec, empty envelope strings).
     */
    @org.junit.jupiter.api.Test
    void decodesAGoWrittenNamespace() {
        byte[] body = HexFormat.of().parseHex("6b387300"
                + "0a0f" + "0a02" + hex("v1") + "1209" + hex("Namespace")
                + "120e" + "0a06" + "0a04" + hex("demo") + "1200" + "1a02" + "0a00"
                + "1a00" + "2200");
        assertThat(ProtobufBodies.decode(body)).isEqualTo(Json.MAPPER.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"demo\"},\"spec\":{},\"status\":{}}"));
    }

    @org.junit.jupiter.api.Test
    void acceptsUnknownFieldsHoldingGoZeroValues() {
        V1.ConfigMap withZeroNewFields = V1.ConfigMap.newBuilder().setMetadata(meta("cfg"))
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(90, UnknownFieldSet.Field.newBuilder().addVarint(0).build())
                        .addField(91, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.EMPTY).build())
                        .addField(92, UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(ByteString.copyFrom(new byte[]{0x0a, 0x00, 0x10, 0x00})).build())
                        .build())
                .build();
        assertThat(ProtobufBodies.decode(body("v1", "ConfigMap", withZeroNewFields)))
                .isEqualTo(Json.MAPPER.readTree("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"}}"));
    }

    static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
