package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's truncate backend in front of the log ({@code --audit-log-truncate-*}): an event over the maximum loses
 * its objects and is annotated, one still over it is dropped without failing the request, and nothing changes
 * below the maximum or without the flag.
 */
class LogBackendTruncationTest {

    static final String BIG = "x".repeat(5_000);

    final List<String> lines = new ArrayList<>();
    final LogBackend.Output out = new LogBackend.Output() {
        @Override
        public void write(byte[] line) {
            lines.add(new String(line, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }
    };

    static AuditEvent event(Level level, String userAgent, String body) {
        AuditEvent e = new AuditEvent(level, "id-1", "/api/v1/namespaces/default/configmaps", "create",
                new UserInfo("alice", "", List.of(), Map.of()), List.of("127.0.0.1"), userAgent, null, Instant.now());
        if (body != null) {
            e.requestObject = Json.MAPPER.createObjectNode().put("data", body);
            e.responseObject = Json.MAPPER.createObjectNode().put("data", body);
        }
        e.annotations.put("authorization.k8s.io/decision", "allow");
        return e;
    }

    @Test
    void aLargeEventLosesItsObjectsAndSaysSo() {
        LogBackend backend = new LogBackend(out, 4_096, AuditMetrics.NONE);
        assertThat(backend.process(event(Level.RequestResponse, "kubectl", BIG))).isTrue();
        JsonNode line = Json.MAPPER.readTree(lines.getFirst());
        assertThat(line.has("requestObject")).isFalse();
        assertThat(line.has("responseObject")).isFalse();
        assertThat(line.path("annotations").path("audit.k8s.io/truncated").asString()).isEqualTo("true");
        assertThat(line.path("annotations").path("authorization.k8s.io/decision").asString()).isEqualTo("allow");
        assertThat(line.path("user").path("username").asString()).isEqualTo("alice");
        assertThat(lines.getFirst().length()).isLessThanOrEqualTo(4_096);
    }

    @Test
    void anEventStillTooLargeIsDroppedWithoutFailingTheRequest() {
        LogBackend backend = new LogBackend(out, 4_096, AuditMetrics.NONE);
        // a Metadata event is never truncated (it has no objects): too large, it is dropped
        assertThat(backend.process(event(Level.Metadata, BIG, null))).isTrue();
        assertThat(backend.process(event(Level.Request, BIG, BIG))).isTrue();
        assertThat(lines).isEmpty();
    }

    @Test
    void smallEventsAndNoLimitLeaveEventsWhole() {
        new LogBackend(out, 100_000, AuditMetrics.NONE).process(event(Level.RequestResponse, "kubectl", BIG));
        new LogBackend(out).process(event(Level.RequestResponse, "kubectl", BIG + BIG + BIG));
        assertThat(lines).hasSize(2).allSatisfy(l -> {
            JsonNode line = Json.MAPPER.readTree(l);
            assertThat(line.has("requestObject")).isTrue();
            assertThat(line.path("annotations").has("audit.k8s.io/truncated")).isFalse();
        });
    }
}
