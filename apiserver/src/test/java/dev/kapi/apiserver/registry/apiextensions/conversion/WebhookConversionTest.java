package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.WidgetWebhook;
import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ServiceReferenceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Webhook strategy against a real HTTPS webhook process converting Widgets v1 (size) ↔ v2 (replicas). */
class WebhookConversionTest {

    private static final String FOR = "conversion webhook for example.com/v1, Kind=Widget ";

    @TempDir
    static Path dir;
    static WidgetWebhook webhook;

    @BeforeAll
    static void start() throws Exception {
        webhook = new WidgetWebhook(dir);
    }

    @AfterAll
    static void stop() {
        webhook.close();
        assertThat(webhook.alive()).isFalse();
    }

    static CustomResourceDefinition crd(String url, String caBundle, String... reviewVersions) {
        return new CustomResourceDefinitionBuilder().withNewMetadata().withName("widgets.example.com").endMetadata()
                .withNewSpec().withGroup("example.com").withScope("Namespaced")
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .addNewVersion().withName("v2").withServed(true).withStorage(false).endVersion()
                .withNewConversion().withStrategy("Webhook").withNewWebhook()
                .withConversionReviewVersions(reviewVersions)
                .withNewClientConfig().withUrl(url).withCaBundle(caBundle).endClientConfig()
                .endWebhook().endConversion().endSpec().build();
    }

    static VersionConverter converter(String path, String... reviewVersions) {
        return VersionConverters.of(crd(webhook.url(path), webhook.caBundle(),
                reviewVersions.length == 0 ? new String[]{"v1"} : reviewVersions));
    }

    static ObjectNode widget(String apiVersion, String name, String spec) {
        return Json.object(("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ns\",\"uid\":\"u-" + name + "\",\"resourceVersion\":\"7\",\"labels\":{\"a\":\"1\"}},"
                + "\"spec\":" + spec + "}").getBytes());
    }

    @Test
    void roundTripV1ToV2AndBack() {
        VersionConverter c = converter("/convert");
        ObjectNode v1 = widget("example.com/v1", "w1", "{\"size\":\"3\"}");
        ObjectNode v2 = c.convert(List.of(v1), "example.com/v2").getFirst();
        assertThat(v2.toString()).isEqualTo(widget("example.com/v2", "w1", "{\"replicas\":3}").toString());
        ObjectNode back = c.convert(List.of(v2), "example.com/v1").getFirst();
        assertThat(back).isEqualTo(v1);
        assertThat(v1.path("spec").has("size")).isTrue();
    }

    @Test
    void severalObjectsGoInOneReviewAndOnlyThoseNotAtTheDesiredVersion() throws Exception {
        VersionConverter c = converter("/convert");
        ObjectNode a = widget("example.com/v1", "a", "{\"size\":\"1\"}");
        ObjectNode b = widget("example.com/v2", "b", "{\"replicas\":2}");
        ObjectNode d = widget("example.com/v1", "d", "{\"size\":\"4\"}");
        List<ObjectNode> out = c.convert(List.of(a, b, d), "example.com/v2");
        assertThat(out).extracting(o -> o.path("spec").path("replicas").asInt()).containsExactly(1, 2, 4);
        assertThat(out.get(1)).isSameAs(b);
        ObjectNode review = webhook.lastReview();
        assertThat(review.path("apiVersion").asString()).isEqualTo("apiextensions.k8s.io/v1");
        assertThat(review.path("path").asString()).isEqualTo("/convert?timeout=30s");
        assertThat(review.path("request").path("desiredAPIVersion").asString()).isEqualTo("example.com/v2");
        assertThat(review.path("request").path("objects")).extracting(o -> o.path("metadata").path("name").asString())
                .containsExactly("a", "d");
    }

    @Test
    void eachCallHasAFreshUid() throws Exception {
        VersionConverter c = converter("/convert");
        c.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2");
        String first = webhook.lastReview().path("request").path("uid").asString();
        c.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2");
        String second = webhook.lastReview().path("request").path("uid").asString();
        assertThat(first).isNotEmpty().isNotEqualTo(second);
    }

