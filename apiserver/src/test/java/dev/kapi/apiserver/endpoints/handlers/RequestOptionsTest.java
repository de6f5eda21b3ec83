package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Options of a request that are client mistakes get kube's 400 or 422, never a 500 or a silent default:
 * DeleteOptions from the body or the query ({@link DeleteOptionsReader}), the list options of the query
 * ({@link ListHandler#params}) and a write's {@code dryRun}. Single quotes stand for double quotes.
 */
class RequestOptionsTest {

    /** A request: {@code body} null for none; {@code code} 0 when it is accepted. */
    record Case(String name, String method, String query, String body, int code, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case delete(String name, String query, String body, int code, String message) {
        return new Case(name, "DELETE", query, body, code, message);
    }

    /** A write's {@code dryRun} ({@link RequestScope#dryRun}). */
    static Case write(String name, String method, String query, int code, String message) {
        return new Case(name, method, query, null, code, message);
    }

    static Case list(String name, String query, int code, String message) {
        return new Case(name, "GET", query, null, code, message);
    }

    static final String POLICY_INVALID = "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: "
            + "\"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"";

    static List<Case> cases() {
        return List.of(
                delete("no options", "", null, 0, null),
                delete("valid body", "", "{'propagationPolicy':'Foreground','gracePeriodSeconds':5}", 0, null),
                delete("valid query", "gracePeriodSeconds=0&propagationPolicy=Orphan", null, 0, null),
                delete("string gracePeriodSeconds in the body", "", "{'gracePeriodSeconds':'abc'}", 400,
                        "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64"),
                delete("float gracePeriodSeconds in the body", "", "{'gracePeriodSeconds':1.5}", 400,
                        "json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds "
                                + "of type int64"),
                delete("number propagationPolicy in the body", "", "{'propagationPolicy':1}", 400,
                        "json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type string"),
                delete("gracePeriodSeconds=abc", "gracePeriodSeconds=abc", null, 400,
                        "strconv.ParseInt: parsing \"abc\": invalid syntax"),
                delete("propagationPolicy=Bogus", "propagationPolicy=Bogus", null, 422, POLICY_INVALID),
                delete("propagationPolicy Bogus in the body", "", "{'propagationPolicy':'Bogus'}", 422, POLICY_INVALID),
                delete("orphanDependents and propagationPolicy", "", "{'orphanDependents':true,'propagationPolicy':'Orphan'}",
                        422, "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Orphan\": "
                                + "orphanDependents and deletionPropagation cannot be both set"),
                delete("dryRun other than All in the body", "", "{'dryRun':['Some']}", 422,
                        "DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: "
                                + "supported values: \"All\""),
                write("dryRun=All on a create", "POST", "dryRun=All", 0, null),
                write("dryRun=Some on a create", "POST", "dryRun=Some", 422,
                        "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: "
                                + "supported values: \"All\""),
                write("dryRun=All and dryRun=x on an update", "PUT", "dryRun=All&dryRun=x", 422,
                        "UpdateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"All\", "
                                + "\"x\"}: supported values: \"All\""),
                write("dryRun=true on a patch", "PATCH", "dryRun=true", 422,
                        "PatchOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"true\"}: "
                                + "supported values: \"All\""),
                list("plain list", "", 0, null),
                list("watch=false", "watch=false", 0, null),
                list("watch=0", "watch=0", 0, null),
                list("watch=maybe", "watch=maybe", 400, "strconv.ParseBool: parsing \"maybe\": invalid syntax"),
                list("timeoutSeconds=abc", "timeoutSeconds=abc", 400, "strconv.ParseInt: parsing \"abc\": invalid syntax"),
                list("timeoutSeconds=30", "timeoutSeconds=30", 0, null),
                list("limit=abc", "limit=abc", 400, "strconv.ParseInt: parsing \"abc\": invalid syntax"),
                list("limit out of range", "limit=99999999999999999999", 400,
                        "strconv.ParseInt: parsing \"99999999999999999999\": value out of range"),
                list("limit=10", "limit=10", 0, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsKube(Case c) {
        RequestScope scope = scope(c);
        Runnable read = switch (c.method()) {
            case "DELETE" -> () -> readDeleteOptions(scope);
            case "GET" -> () -> ListHandler.params(scope);
            default -> scope::dryRun;
        };
        if (c.code() == 0) {
            read.run();
            return;
        }
        assertThatThrownBy(read::run).isInstanceOfSatisfying(StatusError.class, e -> {
            assertThat(e.code()).isEqualTo(c.code());
            assertThat(e.status().getMessage()).isEqualTo(c.message());
        });
    }

    private static DeleteOptions readDeleteOptions(RequestScope scope) {
        try {
            return DeleteOptionsReader.read(scope);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    static RequestScope scope(Case c) {
        ResourceDefinition<HasMetadata> def = (ResourceDefinition<HasMetadata>) ObjectDecoderTest.DEFINITIONS.stream()
                .filter(d -> d.resource().equals("configmaps")).findFirst().orElseThrow();
        String path = "/api/v1/namespaces/ns/configmaps" + (c.method().equals("DELETE") ? "/cm" : "");
        MockHttpServletRequest req = new MockHttpServletRequest(c.method(), path);
        if (!c.query().isEmpty()) {
            req.setQueryString(c.query());
            for (String kv : c.query().split("&")) {
                String[] p = kv.split("=", 2);
                req.addParameter(p[0], p[1]);
            }
        }
        if (c.body() != null) {
            req.setContentType("application/json");
            req.setContent(c.body().replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        }
        return new RequestScope(RequestInfoResolver.resolve(c.method(), path, null, null), def, null, null, null, req,
                new MockHttpServletResponse());
    }
}
