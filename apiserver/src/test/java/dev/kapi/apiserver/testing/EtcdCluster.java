package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local etcd cluster of {@code size} members (plain HTTP on free loopback ports, one temp data dir each,
 * deleted at JVM exit), for tests that kill and restart members under load.
 *
 * <pre>{@code
 * try (EtcdCluster cluster = EtcdCluster.start(3)) {
 *     int leader = cluster.leader();
 *     cluster.member((leader + 1) % 3).kill();      // a follower, SIGKILL
 *     cluster.member((leader + 1) % 3).ensureRunning(); // back, same data dir and ports
 * }
 * }</pre>
 */
public final class EtcdCluster implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<LocalEtcdProcess> members;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private EtcdCluster(List<LocalEtcdProcess> members) {
        this.members = members;
    }

    /** Starts {@code size} members that form one cluster, and waits until each is healthy (has a leader). */
    public static EtcdCluster start(int size) {
        Path dir;
        try {
            dir = Files.createTempDirectory("kapi-etcd-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<LocalEtcdProcess.Member> specs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            specs.add(new LocalEtcdProcess.Member("m" + i, LocalEtcdProcess.freePort(), LocalEtcdProcess.freePort(),
                    null, null));
        }
        String initialCluster = specs.stream().map(m -> m.name() + "=" + m.peerUrl())
                .collect(Collectors.joining(","));
        List<LocalEtcdProcess> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            LocalEtcdProcess.Member m = specs.get(i);
            members.add(LocalEtcdProcess.spawn(dir.resolve(m.name()), new LocalEtcdProcess.Member(m.name(),
                    m.clientPort(), m.peerPort(), initialCluster, null)));
        }
        EtcdCluster cluster = new EtcdCluster(List.copyOf(members));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            LocalEtcdProcess.deleteRecursively(dir);
        }, "stop-test-etcd-cluster"));
        members.forEach(LocalEtcdProcess::awaitHealthy);
        return cluster;
    }

    /** Every member's client URL, in member order. */
    public List<String> endpoints() {
        return members.stream().map(LocalEtcdProcess::endpoint).toList();
    }

    /** The client URLs starting with member {@code first} (so a pick-first client connects to it first). */
    public List<String> endpointsFrom(int first) {
        return IntStream.range(0, members.size()).mapToObj(i -> members.get((first + i) % members.size()).endpoint())
                .toList();
    }

    public LocalEtcdProcess member(int index) {
        return members.get(index);
    }

    public int size() {
        return members.size();
    }

    /**
     * The index of the current leader, as the running members report it (etcd's maintenance status); -1
     * when no running member knows one.
     */
    public int leader() {
        for (LocalEtcdProcess member : members) {
            if (!member.isRunning()) {
                continue;
            }
            JsonNode status = status(member);
            if (status == null) {
                continue;
            }
            String leaderId = status.path("leader").asString("");
            for (int i = 0; i < members.size(); i++) {
                JsonNode other = members.get(i).isRunning() ? status(members.get(i)) : null;
                if (other != null && other.path("header").path("member_id").asString("").equals(leaderId)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private JsonNode status(LocalEtcdProcess member) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(member.endpoint()
                            + "/v3/maintenance/status")).timeout(Duration.ofSeconds(2))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops every member (their data dirs stay until the JVM exits). */
    @Override
    public void close() {
        members.forEach(LocalEtcdProcess::close);
    }
}
