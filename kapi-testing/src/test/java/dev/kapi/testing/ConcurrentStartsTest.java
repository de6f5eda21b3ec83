package dev.kapi.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.Appender;
import org.junit.jupiter.api.RepeatedTest;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers starting at the same time (test classes run concurrently) set up the test JVM's one Logback once, not
 * once each: every log line stays one line.
 */
class ConcurrentStartsTest {

    private static final ServerSettings DEFAULTS = ServerSettings.of(Defaults.class.getAnnotation(KapiTest.class));

    @KapiTest
    private static final class Defaults {
    }

    @RepeatedTest(3)
    void serversStartingTogetherLeaveOneConsoleAppender() {
        CyclicBarrier together = new CyclicBarrier(3);
        List<CompletableFuture<ManagedServer>> starts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return ManagedServer.start(DEFAULTS);
            }, r -> Thread.ofPlatform().start(r)));
        }
        List<ManagedServer> started = starts.stream().map(CompletableFuture::join).toList();
        try {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            List<String> appenders = new ArrayList<>();
            for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
                Appender<?> appender = it.next();
                appenders.add(appender.getName());
            }
            assertThat(appenders).doesNotHaveDuplicates();
        } finally {
            started.forEach(ManagedServer::close);
        }
    }
}
