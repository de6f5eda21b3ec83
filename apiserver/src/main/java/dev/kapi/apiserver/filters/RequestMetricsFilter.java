package dev.kapi.apiserver.filters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * kube-apiserver's request metrics, recorded where kube records them: around the API handler, after
 * authorization (a request refused with 401 or 403 is not counted; one refused with 429 by the in-flight limit
 * counts in {@code apiserver_request_terminations_total}). A watch is recorded when it ends.
 * <ul>
 *   <li>{@code apiserver_request_total{verb,dry_run,group,version,resource,subresource,scope,component,code}}</li>
 *   <li>{@code apiserver_request_duration_seconds} (a histogram with kube's buckets, the same labels but code)</li>
 *   <li>{@code apiserver_longrunning_requests{verb,group,version,resource,subresource,scope,component}}: watches,
 *       exec, attach, port-forward, proxy and logs running now</li>
 * </ul>
 * Verbs are kube's: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION, CONNECT; a
 * non-resource request has its HTTP method as verb and its path's first segment as subresource. A request
 * answered 404 leaves group, version, resource and subresource empty, so that made-up paths add no series.
 */
public final class RequestMetricsFilter extends HttpFilter {

    /** kube's {@code apiserver_request_duration_seconds} buckets. */
    static final double[] BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5,
            6, 8, 10, 15, 20, 30, 45, 60};
    private static final Duration[] SLOS = Arrays.stream(BUCKETS)
            .mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);
    private static final Set<String> CONNECT = Set.of("exec", "attach", "portforward", "proxy");
    /** kube's {@code validRequestMethods}. */
    private static final Set<String> VERBS = Set.of("APPLY", "CONNECT", "CREATE", "DELETE", "DELETECOLLECTION", "GET",
            "LIST", "PATCH", "POST", "PROXY", "PUT", "UPDATE", "WATCH", "WATCHLIST");
    private static final Set<String> KNOWN_PATHS = Set.of("api", "apis", "healthz", "livez", "readyz", "metrics",
            "openapi", "version", "swagger-ui.html", "swagger-ui", "");

    private final MeterRegistry meters;
    private final LongRunningGauges longRunning;
    /**
     * The meters per label set, so that a request looks its two meters up by a small record instead of building
     * and sorting {@link Tags} and registering them again (the registry's own lookup): no more series than the
     * registry holds anyway.
     */
    private final Map<Labels, Timer> durations = new ConcurrentHashMap<>();
    private final Map<CodeLabels, Counter> totals = new ConcurrentHashMap<>();

    public RequestMetricsFilter(MeterRegistry meters) {
        this.meters = meters;
        this.longRunning = new LongRunningGauges(meters);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        RequestInfo info = (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE);
        if (info == null) {
            chain.doFilter(req, res);
            return;
        }
        long start = System.nanoTime();
        Tags running = LongRunning.is(info) ? longRunning.started(withoutDryRun(req, info, 200)) : null;
        boolean async = false;
        try {
            chain.doFilter(req, res);
            if (req.isAsyncStarted()) {
                async = true;
                req.getAsyncContext().addListener(new RecordOnEnd(() -> done(req, res, info, start, running)));
            }
        } finally {
            if (!async) {
                done(req, res, info, start, running);
            }
        }
    }

    private void done(HttpServletRequest req, HttpServletResponse res, RequestInfo info, long start,
                      Tags running) {
        int code = res.getStatus();
        if (running != null) {
            longRunning.ended(running, code);
        }
        Labels labels = Labels.of(req, info, code);
        totals.computeIfAbsent(new CodeLabels(labels, code), this::total).increment();
        durations.computeIfAbsent(labels, this::duration).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private Counter total(CodeLabels key) {
        return Counter.builder("apiserver.request")
                .description("Counter of apiserver requests broken out for each verb, dry run value, group, version, "
                        + "resource, scope, component, and HTTP response code.")
                .tags(key.labels().tags()).tag("code", Integer.toString(key.code())).register(meters);
    }

    private Timer duration(Labels labels) {
        return Timer.builder("apiserver.request.duration")
                .description("Response latency distribution in seconds for each verb, dry run value, group, version, "
                        + "resource, subresource, scope and component.")
                .serviceLevelObjectives(SLOS).tags(labels.tags()).register(meters);
    }

    /** The labels every request metric has (verb, dry_run, group, version, resource, subresource, scope, component). */
    static Tags labels(HttpServletRequest req, RequestInfo info) {
        return Labels.of(req, info, 200).tags();
    }

    /**
     * kube's {@code cleanDryRun}: the distinct values sorted, or {@code invalid} when one is not {@code All}, so that
     * made-up values never add series (every distinct label value is a new counter and histogram).
     */
    static String dryRun(String[] values) {
        if (values == null || values.length == 0) {
            return "";
        }
        TreeSet<String> distinct = new TreeSet<>(Arrays.asList(values));
        return distinct.equals(Set.of("All")) ? "All" : "invalid";
    }

    private static Tags withoutDryRun(HttpServletRequest req, RequestInfo info, int code) {
        return Labels.of(req, info, code, "").tagsWithoutDryRun();
    }

    /** One request's labels but its code; {@code component} is always {@code apiserver}. */
    private record Labels(String verb, String dryRun, String scope, String group, String version, String resource,
                          String subresource) {

        static Labels of(HttpServletRequest req, RequestInfo info, int code) {
            return of(req, info, code, RequestMetricsFilter.dryRun(req.getParameterValues("dryRun")));
        }

        static Labels of(HttpServletRequest req, RequestInfo info, int code, String dryRun) {
            String verb = RequestMetricsFilter.verb(req, info);
            String scope = RequestMetricsFilter.scope(info);
            if (code == 404) {
                return new Labels(verb, dryRun, scope, "", "", "", "");
            }
            if (!info.resourceRequest()) {
                String first = info.parts() == null || info.parts().length == 0 ? "" : info.parts()[0];
                return new Labels(verb, dryRun, scope, "", "", "", KNOWN_PATHS.contains(first) ? "/" + first : "");
            }
            return new Labels(verb, dryRun, scope, nz(info.apiGroup()), nz(info.apiVersion()), nz(info.resource()),
                    nz(info.subresource()));
        }

        Tags tagsWithoutDryRun() {
            return Tags.of("verb", verb, "component", "apiserver", "scope", scope)
                    .and("group", group, "version", version, "resource", resource, "subresource", subresource);
        }

        Tags tags() {
            return tagsWithoutDryRun().and("dry_run", dryRun);
        }
    }

    private record CodeLabels(Labels labels, int code) {
    }

    /**
     * The verb label: kube's {@code CleanVerb}, any other (a made-up HTTP method) is {@code other}, so that
     * methods never add series.
     */
    static String verb(HttpServletRequest req, RequestInfo info) {
        String verb = rawVerb(req, info);
        return VERBS.contains(verb) ? verb : "other";
    }

    private static String rawVerb(HttpServletRequest req, RequestInfo info) {
        if (!info.resourceRequest()) {
            return req.getMethod().toUpperCase(Locale.ROOT);
        }
        if (info.subresource() != null && CONNECT.contains(info.subresource())) {
            return "CONNECT";
        }
        return switch (info.verb()) {
            case "create" -> "POST";
            case "update" -> "PUT";
            case "patch" -> String.valueOf(req.getContentType()).startsWith("application/apply-patch")
                    ? "APPLY" : "PATCH";
            default -> info.verb().toUpperCase(Locale.ROOT);
        };
    }

    /** kube's {@code CleanScope}: a named object (or a create) is "resource", then "namespace", then "cluster". */
    static String scope(RequestInfo info) {
        if (info.name() != null && !info.name().isEmpty() || "create".equals(info.verb()) && info.resourceRequest()) {
            return "resource";
        }
        if (info.namespace() != null && !info.namespace().isEmpty()) {
            return "namespace";
        }
        return info.resourceRequest() ? "cluster" : "";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private record RecordOnEnd(Runnable record) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            record.run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
