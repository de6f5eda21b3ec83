package dev.kapi.apiserver.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Startup time on the embedded store: from starting {@code java ... -jar apiserver.jar} (default flags:
 * RBAC, no etcd) until {@code GET /readyz} answers 200 over TLS (anonymous, polled every 20 ms), with a
 * fresh data directory (the server generates its PKI and bootstraps its store) and again on the same
 * data directory; then the idle server's resident memory ({@code VmRSS} of /proc/<pid>/status, 3 s after
 * ready). Four ways to launch: the fat jar, the jar extracted with Spring Boot's {@code jarmode=tools
 * extract}, the extracted jar with a CDS archive ({@code -XX:ArchiveClassesAtExit} training run, then
 * {@code -XX:SharedArchiveFile}) and with a Java 25 AOT cache ({@code -XX:AOTCacheOutput} training run,
 * then {@code -XX:AOTCache}); training runs exit after the context refresh ({@code -Dspring.context.exit=onRefresh}).
 */
final class StartupPhase {

    private static final long GOAL_MILLIS = 3_000;

    private record Variant(String name, List<String> jvmArgs, Path jar) {
    }

    private record Start(long readyMillis, long rssKb) {
    }

    private final BenchOptions options;
    private final Path dir;
    private final Path java;

    private StartupPhase(BenchOptions options) {
        this.options = options;
        this.dir = options.workDir().resolve("startup");
        this.java = Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static void run(BenchOptions options, Report report) throws Exception {
        new StartupPhase(options).measure(report);
    }

    private void measure(Report report) throws Exception {
        Files.createDirectories(dir);
        Path fat = options.jar().toAbsolutePath();
        ApiServerBenchmark.phase("startup: extracting the jar, CDS and AOT training runs");
        Path extracted = dir.resolve("extracted");
        exec(List.of(java.toString(), "-Djarmode=tools", "-jar", fat.toString(), "extract", "--destination",
                extracted.toString()), "extract");
        Path jar = extracted.resolve(fat.getFileName());
        Path jsa = dir.resolve("app.jsa");
        Path aot = dir.resolve("app.aot");
        train(List.of("-XX:ArchiveClassesAtExit=" + jsa), jar, "cds-training", jsa);
        train(List.of("-XX:AOTCacheOutput=" + aot), jar, "aot-training", aot);
        List<Variant> variants = List.of(
                new Variant("fat jar (`java -jar apiserver.jar`)", List.of(), fat),
                new Variant("extracted jar", List.of(), jar),
                new Variant("extracted jar + CDS archive (`-XX:SharedArchiveFile`)", List.of("-XX:SharedArchiveFile=" + jsa), jar),
                new Variant("extracted jar + AOT cache (`-XX:AOTCache`)", List.of("-XX:AOTCache=" + aot), jar));
        int reps = options.startupRepetitions();
        report.section("Startup on the embedded store (until `GET /readyz` answers 200 over TLS; median and best of " + reps
                + " starts each)", "ready after / RSS", "fat jar");
        // repetition by repetition, each variant in turn, so that a change in the host's load hits all alike
        List<List<Start>> fresh = new ArrayList<>();
        List<List<Start>> second = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            fresh.add(new ArrayList<>());
            second.add(new ArrayList<>());
        }
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < variants.size(); i++) {
                Path data = dir.resolve("data-" + i + "-" + r);
                fresh.get(i).add(start(variants.get(i), data, "fresh"));
                second.get(i).add(start(variants.get(i), data, "second"));
            }
        }
        long fatFresh = 0;
        long fatSecond = 0;
        long fatFreshBest = 0;
        long fatSecondBest = 0;
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            long[] freshMillis = fresh.get(i).stream().mapToLong(Start::readyMillis).toArray();
            long[] secondMillis = second.get(i).stream().mapToLong(Start::readyMillis).toArray();
            long f = median(freshMillis);
            long s = median(secondMillis);
            long fBest = Arrays.stream(freshMillis).min().orElseThrow();
            long sBest = Arrays.stream(secondMillis).min().orElseThrow();
            long rss = median(second.get(i).stream().mapToLong(Start::rssKb).toArray());
            long rssFresh = median(fresh.get(i).stream().mapToLong(Start::rssKb).toArray());
            if (i == 0) {
                fatFresh = f;
                fatSecond = s;
                fatFreshBest = fBest;
                fatSecondBest = sBest;
            }
            System.out.printf(Locale.ROOT, "  %s: fresh %s ms, second start %s ms (median %d / %d), idle RSS %,d KB%n",
                    v.name(), Arrays.toString(freshMillis), Arrays.toString(secondMillis), f, s, rss);
            report.compare(v.name() + ", fresh data dir, median", "ms", f, fatFresh, "< 3 s", f < GOAL_MILLIS);
            report.compare(v.name() + ", fresh data dir, best", "ms", fBest, fatFreshBest, "< 3 s", fBest < GOAL_MILLIS);
            report.compare(v.name() + ", second start, median", "ms", s, fatSecond, "< 3 s", s < GOAL_MILLIS);
            report.compare(v.name() + ", second start, best", "ms", sBest, fatSecondBest, "< 3 s", sBest < GOAL_MILLIS);
            report.compare(v.name() + ", idle RSS (fresh / second start: " + rssFresh / 1024 + " / " + rss / 1024
                    + " MB)", "MB", rss / 1024.0, Double.NaN, null, null);
            report.note(v.name() + ": all starts, fresh " + Arrays.toString(freshMillis) + " ms, second "
                    + Arrays.toString(secondMillis) + " ms");
        }
        report.note("JVM flags: none besides those named (default heap: 1/4 of RAM, G1); the server's flags:"
                + " `--data-dir=<dir> --secure-port=<port> --bind-address=127.0.0.1` (RBAC, embedded store)");
        report.note(String.format(Locale.ROOT, "archives: CDS %,d KB, AOT cache %,d KB; extracted with"
                        + " `java -Djarmode=tools -jar apiserver.jar extract --destination <dir>`",
                Files.size(jsa) >> 10, Files.size(aot) >> 10));
    }

    private void train(List<String> flags, Path jar, String name, Path output) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(flags);
        command.addAll(List.of("-Dspring.context.exit=onRefresh", "-jar", jar.toString(),
                "--data-dir=" + dir.resolve(name + "-data"), "--secure-port=" + ServerProcess.freePort(),
                "--bind-address=127.0.0.1"));
        long t = System.nanoTime();
        exec(command, name);
        if (!Files.exists(output)) {
            throw new IllegalStateException(name + " wrote no " + output + "; see " + dir.resolve(name + ".log"));
        }
        System.out.printf(Locale.ROOT, "  %s: %.1f s, %,d KB%n", name, (System.nanoTime() - t) / 1e9, Files.size(output) >> 10);
    }

    private void exec(List<String> command, String name) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " failed; see " + dir.resolve(name + ".log"));
        }
    }

    private Start start(Variant v, Path data, String what) throws Exception {
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(v.jvmArgs());
        command.addAll(List.of("-jar", v.jar().toString(), "--data-dir=" + data, "--secure-port=" + port,
                "--bind-address=127.0.0.1"));
        Path log = dir.resolve("start.log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            long deadline = t0 + TimeUnit.MINUTES.toNanos(2);
            while (readyz(port) != 200) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("server (" + v.name() + ", " + what + ") not ready; see " + log);
                }
                Thread.sleep(20);
            }
            long ready = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(3_000);
            return new Start(ready, rssKb(p.pid()));
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The status of an anonymous {@code GET /readyz} over TLS (the server's certificate is not checked), or -1. */
    private static int readyz(int port) {
        try (Socket socket = TRUST_ALL.createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12); // "HTTP/1.1 200"
            return head.length == 12 ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.ISO_8859_1)) : -1;
        } catch (IOException | NumberFormatException notYet) {
            return -1;
        }
    }

    /** VmRSS of /proc/<pid>/status in KB, 0 when unreadable. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static final SocketFactory TRUST_ALL = trustAll();

    private static SocketFactory trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context.getSocketFactory();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
