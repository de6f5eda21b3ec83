package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import io.fabric8.kubernetes.api.model.HasMetadata;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A watch ({@code ?watch=true} or the legacy {@code /watch/} paths): a chunked stream of JSON lines
 * {@code {"type":..,"object":..}} until {@code timeoutSeconds} (default 30 to 60 minutes, as
 * kube-apiserver's min-request-timeout) or the client leaves. The response is asynchronous: no thread is
 * held while nothing happens ({@link WatchPump}), so an idle watch costs only a few objects. A request
 * asking for a WebSocket upgrade gets the same events as WebSocket messages ({@link WebSocketWatch}). When the
 * server stops, {@link OpenWatches} ends each HTTP stream cleanly (its last chunk written).
 */
public final class WatchHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        OutputFormat format = OutputFormat.negotiate(scope.request().getHeader("Accept"));
        if (format.yaml()) {
            // kube-apiserver has no streaming YAML serializer: a watch whose client prefers YAML is refused
            throw OutputFormat.notAcceptable();
        }
        if (format.kind() == OutputFormat.Kind.TABLE) {
            TableConvertor.checkIncludeObject(scope.param("includeObject"));
        }
        long timeoutMillis = timeoutMillis(scope);
        String name = scope.name();
        WatchParams<HasMetadata> params = new WatchParams<>(nameFilter(SelectorFilter.of(scope), name),
                ListHandler.orEmpty(scope.param("resourceVersion")),
                ListHandler.orEmpty(scope.param("resourceVersionMatch")),
                isTrue(scope.param("allowWatchBookmarks")), bool(scope.param("sendInitialEvents")));
        long deadline = System.currentTimeMillis() + timeoutMillis;
        WatchEventEncoder encoder = new WatchEventEncoder(scope, format);
        // errors opening the watch (bad parameters, too large resourceVersion) are plain Status responses
        StoreWatch<HasMetadata> watch = scope.store().watcher().open(scope.namespace(), params);
        if (WebSocketHandshake.requested(scope.request())) {
            WebSocketWatch.serve(scope.request(), scope.response(), watch, encoder, deadline);
            return;
        }
        scope.response().setStatus(200);
        scope.response().setContentType(encoder.contentType());
        boolean http11 = "HTTP/1.1".equals(scope.request().getProtocol());
        if (http11) {
            StreamingConnection.frameChunksOurselves(scope.response());
        }
        try {
            scope.response().flushBuffer();
        } catch (IOException clientGone) {
            watch.close();
            return;
        }
        AsyncContext async = scope.request().startAsync();
        async.setTimeout(0); // the pump ends the watch at its deadline
        StreamingConnection.keepOpenUntil(scope.request(), deadline);
        OutputStream out = scope.response().getOutputStream();
        OpenWatches open = OpenWatches.of(scope.request().getServletContext());
        Runnable untrack = open == null ? () -> { } : open.add(watch::close);
        WatchPump pump = new WatchPump(watch,
                new HttpWatchSink(encoder, out, http11, StreamingConnection.closer(scope.request())), () -> {
            untrack.run();
            async.complete();
        });
        async.addListener(new EndOnClientError(pump));
        StreamingConnection.onClientClose(scope.request(), pump::end);
        pump.start(deadline);
    }

    /** The container noticed the client is gone (or timed the stream out): end the watch. */
    private record EndOnClientError(WatchPump pump) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            pump.end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            pump.end();
        }

        @Override
        public void onError(AsyncEvent event) {
            pump.end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }
    }

    /** A watch of one named object ({@code fieldSelector=metadata.name=x} or the legacy path with a name). */
    private static java.util.function.Predicate<HasMetadata> nameFilter(
            java.util.function.Predicate<HasMetadata> filter, String name) {
        if (name == null || name.isEmpty()) {
            return filter;
        }
        java.util.function.Predicate<HasMetadata> byName = o -> name.equals(o.getMetadata().getName());
        return filter == null ? byName : filter.and(byName);
    }

    /** {@code timeoutSeconds} (a 400 when not an integer, as in kube), else 30 to 60 minutes. */
    private static long timeoutMillis(RequestScope scope) {
        Long t = QueryParams.int64(scope, "timeoutSeconds");
        if (t == null) {
            return 1_800_000L + ThreadLocalRandom.current().nextLong(1_800_000L);
        }
        return Math.min(Math.max(0, t), 315_360_000L) * 1000; // at most ten years: the deadline must not overflow
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("true") || v.equals("1"));
    }

    private static Boolean bool(String v) {
        return v == null || v.isEmpty() ? null : isTrue(v);
    }

}
