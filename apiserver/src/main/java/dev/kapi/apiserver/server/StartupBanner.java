package dev.kapi.apiserver.server;

import java.io.PrintStream;
import java.nio.file.Path;

/** The few lines printed once the server is ready: where it is, where its state is, how to talk to it. */
final class StartupBanner {

    private StartupBanner() {
    }

    static void print(PrintStream out, String url, Path kubeconfig, ServerOptions options) {
        out.println();
        out.println("Kapi is ready at " + url + " (" + storage(options) + ")");
        out.println("  kubectl --kubeconfig " + kubeconfig + " get namespaces");
        out.println("  curl --cacert " + options.dataDir().resolve("pki").resolve("ca.crt") + " " + url + "/version");
        out.println();
    }

    /** The same in one line, for {@code --logging-format=json}. */
    static String summary(String url, Path kubeconfig, ServerOptions options) {
        return "Kapi is ready at " + url + " (" + storage(options) + "); kubeconfig " + kubeconfig;
    }

    private static String storage(ServerOptions options) {
        return options.etcdServers().isEmpty()
                ? "embedded store in " + options.dataDir().resolve("db")
                : "etcd " + String.join(",", options.etcdServers());
    }
}
