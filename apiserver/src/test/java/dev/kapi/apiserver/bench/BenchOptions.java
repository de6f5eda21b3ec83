package dev.kapi.apiserver.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The benchmark's knobs, read from system properties ({@code -Dbench.quick=true} for a smoke run; every
 * other value has a full-run default and a smaller quick-run default). {@code -Dbench.compaction=true}
 * runs the compaction mode instead of the benchmark (see {@link CompactionRun}).
 */
record BenchOptions(boolean quick, Path jar, String serverHeap, String serverJvmArgs, Duration phase,
                    Duration warmup, int listSize, int listRepetitions, int watchers, int watchEvents,
                    int watchRatePerSecond, int[] idleWatches, int startupRepetitions, boolean startupOnly, boolean compaction,
                    Duration compactionDuration, Duration compactionSample, int compactionClients,
                    Duration applyPhase, int applyRounds, Path workDir, boolean keepWorkDir) {

    static BenchOptions fromSystemProperties() {
        boolean quick = Boolean.getBoolean("bench.quick");
        return new BenchOptions(quick,
                Path.of(str("bench.jar", defaultJar())),
                str("bench.serverHeap", "4g"),
                str("bench.serverJvmArgs", ""),
                Duration.ofSeconds(num("bench.phaseSeconds", quick ? 2 : 10)),
                Duration.ofSeconds(num("bench.warmupSeconds", quick ? 3 : 15)),
                num("bench.listSize", quick ? 2_000 : 10_000),
                num("bench.listRepetitions", quick ? 5 : 20),
                num("bench.watchers", quick ? 200 : 1_000),
                num("bench.watchEvents", quick ? 40 : 200),
                num("bench.watchRate", 20),
                ints(str("bench.idleWatches", quick ? "500,1000" : "2000,10000")),
                num("bench.startupRepetitions", quick ? 1 : 3),
                Boolean.getBoolean("bench.startupOnly"),
                Boolean.getBoolean("bench.compaction"),
                Duration.ofSeconds(num("bench.compactionSeconds", quick ? 60 : 600)),
                Duration.ofSeconds(num("bench.compactionSampleSeconds", quick ? 10 : 30)),
                num("bench.compactionClients", 8),
                Duration.ofSeconds(num("bench.applySeconds", quick ? 1 : 3)),
                num("bench.applyRounds", quick ? 2 : 4),
                Path.of(str("bench.workDir", System.getProperty("java.io.tmpdir") + "/kapi-bench-" + ProcessHandle.current().pid())),
                Boolean.getBoolean("bench.keepWorkDir"));
    }

    private static String defaultJar() {
        // run from the repository root (mvnw -pl apiserver) or from the apiserver module directory
        Path inModule = Path.of("target/apiserver.jar");
        return inModule.toFile().exists() ? inModule.toString() : "apiserver/target/apiserver.jar";
    }

    private static String str(String key, String def) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static int num(String key, int def) {
        return Integer.parseInt(str(key, Integer.toString(def)));
    }

    private static int[] ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).sorted().toArray();
    }
}
