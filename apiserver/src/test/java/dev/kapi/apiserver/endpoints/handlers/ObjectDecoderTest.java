package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ObjectDecoder#readObject} (JSON straight into the type) answers exactly as reading the tree and
 * decoding it does: the same object and warnings, or the same error.
 */
class ObjectDecoderTest {

    static final List<ResourceDefinition<?>> DEFINITIONS =
            BuiltInResources.all(new RegistryContext(null, "/registry", "10.96.0.0/12", "30000-32767"));
    static final String CM = "\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"";

    /** A body POSTed to {@code resource} with {@code query} and {@code contentType}. */
    record Case(String name, String resource, String query, String contentType, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case cm(String name, String query, String body) {
        return new Case(name, "configmaps", query, "application/json", body);
    }

    static Stream<Case> cases() {
        String unknown = "{" + CM + ",\"metadata\":{\"name\":\"a\",\"foo\":1},\"bar\":2,\"data\":{\"k\":\"v\"}}";
        return Stream.of(
                cm("plain", "", "{" + CM + ",\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"}},\"data\":{\"k\":\"v\"}}"),
                cm("leading blanks", "", " \n\t{" + CM + ",\"metadata\":{\"name\":\"a\"}}"),
                cm("no type meta", "", "{\"metadata\":{\"name\":\"a\"}}"),
                cm("empty type meta", "", "{\"apiVersion\":\"\",\"kind\":\"\",\"metadata\":{\"name\":\"a\"}}"),
                cm("null type meta", "", "{\"apiVersion\":null,\"kind\":null,\"metadata\":{\"name\":\"a\"}}"),
                cm("wrong kind", "", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"a\"}}"),
                cm("wrong apiVersion", "", "{\"apiVersion\":\"v2\",\"kind\":\"ConfigMap\"}"),
                cm("numeric apiVersion", "", "{\"apiVersion\":5}"),
                cm("object apiVersion", "", "{\"apiVersion\":{}}"),
                cm("unknown fields, Warn", "", unknown),
                cm("unknown fields, Strict", "?fieldValidation=Strict", unknown),
                cm("unknown fields, Ignore", "?fieldValidation=Ignore", unknown),
                cm("bad fieldValidation", "?fieldValidation=Loud", unknown),
                cm("bad fieldValidation and kind", "?fieldValidation=Loud", "{\"kind\":\"Secret\"}"),
                cm("malformed", "", "{\"metadata\":{\"name\":"),
                cm("trailing garbage", "", "{\"metadata\":{\"name\":\"a\"}} x"),
                cm("two objects", "", "{\"metadata\":{\"name\":\"a\"}}{\"metadata\":{\"name\":\"b\"}}"),
                cm("array", "", "[{\"metadata\":{\"name\":\"a\"}}]"),
                cm("null", "", "null"),
                cm("empty", "", ""),
                cm("blank", "", "   "),
                cm("number as data value", "", "{\"data\":{\"k\":1}}"),
                cm("object as data value", "", "{\"data\":{\"k\":{}}}"),
                cm("duplicate keys", "", "{\"data\":{\"a\":\"1\"},\"data\":{\"b\":\"2\"},\"metadata\":{\"name\":\"x\"}}"),
                cm("null metadata", "", "{\"metadata\":null}"),
                new Case("deployment, nested unknown", "deployments", "", "application/json",
                        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"foo\":1,"
                                + "\"replicas\":2,\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"bar\":[]}]}}}}"),
                new Case("yaml", "configmaps", "", "application/yaml", "metadata:\n  name: a\ndata:\n  k: v\nfoo: 1\n"),
                cm("number as name", "", "{\"metadata\":{\"name\":123}}"),
                cm("string as immutable", "", "{\"immutable\":\"true\"}"),
                cm("malformed creationTimestamp", "", "{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"now\"}}"),
                new Case("float replicas", "deployments", "", "application/json",
                        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"spec\":{\"replicas\":2.0}}"),
                new Case("unsupported type", "configmaps", "", "text/plain", "{}"),
                crd("crd schema keyword, Warn", ""),
                crd("crd schema keyword, Strict", "?fieldValidation=Strict"));
    }

    static final String CRD_TYPO = "spec.versions[0].schema.openAPIV3Schema.properties.spec.maxLenght";

    /** A CRD whose schema misspells a keyword: fabric8's JSONSchemaProps has no catch-all map for it. */
    static Case crd(String name, String query) {
        return new Case(name, "customresourcedefinitions", query, "application/json", """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"xs.g"},
                "spec":{"group":"g","names":{"plural":"xs","kind":"X"},"scope":"Namespaced","versions":[{"name":"v1",
                "served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{
                "type":"string","maxLenght":3}}}}}]}}""");
    }

    /** kube's words for a CRD schema's unknown keyword, whichever way the body is decoded. */
    @org.junit.jupiter.api.Test
    void aCrdSchemasUnknownKeywordIsWarnedAboutOrRefused() {
        for (Decoding decoding : List.<Decoding>of(ObjectDecoder::readObject,
                scope -> ObjectDecoder.decode(scope, ObjectDecoder.readBody(scope)))) {
            Outcome warned = outcome(crd("warn", ""), decoding);
            assertThat(warned.warnings()).containsExactly("299 - \"unknown field \\\"" + CRD_TYPO + "\\\"\"");
            assertThat(warned.json()).doesNotContain("maxLenght");
            Outcome refused = outcome(crd("strict", "?fieldValidation=Strict"), decoding);
            assertThat(refused.code()).isEqualTo(400);
            assertThat(refused.message()).isEqualTo("CustomResourceDefinition in version \"v1\" cannot be handled as a "
                    + "CustomResourceDefinition: strict decoding error: unknown field \"" + CRD_TYPO + "\"");
        }
    }

    /** What a decoding gave: the object's JSON and the Warning headers, or the error's code and message. */
    record Outcome(String json, List<String> warnings, Integer code, String message) {
    }

    @ParameterizedTest
    @MethodSource("cases")
    void directDecodingAnswersAsTheTree(Case c) {
        Outcome viaTree = outcome(c, scope -> ObjectDecoder.decode(scope, ObjectDecoder.readBody(scope)));
        Outcome direct = outcome(c, ObjectDecoder::readObject);
        assertThat(direct).isEqualTo(viaTree);
    }

    /** The common bodies do take the direct way (the comparison above would also pass if none did). */
    @ParameterizedTest
    @MethodSource("cases")
    void commonBodiesTakeTheDirectWay(Case c) {
        boolean common = List.of("plain", "leading blanks", "no type meta", "unknown fields, Warn",
                "unknown fields, Ignore", "deployment, nested unknown").contains(c.name());
        Outcome direct = outcome(c, scope -> {
            HasMetadata obj = ObjectDecoder.decodeDirectly(scope, c.body().getBytes(StandardCharsets.UTF_8));
            if (obj == null) {
                throw new IllegalStateException("not decoded directly");
            }
            return obj;
        });
        if (common) {
            assertThat(direct.json()).isNotNull();
        }
    }

    interface Decoding {
        HasMetadata decode(RequestScope scope) throws Exception;
    }

    @SuppressWarnings("unchecked")
    static Outcome outcome(Case c, Decoding decoding) {
        ResourceDefinition<HasMetadata> def = (ResourceDefinition<HasMetadata>) DEFINITIONS.stream()
                .filter(d -> d.resource().equals(c.resource())).findFirst().orElseThrow();
        String path = "/" + (def.group().isEmpty() ? "api/" : "apis/" + def.group() + "/") + def.version()
                + "/namespaces/ns/" + c.resource();
        MockHttpServletRequest req = new MockHttpServletRequest("POST", path);
        req.setQueryString(c.query().isEmpty() ? null : c.query().substring(1));
        if (!c.query().isEmpty()) {
            String[] kv = c.query().substring(1).split("=");
            req.setParameter(kv[0], kv[1]);
        }
        req.setContentType(c.contentType());
        req.setContent(c.body().getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse res = new MockHttpServletResponse();
        RequestScope scope = new RequestScope(RequestInfoResolver.resolve("POST", path, null, null), def, null, null,
                null, req, res);
        try {
            HasMetadata obj = decoding.decode(scope);
            return new Outcome(Json.string(obj), res.getHeaders("Warning"), null, null);
        } catch (StatusError e) {
            return new Outcome(null, List.of(), e.status().getCode(), e.status().getMessage());
        } catch (RuntimeException e) { // not a Status: the servlet answers 500 with its message
            return new Outcome(null, List.of(), 500, e.getClass().getName() + ": " + e.getMessage());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