    @Test
    void nothingToConvertNeverCallsTheWebhook() {
        // nothing listens on port 1: a call would fail
        VersionConverter c = VersionConverters.of(crd("https://127.0.0.1:1/convert", null, "v1"));
        assertThat(c.convert(List.of(), "example.com/v2")).isEmpty();
        ObjectNode v2 = widget("example.com/v2", "a", "{}");
        assertThat(c.convert(List.of(v2), "example.com/v2")).singleElement().isSameAs(v2);
        assertThatThrownBy(() -> c.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2"))
                .hasMessage(FOR + "failed: Post \"https://127.0.0.1:1/convert?timeout=30s\": "
                        + "dial tcp 127.0.0.1:1: connect: connection refused");
    }

    @Test
    void v1beta1ReviewsWhenListedFirst() throws Exception {
        VersionConverter c = converter("/convert", "v1beta1", "v1");
        ObjectNode out = c.convert(List.of(widget("example.com/v1", "a", "{\"size\":\"5\"}")), "example.com/v2").getFirst();
        assertThat(out.path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(webhook.lastReview().path("apiVersion").asString()).isEqualTo("apiextensions.k8s.io/v1beta1");
        converter("/convert", "v9", "v1", "v1beta1").convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2");
        assertThat(webhook.lastReview().path("apiVersion").asString()).isEqualTo("apiextensions.k8s.io/v1");
    }

    @Test
    void v1beta1AnswersAreNotCheckedForTheUid() {
        ObjectNode out = converter("/wrong-uid", "v1beta1")
                .convert(List.of(widget("example.com/v1", "a", "{\"size\":\"2\"}")), "example.com/v2").getFirst();
        assertThat(out.path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void aServiceIsCalledWhereWebhookServiceUrlsMapsItAndMustProveTheServicesName() throws Exception {
        ServiceUrls services = ServiceUrls.parse("conversion/widgets:8443=" + webhook.url("")
                + ",conversion/other:443=" + webhook.url(""));
        VersionConverter c = VersionConverters.of(serviceCrd("widgets", 8443), services);
        ObjectNode out = c.convert(List.of(widget("example.com/v1", "a", "{\"size\":\"6\"}")), "example.com/v2")
                .getFirst();
        assertThat(out.path("spec").path("replicas").asInt()).isEqualTo(6);
        assertThat(webhook.lastReview().path("path").asString()).isEqualTo("/convert?timeout=30s");
        // the mapped address serves a certificate for widgets.conversion.svc only: service "other" is refused
        VersionConverter other = VersionConverters.of(serviceCrd("other", null), services);
        assertThatThrownBy(() -> other.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2"))
                .hasMessageStartingWith(FOR + "failed: Post \"" + webhook.url("/convert?timeout=30s") + "\": ")
                .hasMessageEndingWith("not other.conversion.svc");
    }

    private static CustomResourceDefinition serviceCrd(String service, Integer port) {
        CustomResourceDefinition crd = crd(null, webhook.caBundle(), "v1");
        crd.getSpec().getConversion().getWebhook().getClientConfig().setService(new ServiceReferenceBuilder()
                .withNamespace("conversion").withName(service).withPort(port).withPath("/convert").build());
        return crd;
    }

    @Test
    void aServerTheCaBundleDoesNotVouchForIsRefused() {
        String otherCa = WidgetWebhook.base64Pem(Certificates.selfSignedCa("other", Duration.ofHours(1)));
        VersionConverter c = VersionConverters.of(crd(webhook.url("/convert"), otherCa, "v1"));
        assertThatThrownBy(() -> c.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2"))
                .isInstanceOfSatisfying(ConversionException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(FOR + "failed: Post \"" + webhook.url("/convert?timeout=30s")
                            + "\": tls: failed to verify certificate: x509: certificate signed by unknown authority");
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.reason()).isNull();
                    StatusError write = e.forWrite();
                    assertThat(write.reason()).isEqualTo("InternalError");
                    assertThat(write.getMessage()).isEqualTo("Internal error occurred: " + e.getMessage());
                });
        // without a caBundle the JVM's trust store is used, which does not know the test CA either
        VersionConverter jvm = VersionConverters.of(crd(webhook.url("/convert"), null, "v1"));
        assertThatThrownBy(() -> jvm.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2"))
                .hasMessageEndingWith("x509: certificate signed by unknown authority");
    }

    @Test
    void answersKubeRefuses() {
        List<ObjectNode> two = List.of(widget("example.com/v1", "w1", "{}"), widget("example.com/v1", "w2", "{}"));
        assertThatThrownBy(() -> converter("/wrong-uid").convert(two, "example.com/v2"))
                .hasMessageMatching(FOR.replace(".", "\\.") + "failed: expected response\\.uid=\"(.+)\", got \"not-\\1\"");
        assertThatThrownBy(() -> converter("/drop-one").convert(two, "example.com/v2"))
                .hasMessage(FOR + "returned 1 objects, expected 2");
        assertThatThrownBy(() -> converter("/wrong-version").convert(two, "example.com/v2"))
                .hasMessage(FOR + "returned invalid converted object at index 1: "
                        + "invalid groupVersion (expected example.com/v2, received example.com/v3)");
        assertThatThrownBy(() -> converter("/rename").convert(two, "example.com/v2"))
                .hasMessage(FOR + "returned invalid converted object at index 1: must have the same name: w1 != other");
        assertThatThrownBy(() -> converter("/fail").convert(two, "example.com/v2"))
                .hasMessage(FOR + "failed: size must be a number");
        assertThatThrownBy(() -> converter("/bad-label").convert(two, "example.com/v2"))
                .hasMessageStartingWith(FOR + "returned invalid metadata in object at index 1: "
                        + "metadata.labels: Invalid value: \"bad key\": name part must consist of");
        assertThatThrownBy(() -> converter("/no-such-path").convert(two, "example.com/v2"))
                .hasMessage(FOR + "failed: the server could not find the requested resource");
        assertThatThrownBy(() -> converter("/boom").convert(two, "example.com/v2"))
                .hasMessage(FOR + "failed: an error on the server (\"boom\") has prevented the request from succeeding");
    }

    @Test
    void onlyLabelsAndAnnotationsOfTheMetadataMayChange() {
        ObjectNode out = converter("/add-label").convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2")
                .getFirst();
        assertThat(out.path("metadata").path("labels").path("converted").asString()).isEqualTo("yes");
        assertThat(out.path("metadata").path("labels").path("a").asString()).isEqualTo("1");
        assertThat(out.path("metadata").path("resourceVersion").asString()).isEqualTo("7");
    }

    @Test
    void aSlowWebhookTimesOut() {
        VersionConverter c = VersionConverters.of(crd(webhook.url("/slow"), webhook.caBundle(), "v1"),
                Duration.ofMillis(500), ServiceUrls.defaults());
        long start = System.nanoTime();
        assertThatThrownBy(() -> c.convert(List.of(widget("example.com/v1", "a", "{}")), "example.com/v2"))
                .hasMessage(FOR + "failed: Post \"" + webhook.url("/slow?timeout=500ms")
                        + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }
}
