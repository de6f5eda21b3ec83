package dev.kapi.apiserver.filters;

import java.util.Set;

/**
 * kube-apiserver's long-running requests ({@code BasicLongRunningRequestCheck} with verbs watch and proxy and
 * subresources attach, exec, proxy, log and portforward): they may last for hours, so the in-flight limits do
 * not count them and the metrics count them apart ({@code apiserver_longrunning_requests}).
 */
public final class LongRunning {

    private static final Set<String> VERBS = Set.of("watch", "proxy");
    private static final Set<String> SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");

    private LongRunning() {
    }

    public static boolean is(RequestInfo info) {
        if (info == null || !info.resourceRequest()) {
            return false;
        }
        return VERBS.contains(info.verb()) || info.subresource() != null && SUBRESOURCES.contains(info.subresource());
    }
}
