package dev.kapi.testing;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a test server's start goes (issue #16), step by step: starts {@code rounds} servers one after the other in
 * this JVM as {@link KapiTestServer} does (each on a fresh data directory, on {@code /dev/shm} where it has room) with Spring's
 * {@link BufferingApplicationStartup}, and prints the mean duration of each startup step and bean over the last ten
 * starts (the JIT warm by then), longest first. A step's time includes the steps and beans it needs.
 * Run: {@code ./mvnw -B -q -o -pl kapi-testing test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.kapi.testing.StartupSteps [-Dexec.args=<rounds, at least 10>]}.
 */
public final class StartupSteps {

    private static final int MEASURED = 10;

    private StartupSteps() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Math.max(MEASURED, args.length > 0 ? Integer.parseInt(args[0]) : 30);
        Map<String, Long> nanos = new HashMap<>();
        long runs = 0;
        for (int round = 0; round < rounds; round++) {
            Path dir = DataDirs.create(true);
            Path data = dir.resolve("data");
            SharedKeys.seed(data);
            SpringApplication app = ServerApplication.create();
            BufferingApplicationStartup startup = new BufferingApplicationStartup(20_000);
            app.setApplicationStartup(startup);
            List<String> flags = new ArrayList<>(List.of("--secure-port=0", "--bind-address=127.0.0.1",
                    "--data-dir=" + data, "--leader-elect=false", "--controllers=" + KapiTestServer.DEFAULT_CONTROLLERS));
            flags.add("--spring.config.location=" + ServerConfigFile.location());
            long start = System.nanoTime();
            try (ConfigurableApplicationContext context = app.run(flags.toArray(String[]::new))) {
                long took = System.nanoTime() - start;
                if (round >= rounds - MEASURED) {
                    runs += took;
                    startup.getBufferedTimeline().getEvents().forEach(e ->
                            nanos.merge(name(e.getStartupStep()), e.getDuration().toNanos(), Long::sum));
                }
            }
            DataDirs.delete(dir);
        }
        System.out.printf(Locale.ROOT, "mean of the last %d of %d starts; Java %s, %d CPUs%n", MEASURED, rounds,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%8.1f ms  SpringApplication.run, whole%n", runs / 1e6 / MEASURED);
        nanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(40)
                .forEach(e -> System.out.printf(Locale.ROOT, "%8.1f ms  %s%n", e.getValue() / 1e6 / MEASURED,
                        e.getKey()));
        System.exit(0);
    }

    private static String name(StartupStep step) {
        StringBuilder name = new StringBuilder(step.getName());
        step.getTags().forEach(tag -> {
            if (tag.getKey().equals("beanName")) {
                name.append(' ').append(tag.getValue());
            }
        });
        return name.toString();
    }
}
