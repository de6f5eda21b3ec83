package dev.kapi.apiserver.endpoints.handlers;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.FuzzOracle;
import dev.kapi.apiserver.testing.FuzzScopes;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the body decoders: {@link ObjectDecoder#readObject} of JSON and YAML bodies into a few resource
 * types. Oracles: only 4xx {@code StatusError}s ({@link FuzzOracle}); the direct JSON decoding and the
 * decoding through the tree give the same object or the same error. Input: a selector byte (resource, JSON
 * or YAML, fieldValidation), then the body.
 */
class ObjectDecoderFuzzTest {

    private static final List<String> RESOURCES = List.of("configmaps", "pods", "deployments", "services", "leases",
            "cronjobs", "roles", "events");
    private static final List<String> VALIDATION = List.of("Warn", "Strict", "Ignore");

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xff;
        String resource = RESOURCES.get(selector % RESOURCES.size());
        boolean yaml = (selector / RESOURCES.size()) % 2 == 1;
        String validation = VALIDATION.get((selector / RESOURCES.size() / 2) % VALIDATION.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        String contentType = yaml ? "application/yaml" : "application/json";
        String direct = outcome(() -> ObjectDecoder.readObject(
                FuzzScopes.scope("POST", resource, null, contentType, validation, body)));
        if (!yaml) {
            String viaTree = outcome(() -> {
                RequestScope scope = FuzzScopes.scope("POST", resource, null, contentType, validation, body);
                return ObjectDecoder.decode(scope, ObjectDecoder.readBody(scope));
            });
            if (!direct.equals(viaTree)) {
                throw new AssertionError("direct decoding gave " + direct + ", through the tree " + viaTree);
            }
        }
    }

    interface Decoding {
        HasMetadata decode() throws IOException;
    }

    /** The object's JSON, or the client error's code and message. */
    private static String outcome(Decoding decoding) {
        try {
            return Json.string(decoding.decode());
        } catch (StatusError e) {
            FuzzOracle.check(e);
            return e.code() + " " + e.getMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
