package dev.kapi.apiserver.storage.etcd3;

import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd members' Status (version, database size), with at most one call out per member: jetcd opens a channel for
 * each Status call and keeps it, reconnecting, until the member answers, so asking an unreachable member again
 * waits for the call still out instead of opening another channel each time.
 */
final class EtcdMemberStatus {

    private final Maintenance maintenance;
    private final Duration timeout;
    private final Map<String, CompletableFuture<StatusResponse>> out = new ConcurrentHashMap<>();

    EtcdMemberStatus(Maintenance maintenance, Duration timeout) {
        this.maintenance = maintenance;
        this.timeout = timeout;
    }

    /** The member's Status ({@code endpoint} as given to the client), waiting at most the call timeout. */
    StatusResponse read(String endpoint) throws InterruptedException, ExecutionException, TimeoutException {
        return out.compute(endpoint, (member, call) -> call != null && !call.isDone() ? call
                : maintenance.statusMember(member)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
