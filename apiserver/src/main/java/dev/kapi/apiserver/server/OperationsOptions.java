package dev.kapi.apiserver.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * kube-apiserver's flags for operating the server:
 * <ul>
 *   <li>{@code --max-requests-inflight} (default 400: get, list and watch running at once) and
 *       {@code --max-mutating-requests-inflight} (default 200: every other verb); 0 switches a limit off;
 *       long-running requests are not counted ({@code filters.MaxInFlightFilter});</li>
 *   <li>{@code --request-timeout} (default 1m, a Go duration; 0 switches it off): the longest a request that is
 *       not long-running may take ({@code filters.RequestDeadlineFilter});</li>
 *   <li>{@code --etcd-count-metric-poll-period} (default 1m, a Go duration; 0 switches it off): how often the
 *       objects of each resource are counted for {@code apiserver_storage_objects};</li>
 *   <li>{@code --etcd-db-metric-poll-interval} (default 30s, a Go duration; 0 switches it off): how often the
 *       storage's database size is read for {@code apiserver_storage_size_bytes};</li>
 *   <li>{@code --etcd-compaction-interval} (default 5m, a Go duration; 0 switches it off): how often etcd's
 *       history is compacted (the embedded store compacts its own every minute);</li>
 *   <li>{@code --logging-format} (text or json) is read before the server starts, by {@link LoggingFormat}.</li>
 * </ul>
 */
@Component
public class OperationsOptions {

    private final int maxRequestsInflight;
    private final int maxMutatingRequestsInflight;
    private final Duration countMetricPollPeriod;
    private final Duration etcdCompactionInterval;
    private final Duration dbMetricPollInterval;
    private final Duration requestTimeout;

    public OperationsOptions(@Value("${max-requests-inflight:400}") int maxRequestsInflight,
                             @Value("${max-mutating-requests-inflight:200}") int maxMutatingRequestsInflight,
                             @Value("${etcd-count-metric-poll-period:1m}") String countMetricPollPeriod,
                             @Value("${etcd-compaction-interval:5m}") String etcdCompactionInterval,
                             @Value("${etcd-db-metric-poll-interval:30s}") String dbMetricPollInterval,
                             @Value("${request-timeout:1m}") String requestTimeout) {
        if (maxRequestsInflight < 0 || maxMutatingRequestsInflight < 0) {
            throw new StartupFailure("--max-requests-inflight and --max-mutating-requests-inflight must not be "
                    + "negative (0 switches a limit off)");
        }
        this.maxRequestsInflight = maxRequestsInflight;
        this.maxMutatingRequestsInflight = maxMutatingRequestsInflight;
        this.countMetricPollPeriod = ControllerOptions.duration("etcd-count-metric-poll-period", countMetricPollPeriod);
        this.etcdCompactionInterval = ControllerOptions.duration("etcd-compaction-interval", etcdCompactionInterval);
        this.dbMetricPollInterval = ControllerOptions.duration("etcd-db-metric-poll-interval", dbMetricPollInterval);
        this.requestTimeout = ControllerOptions.duration("request-timeout", requestTimeout);
    }

    public int maxRequestsInflight() {
        return maxRequestsInflight;
    }

    public int maxMutatingRequestsInflight() {
        return maxMutatingRequestsInflight;
    }

    public Duration countMetricPollPeriod() {
        return countMetricPollPeriod;
    }

    public Duration etcdCompactionInterval() {
        return etcdCompactionInterval;
    }

    public Duration dbMetricPollInterval() {
        return dbMetricPollInterval;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }
}
