package dev.kapi.apiserver.storage.etcd3;

import dev.kapi.apiserver.storage.StorageException;
import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** How etcd call failures map to storage error codes (which become 503/504, 410, 413 or 500 for clients). */
class EtcdCallsTest {

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource({
            "UNAVAILABLE, io exception, UNREACHABLE",
            "DEADLINE_EXCEEDED, deadline exceeded, UNREACHABLE",
            "UNKNOWN, channel closed, UNREACHABLE",              // etcd stopped mid-call (Vert.x transport)
            "UNKNOWN, Connection refused: /127.0.0.1:2379, UNREACHABLE",
            "UNKNOWN, Connection reset by peer, UNREACHABLE",
            "UNKNOWN, Connection was closed, UNREACHABLE",
            "OUT_OF_RANGE, etcdserver: mvcc: required revision has been compacted, EXPIRED",
            "INVALID_ARGUMENT, etcdserver: request is too large, TOO_LARGE",
            "UNKNOWN, something else broke, INTERNAL",
    })
    void mapsFailures(Status.Code code, String description, StorageException.Code expected) {
        Throwable failure = new CompletionException(code.toStatus().withDescription(description).asRuntimeException());
        assertThat(EtcdCalls.translate(failure, "/registry/configmaps/default/x").code()).isEqualTo(expected);
    }
}
