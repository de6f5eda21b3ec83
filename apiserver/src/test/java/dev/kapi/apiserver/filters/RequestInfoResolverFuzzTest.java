package dev.kapi.apiserver.filters;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapi.apiserver.testing.FuzzOracle;

import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link RequestInfoResolver#resolve} with arbitrary methods, paths and query values. Oracle: it never
 * throws (a {@code StatusError} with a 4xx code is tolerated), and a resource request has a verb and resource.
 * Input: {@code method \n path \n watch \n fieldSelectorName}, missing parts being null.
 */
class RequestInfoResolverFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void resolve(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 4);
        String method = parts[0];
        String path = parts.length > 1 ? parts[1] : "/";
        String watch = parts.length > 2 ? parts[2] : null;
        String fieldSelectorName = parts.length > 3 ? parts[3] : null;
        RequestInfo info = FuzzOracle.allowClientErrors(() -> RequestInfoResolver.resolve(method, path, watch,
                fieldSelectorName));
        if (info != null && info.resourceRequest() && (info.verb() == null || info.resource() == null)) {
            throw new AssertionError("resource request without verb or resource: " + info);
        }
    }
}
